// The packing station: the parcel's expected items, scanning each into the box (keyboard
// wedge), the buyer's remark in plain sight, weight and sides, then the packaging ordo
// chose; after that the shipment (carrier and tracking number) and the label (PDF, ZPL).
import { useEffect, useRef, useState } from 'preact/hooks';
import { enc, get, post } from '../api.js';
import { register, t, tCode, useLang } from '../i18n.js';
import { money } from '../ui/format.js';
import { ErrorBox, Field, Loading, StatusBadge, useApi } from '../ui/components.jsx';
import { beep } from './warehouse.jsx';

register({
  'pack.title': ['打包 · 订单 {no}', 'Packing · order {no}'],
  'pack.remark': ['买家备注', 'Buyer remark'],
  'pack.buyer': ['收件人', 'Recipient'],
  'pack.items': ['应装商品', 'Expected items'],
  'pack.col.sku': ['SKU', 'SKU'],
  'pack.col.name': ['品名', 'Name'],
  'pack.col.barcode': ['条码', 'Barcode'],
  'pack.col.expected': ['应装', 'Expected'],
  'pack.col.scanned': ['已扫', 'Scanned'],
  'pack.col.picked': ['已拣', 'Picked'],
  'pack.not_ready': ['拣货尚未完成：请等拣货完成后再打包', 'Picking is not finished: pack once every unit is picked'],
  'pack.scan': ['扫描装箱商品', 'Scan an item'],
  'pack.minus': ['减一', 'Remove one'],
  'pack.scan_ok': ['✓ {sku}：{n}/{of}', '✓ {sku}: {n}/{of}'],
  'pack.scan_wrong': ['✗ 这个商品不在本订单中：{barcode}', '✗ Not in this order: {barcode}'],
  'pack.scan_over': ['✗ 多装了：{sku} 只需 {of} 件', '✗ Too many: {sku} needs only {of}'],
  'pack.all_in': ['✓ 全部商品已装箱，请称重并量尺寸', '✓ Everything is in the box: weigh and measure it'],
  'pack.weight': ['重量（克）', 'Weight (g)'],
  'pack.length': ['长（毫米）', 'Length (mm)'],
  'pack.width': ['宽（毫米）', 'Width (mm)'],
  'pack.height': ['高（毫米）', 'Height (mm)'],
  'pack.estimate': ['估计 {g} 克', 'about {g} g'],
  'pack.submit': ['完成打包', 'Pack'],
  'pack.packaging': ['包装', 'Packaging'],
  'pack.inner': ['内尺寸 {l}×{w}×{h} 毫米', 'inside {l}×{w}×{h} mm'],
  'pack.no_fit': ['最大的 1 号纸箱也装不下，请分箱', 'Even carton no. 1 is too small: split the parcel'],
  'pack.invoice': ['请把纸质发票放入箱内', 'Put the paper invoice in the box'],
  'pack.parcels': ['包裹', 'Parcels'],
  'pack.parcel': ['包裹 {id}', 'Parcel {id}'],
  'pack.ship': ['发货', 'Ship'],
  'pack.ship_policy': ['承运商选择', 'Choose the carrier by'],
  'pack.policy.cheapest': ['最便宜', 'cheapest'],
  'pack.policy.fastest': ['最快', 'fastest'],
  'pack.policy.best_score': ['服务评分最高', 'best score'],
  'pack.policy.required': ['订单指定', 'required by the order'],
  'pack.policy.channel': ['渠道指定', 'required by the channel'],
  'pack.carrier': ['承运商', 'Carrier'],
  'pack.carrier_auto': ['自动选择', 'Automatic'],
  'pack.tracking': ['运单号', 'Tracking number'],
  'pack.shipped': ['✓ 已发货：{carrier} {tracking}', '✓ Shipped: {carrier} {tracking}'],
  'pack.chosen_by': ['选择依据', 'Chosen by'],
  'pack.price': ['运费', 'Postage'],
  'pack.days': ['承诺 {n} 天', '{n} days promised'],
  'pack.label_pdf': ['打印面单（PDF）', 'Print label (PDF)'],
  'pack.label_zpl': ['下载 ZPL', 'Download ZPL'],
  'pack.weight_dims': ['重量 / 尺寸', 'Weight / size'],
  'pack.back': ['仓库作业', 'Warehouse'],
  'pack.material.bubble_wrap': ['气泡膜', 'bubble wrap'],
  'pack.material.void_filler': ['填充物', 'void filler'],
  'pack.material.sealed_bag': ['密封袋', 'sealed bag'],
  'pack.material.food_liner': ['食品级内衬', 'food-safe liner'],
  'pack.box.poly_mailer': ['快递袋', 'poly mailer'],
  'parcel.packed': ['已打包', 'Packed'],
  'parcel.shipped': ['已发货', 'Shipped'],
});
for (let i = 1; i <= 12; i++) register({ ['pack.box.carton_' + i]: [i + '号纸箱', 'carton no. ' + i] });

// What the box must hold, by barcode: what was picked for the order (or its lines, before a
// wave), less what earlier parcels took.
function expectedItems(order, picks, parcels, skus) {
  const by = new Map();
  const add = (barcode, sku, qty, picked) => {
    const e = by.get(barcode) || { barcode, sku, qty: 0, picked: 0 };
    e.qty += qty;
    e.picked += picked;
    by.set(barcode, e);
  };
  if (picks && picks.items && picks.items.length) {
    for (const p of picks.items) add(p.barcode, p.sku, p.qty, p.picked);
  } else if (order) {
    for (const l of order.items) {
      const s = skus[l.sku];
      if (s) add(s.barcode, l.sku, l.qty, 0);
    }
  }
  for (const parcel of parcels || []) for (const i of parcel.items || []) {
    const e = by.get(i.barcode);
    if (e) e.qty -= i.qty;
  }
  return [...by.values()].filter((e) => e.qty > 0);
}

function Packaging({ p }) {
  useLang();
  if (!p) return null;
  return (
    <div class="wh-packaging" data-box={p.box}>
      <strong class="wh-box">{tCode('pack.box', p.box)}</strong>{' '}
      <span class="muted">{t('pack.inner', { l: p.length_mm, w: p.width_mm, h: p.height_mm })}</span>
      {(p.materials || []).length > 0 && <span> · {p.materials.map((m) => tCode('pack.material', m)).join('、')}</span>}
      {p.fits === false && <div class="error-box">{t('pack.no_fit')}</div>}
    </div>
  );
}

function ParcelCard({ parcel }) {
  useLang();
  return (
    <div class="card wh-parcel" data-parcel={parcel.id} data-status={parcel.status}>
      <div class="toolbar">
        <h3 class="wh-task-title">{t('pack.parcel', { id: parcel.id })}</h3>
        <span class={'badge badge-' + parcel.status}>{tCode('parcel', parcel.status)}</span>
      </div>
      <Packaging p={parcel.packaging} />
      <div class="muted">
        {t('pack.weight_dims')}: {parcel.weight_g} g · {parcel.length_mm}×{parcel.width_mm}×{parcel.height_mm} mm ·{' '}
        {parcel.items.map((i) => `${i.sku} ×${i.qty}`).join(', ')}
      </div>
      {parcel.status === 'shipped' && (
        <>
          <div class="wh-shipped" data-tracking={parcel.tracking_no}>
            {t('pack.shipped', { carrier: parcel.carrier, tracking: parcel.tracking_no })}
          </div>
          <div class="muted">
            {parcel.chosen_by && (
              <span>
                {t('pack.chosen_by')}: {tCode('pack.policy', parcel.chosen_by)} ·{' '}
              </span>
            )}
            {parcel.price_fen !== null && parcel.price_fen !== undefined && (
              <span>
                {t('pack.price')} {money(parcel.price_fen)}
              </span>
            )}
            {parcel.promised_days ? <span> · {t('pack.days', { n: parcel.promised_days })}</span> : null}
          </div>
          <div class="toolbar wh-labels">
            <a class="wh-button primary wh-label-pdf" href={'/v1/parcels/' + parcel.id + '/label.pdf'} target="_blank" rel="noopener">
              {t('pack.label_pdf')}
            </a>
            <a class="wh-button wh-label-zpl" href={'/v1/parcels/' + parcel.id + '/label.zpl'} download={`label-${parcel.id}.zpl`}>
              {t('pack.label_zpl')}
            </a>
          </div>
        </>
      )}
    </div>
  );
}

export function PackStation({ params }) {
  useLang();
  const no = params.no;
  const order = useApi('/orders/' + enc(no));
  const [picks, setPicks] = useState(null);
  const [parcels, setParcels] = useState([]);
  const [skus, setSkus] = useState({});
  const [box, setBox] = useState({}); // barcode → scanned
  const [barcode, setBarcode] = useState('');
  const [signal, setSignal] = useState(null);
  const [dims, setDims] = useState({ weight_g: '', length_mm: '', width_mm: '', height_mm: '' });
  const [packError, setPackError] = useState(null);
  const [packed, setPacked] = useState(null);
  const [busy, setBusy] = useState(false);
  const [ship, setShip] = useState({ policy: 'cheapest', carrier: '' });
  const [shipError, setShipError] = useState(null);
  const carriers = useApi('/carriers');
  const scanRef = useRef(null);
  const seq = useRef(0);

  const loadParcels = () =>
    get('/orders/' + enc(no) + '/parcels').then(
      (r) => setParcels(r.items || []),
      () => setParcels([]),
    );
  useEffect(() => {
    get('/orders/' + enc(no) + '/picks').then(setPicks, () => setPicks({ items: [] }));
    loadParcels();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [no]);
  useEffect(() => {
    if (!order.data) return;
    for (const l of order.data.items)
      get('/skus/' + enc(l.sku)).then(
        (s) => setSkus((m) => ({ ...m, [l.sku]: s })),
        () => {},
      );
  }, [order.data]);

  const o = order.data;
  const expected = expectedItems(o, picks, parcels, skus);
  const canPack = o && ['picking', 'packed', 'partially_shipped'].includes(o.status) && expected.length > 0;
  const toShip = parcels.filter((p) => p.status === 'packed');
  const allIn = expected.length > 0 && expected.every((e) => (box[e.barcode] || 0) === e.qty);
  const estimate = expected.reduce((s, e) => s + (skus[e.sku] ? skus[e.sku].weight_g || 0 : 0) * e.qty, 0);

  useEffect(() => {
    const a = document.activeElement;
    if (canPack && scanRef.current && (!a || a === document.body)) scanRef.current.focus();
  });

  const show = (s) => {
    seq.current += 1;
    setSignal({ ...s, seq: seq.current });
  };

  const scanIn = (e) => {
    e.preventDefault();
    const code = barcode.trim();
    if (!code) return;
    setBarcode('');
    const line = expected.find((x) => x.barcode === code);
    if (!line) {
      beep(false);
      show({ ok: false, text: t('pack.scan_wrong', { barcode: code }) });
      return;
    }
    const n = (box[code] || 0) + 1;
    if (n > line.qty) {
      beep(false);
      show({ ok: false, text: t('pack.scan_over', { sku: line.sku, of: line.qty }) });
      return;
    }
    beep(true);
    setBox({ ...box, [code]: n });
    show({ ok: true, text: t('pack.scan_ok', { sku: line.sku, n, of: line.qty }) });
  };

  const minus = (code) => setBox({ ...box, [code]: Math.max(0, (box[code] || 0) - 1) });

  const doPack = async (e) => {
    e.preventDefault();
    setBusy(true);
    const num = (v) => (v === '' ? undefined : Number(v));
    const body = {
      items: Object.entries(box)
        .filter(([, q]) => q > 0)
        .map(([b, q]) => ({ barcode: b, qty: q })),
      weight_g: num(dims.weight_g),
      length_mm: num(dims.length_mm),
      width_mm: num(dims.width_mm),
      height_mm: num(dims.height_mm),
    };
    try {
      const r = await post('/orders/' + enc(no) + '/pack', body);
      setPacked(r);
      setPackError(null);
      setBox({});
      setSignal(null);
      await loadParcels();
      order.reload();
    } catch (err) {
      setPackError(err);
    } finally {
      setBusy(false);
    }
  };

  const doShip = async () => {
    setBusy(true);
    const body = ship.carrier ? { carrier: ship.carrier } : { policy: ship.policy };
    try {
      const r = await post('/orders/' + enc(no) + '/ship', body);
      setShipError(null);
      // The ship answer has chosen_by and promised days; the stored parcels do not.
      const extra = new Map((r.parcels || []).map((p) => [p.id, p]));
      const fresh = await get('/orders/' + enc(no) + '/parcels');
      setParcels((fresh.items || []).map((p) => ({ ...p, ...(extra.get(p.id) || {}) })));
      order.reload();
    } catch (err) {
      setShipError(err);
    } finally {
      setBusy(false);
    }
  };

  const setDim = (k) => (e) => setDims({ ...dims, [k]: e.currentTarget.value });
  const remark = o ? o.remark : packed ? packed.remark : null;

  return (
    <div class="wh wh-pack">
      <div class="toolbar">
        <a href="#/warehouse">← {t('pack.back')}</a>
      </div>
      <Loading when={order.loading && !o} />
      <ErrorBox error={order.error} />
      {o && (
        <>
          <div class="toolbar">
            <h1 class="wh-h1">{t('pack.title', { no })}</h1>
            <StatusBadge status={o.status} />
          </div>
          {remark && (
            <div class="remark wh-remark-big" role="note">
              <span class="wh-remark-label">{t('pack.remark')}</span>
              <span class="wh-remark-text">{remark}</span>
            </div>
          )}
          <p class="muted">
            {t('pack.buyer')}: {o.buyer && o.buyer.name} · {o.address && [o.address.province, o.address.city, o.address.district].join(' ')}
          </p>

          {canPack && (
            <div class="wh-pack-grid">
              <div class="card">
                <h2>{t('pack.items')}</h2>
                {picks && picks.items && picks.items.length > 0 && !picks.ready_to_pack && (
                  <div class="error-box">{t('pack.not_ready')}</div>
                )}
                <div class="wh-table-wrap">
                <table class="wh-expected">
                  <thead>
                    <tr>
                      <th>{t('pack.col.sku')}</th>
                      <th>{t('pack.col.name')}</th>
                      <th class="wh-hide-small">{t('pack.col.barcode')}</th>
                      <th class="num">{t('pack.col.expected')}</th>
                      <th class="num">{t('pack.col.scanned')}</th>
                      <th></th>
                    </tr>
                  </thead>
                  <tbody>
                    {expected.map((e) => {
                      const n = box[e.barcode] || 0;
                      return (
                        <tr key={e.barcode} class={n === e.qty ? 'wh-line-done' : ''} data-barcode={e.barcode}>
                          <td>{e.sku}</td>
                          <td>{skus[e.sku] ? skus[e.sku].name : ''}</td>
                          <td class="wh-hide-small">
                            <code>{e.barcode}</code>
                          </td>
                          <td class="num">{e.qty}</td>
                          <td class="num wh-scanned">{n}</td>
                          <td>
                            {n > 0 && (
                              <button class="link" onClick={() => minus(e.barcode)}>
                                {t('pack.minus')}
                              </button>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                </div>
                <form class="wh-scan-form" onSubmit={scanIn}>
                  <input
                    ref={scanRef}
                    name="barcode"
                    class="wh-big-input wh-scan-input"
                    autoComplete="off"
                    placeholder={t('pack.scan')}
                    value={barcode}
                    onInput={(e) => setBarcode(e.currentTarget.value)}
                  />
                </form>
                {signal && (
                  <div key={signal.seq} class={'wh-signal ' + (signal.ok ? 'wh-signal-ok' : 'wh-signal-bad')} role={signal.ok ? 'status' : 'alert'}>
                    <div class="wh-signal-title">{signal.text}</div>
                  </div>
                )}
                {allIn && <div class="ok-box wh-all-in">{t('pack.all_in')}</div>}
              </div>
              <form class="card" onSubmit={doPack}>
                <h2>{t('pack.weight_dims')}</h2>
                <Field label={t('pack.weight')} field="weight_g" error={packError}>
                  <input name="weight_g" type="number" min="0" inputMode="numeric" value={dims.weight_g} placeholder={estimate ? t('pack.estimate', { g: estimate }) : ''} onInput={setDim('weight_g')} />
                </Field>
                <div class="wh-dims">
                  <Field label={t('pack.length')} field="length_mm" error={packError}>
                    <input name="length_mm" type="number" min="0" inputMode="numeric" value={dims.length_mm} onInput={setDim('length_mm')} />
                  </Field>
                  <Field label={t('pack.width')} field="width_mm" error={packError}>
                    <input name="width_mm" type="number" min="0" inputMode="numeric" value={dims.width_mm} onInput={setDim('width_mm')} />
                  </Field>
                  <Field label={t('pack.height')} field="height_mm" error={packError}>
                    <input name="height_mm" type="number" min="0" inputMode="numeric" value={dims.height_mm} onInput={setDim('height_mm')} />
                  </Field>
                </div>
                <ErrorBox error={packError} />
                <button type="submit" class="primary wh-big-btn wh-pack-submit" disabled={busy}>
                  {t('pack.submit')}
                </button>
              </form>
            </div>
          )}

          {packed && toShip.length > 0 && (
            <div class="card wh-packed-result">
              <h2>{t('pack.packaging')}</h2>
              <Packaging p={packed.parcel && packed.parcel.packaging} />
              {packed.invoice && <div class="remark">{t('pack.invoice')}</div>}
            </div>
          )}

          {toShip.length > 0 && (
            <div class="card wh-ship">
              <h2>{t('pack.ship')}</h2>
              <div class="row">
                <Field label={t('pack.carrier')} field="carrier" error={shipError}>
                  <select name="carrier" value={ship.carrier} onChange={(e) => setShip({ ...ship, carrier: e.currentTarget.value })}>
                    <option value="">{t('pack.carrier_auto')}</option>
                    {((carriers.data && carriers.data.items) || [])
                      .filter((c) => c.active !== false)
                      .map((c) => (
                        <option key={c.code} value={c.code}>
                          {c.name} ({c.code})
                        </option>
                      ))}
                  </select>
                </Field>
                {!ship.carrier && (
                  <Field label={t('pack.ship_policy')} field="policy" error={shipError}>
                    <select name="policy" value={ship.policy} onChange={(e) => setShip({ ...ship, policy: e.currentTarget.value })}>
                      {['cheapest', 'fastest', 'best_score'].map((p) => (
                        <option key={p} value={p}>
                          {t('pack.policy.' + p)}
                        </option>
                      ))}
                    </select>
                  </Field>
                )}
                <button class="primary wh-big-btn wh-ship-btn" disabled={busy} onClick={doShip}>
                  {t('pack.ship')}
                </button>
              </div>
              <ErrorBox error={shipError} />
            </div>
          )}

          {parcels.length > 0 && (
            <>
              <h2>{t('pack.parcels')}</h2>
              {parcels.map((p) => (
                <ParcelCard key={p.id} parcel={p} />
              ))}
            </>
          )}
        </>
      )}
    </div>
  );
}
