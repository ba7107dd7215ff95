// The warehouse's desk: choose the warehouse, build a wave by strategy, see its pick tasks
// in route order with their bins and walking distance, print a pick list, and find the
// orders waiting to be packed. The scan and packing screens are warehouse-scan.jsx and
// warehouse-pack.jsx.
import { useEffect, useState } from 'preact/hooks';
import { enc, get, post } from '../api.js';
import { formatTime, register, t, tCode, useLang } from '../i18n.js';
import { navigate } from '../router.js';
import { Empty, ErrorBox, Field, Loading, Pager, StatusBadge, useApi, usePaged } from '../ui/components.jsx';
import './warehouse.css';

register({
  'wh.title': ['仓库作业', 'Warehouse'],
  'wh.warehouse': ['仓库', 'Warehouse'],
  'wh.choose': ['选择仓库', 'Choose the warehouse'],
  'wh.choose_hint': ['从列表中选择仓库，或输入（扫描）仓库编码', 'Pick the warehouse from the list, or type (scan) its code'],
  'wh.no_warehouses': ['还没有仓库', 'No warehouses yet'],
  'wh.use': ['使用', 'Use'],
  'wh.change': ['更换仓库', 'Change'],
  'wh.waiting': ['待拣订单', 'Orders waiting to pick'],
  'wh.waiting_units': ['{orders} 单 / {units} 件', '{orders} orders / {units} units'],
  'wh.new_wave': ['创建波次', 'Create a wave'],
  'wh.strategy': ['拣货策略', 'Strategy'],
  'wh.strategy.single': ['按单拣选（1–3 件的订单，每单一个任务）', 'Single (orders of 1–3 units, one task each)'],
  'wh.strategy.batch': ['批量拣选（同一区域 5–10 单合拣，播种墙分货）', 'Batch (5–10 orders of one zone, sorted on the put wall)'],
  'wh.strategy.wave': ['波次拣选（按承运商与截单时间分组）', 'Wave (grouped by carrier and cut-off)'],
  'wh.strategy.zone': ['分区拣选（每个区域一个任务，跨区订单汇合）', 'Zone (one task per zone; multi-zone orders consolidated)'],
  'wh.max_orders': ['最多订单数', 'Max orders'],
  'wh.cutoff': ['截单时间', 'Cut-off'],
  'wh.carrier': ['承运商', 'Carrier'],
  'wh.any_carrier': ['不限', 'Any'],
  'wh.create': ['生成波次', 'Create wave'],
  'wh.skipped_only': ['没有可拣的订单：{n} 单因批次效期不足被跳过', 'Nothing to pick: {n} orders skipped for want of qualifying lots'],
  'wh.waves': ['波次', 'Waves'],
  'wh.wave_orders': ['{n} 单', '{n} orders'],
  'wh.wave_order': ['{n} 单', '{n} order'],
  'wh.open_tasks': ['未完成任务', 'Open tasks'],
  'wh.task_zone': ['任务 {id} · {zone} 区', 'Task {id} · zone {zone}'],
  'wh.by': ['{user} 创建', 'by {user}'],
  'wave.open': ['拣货中', 'Open'],
  'wave.done': ['已拣完', 'Done'],
  'wh.open_wave': ['打开波次', 'Open wave'],
  'wh.wave_no': ['波次号', 'Wave no.'],
  'wh.wave': ['波次 {id}', 'Wave {id}'],
  'wh.task': ['任务 {id}', 'Task {id}'],
  'wh.zone': ['区域', 'Zone'],
  'wh.orders': ['订单', 'Orders'],
  'wh.consolidate': ['需汇合的订单（跨区）', 'To consolidate (several zones)'],
  'wh.distance': ['行走距离', 'Walking distance'],
  'wh.distance_val': ['{d} 米（按单号顺序 {b} 米，节省 {s}%）', '{d} m ({b} m in order-number order, {s}% saved)'],
  'wh.created': ['创建', 'Created'],
  'wh.units': ['件数', 'Units'],
  'wh.picked': ['已拣', 'Picked'],
  'wh.remaining': ['剩余', 'Remaining'],
  'wh.scan': ['扫码拣货', 'Scan'],
  'wh.print_list': ['打印拣货单', 'Print pick list'],
  'wh.print': ['打印', 'Print'],
  'wh.plain_list': ['纯文本', 'Plain text'],
  'wh.pick_list': ['拣货单', 'Pick list'],
  'wh.col.seq': ['#', '#'],
  'wh.col.bin': ['货位', 'Bin'],
  'wh.col.sku': ['SKU', 'SKU'],
  'wh.col.name': ['品名', 'Name'],
  'wh.col.barcode': ['条码', 'Barcode'],
  'wh.col.lot': ['批次', 'Lot'],
  'wh.col.qty': ['数量', 'Qty'],
  'wh.col.picked': ['已拣', 'Picked'],
  'wh.col.order': ['订单', 'Order'],
  'wh.col.slot': ['播种位', 'Slot'],
  'wh.col.check': ['✓', '✓'],
  'wh.list_footer': ['每拣 10 件清点一次拣货筐；货位缺货时如实上报找到的数量。', 'Count the tote every 10 items. Short bin: report what was found.'],
  'wh.to_pack': ['待打包 / 待发货', 'To pack / to ship'],
  'wh.ready': ['可打包', 'Ready to pack'],
  'wh.not_ready': ['拣货未完成', 'Still picking'],
  'wh.pack': ['打包', 'Pack'],
  'wh.ship': ['发货', 'Ship'],
  'wh.remark': ['买家备注', 'Buyer remark'],
  'task.open': ['进行中', 'Open'],
  'task.done': ['已完成', 'Done'],
  'task.cancelled': ['已取消', 'Cancelled'],
});

const WH_KEY = 'ordo.warehouse';

export function savedWarehouse() {
  try {
    return localStorage.getItem(WH_KEY) || '';
  } catch {
    return '';
  }
}

function saveWarehouse(code) {
  try {
    localStorage.setItem(WH_KEY, code);
  } catch {
    /* not remembered */
  }
}

// A short sound: high for a right scan, low and long for a wrong one. Optional; silent
// when the browser has no audio.
let audio = null;
export function beep(ok) {
  try {
    audio = audio || new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = ok ? 1200 : 220;
    osc.type = ok ? 'sine' : 'square';
    gain.gain.value = 0.08;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + (ok ? 0.08 : 0.45));
  } catch {
    /* no sound */
  }
}

export function savedPct(d, b) {
  if (!b || b <= 0) return 0;
  return Math.max(0, Math.round((1 - d / b) * 100));
}

// Orders of the given statuses whose reservations are at this warehouse (warehouse role may
// read orders; the API has no filter by warehouse, so the first pages are read and kept).
function useOrdersAt(warehouse, status) {
  const [state, setState] = useState({ items: [], loading: true, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!warehouse) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    get('/orders', { status, limit: 200 }).then(
      (page) => {
        if (!live) return;
        const items = (page.items || []).filter((o) => (o.reservations || []).some((r) => r.warehouse === warehouse));
        setState({ items, loading: false, error: null });
      },
      (error) => live && setState({ items: [], loading: false, error }),
    );
    return () => {
      live = false;
    };
  }, [warehouse, status, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

function WarehouseChooser({ current, onChoose }) {
  useLang();
  const [code, setCode] = useState(current || '');
  const [error, setError] = useState(null);
  const list = useApi('/warehouses');
  const known = (list.data && list.data.items) || [];
  const choose = async (c) => {
    const value = (c || code).trim();
    if (!value) return;
    try {
      await get('/warehouses/' + enc(value));
      setError(null);
      saveWarehouse(value);
      onChoose(value);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class="card wh-chooser">
      <h2>{t('wh.choose')}</h2>
      <p class="muted">{t('wh.choose_hint')}</p>
      <Loading when={list.loading && !list.data} />
      <ErrorBox error={list.error} />
      {list.data && known.length === 0 && <p class="empty">{t('wh.no_warehouses')}</p>}
      {known.length > 0 && (
        <div class="wh-known-list">
          {known.map((w) => (
            <button
              key={w.code}
              type="button"
              class={'wh-known' + (w.code === current ? ' wh-known-current' : '')}
              data-code={w.code}
              onClick={() => choose(w.code)}
            >
              <span class="wh-known-name">{w.name || w.code}</span>
              <code class="wh-known-code">{w.code}</code>
            </button>
          ))}
        </div>
      )}
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          choose();
        }}
      >
        <Field label={t('wh.warehouse')}>
          <input name="warehouse" list="wh-known" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
        </Field>
        <datalist id="wh-known">
          {known.map((w) => (
            <option key={w.code} value={w.code}>
              {w.name}
            </option>
          ))}
        </datalist>
        <button type="submit" class="primary wh-field-btn">
          {t('wh.use')}
        </button>
      </form>
      <ErrorBox error={error} />
    </div>
  );
}

function CreateWave({ warehouse }) {
  useLang();
  const [form, setForm] = useState({ strategy: 'single', max_orders: '50', cutoff: '', carrier: '' });
  const [error, setError] = useState(null);
  const [note, setNote] = useState(null);
  const [busy, setBusy] = useState(false);
  const carriers = useApi('/carriers');
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setNote(null);
    const body = { warehouse, strategy: form.strategy };
    if (form.max_orders !== '') body.max_orders = Number(form.max_orders);
    if (form.cutoff) body.cutoff = form.cutoff;
    if (form.carrier) body.carrier = form.carrier;
    try {
      const wave = await post('/waves', body);
      setError(null);
      if (wave.id === null || wave.id === undefined) {
        setNote(t('wh.skipped_only', { n: (wave.skipped || []).length }));
      } else {
        navigate('/warehouse/waves/' + wave.id);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card wh-new-wave" onSubmit={submit}>
      <h2>{t('wh.new_wave')}</h2>
      <div class="row">
        <Field label={t('wh.strategy')} field="strategy" error={error}>
          <select name="strategy" value={form.strategy} onChange={set('strategy')}>
            {['single', 'batch', 'wave', 'zone'].map((s) => (
              <option key={s} value={s}>
                {t('wh.strategy.' + s)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('wh.max_orders')} field="max_orders" error={error}>
          <input name="max_orders" type="number" min="1" value={form.max_orders} onInput={set('max_orders')} class="wh-narrow" />
        </Field>
        <Field label={t('wh.cutoff')} field="cutoff" error={error}>
          <input name="cutoff" type="time" value={form.cutoff} onInput={set('cutoff')} />
        </Field>
        <Field label={t('wh.carrier')} field="carrier" error={error}>
          <select name="carrier" value={form.carrier} onChange={set('carrier')}>
            <option value="">{t('wh.any_carrier')}</option>
            {((carriers.data && carriers.data.items) || []).map((c) => (
              <option key={c.code} value={c.code}>
                {c.name} ({c.code})
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" class="primary wh-field-btn" disabled={busy}>
          {t('wh.create')}
        </button>
      </div>
      <ErrorBox error={error} />
      {note && <div class="error-box">{note}</div>}
    </form>
  );
}

function ToPack({ warehouse }) {
  useLang();
  const picking = useOrdersAt(warehouse, 'picking');
  const packed = useOrdersAt(warehouse, 'packed');
  const [ready, setReady] = useState({});
  useEffect(() => {
    for (const o of picking.items.slice(0, 30)) {
      get('/orders/' + enc(o.order_no) + '/picks').then(
        (p) => setReady((r) => ({ ...r, [o.order_no]: p.ready_to_pack })),
        () => {},
      );
    }
  }, [picking.items]);
  const rows = picking.items.concat(packed.items);
  return (
    <div class="card">
      <h2>{t('wh.to_pack')}</h2>
      <Loading when={picking.loading || packed.loading} />
      <ErrorBox error={picking.error || packed.error} />
      <Empty when={!picking.loading && !packed.loading && rows.length === 0} />
      {rows.length > 0 && (
        <div class="wh-table-wrap">
          <table class="wh-topack">
            <thead>
              <tr>
                <th>{t('wh.col.order')}</th>
                <th>{t('wh.units')}</th>
                <th>{t('wh.remark')}</th>
                <th></th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((o) => (
                <tr key={o.order_no} data-order={o.order_no}>
                  <td>
                    <code>{o.order_no}</code>
                  </td>
                  <td class="num">{(o.items || []).reduce((s, l) => s + l.qty, 0)}</td>
                  <td class="wh-topack-remark">{o.remark ? <span class="wh-remark-inline">{o.remark}</span> : ''}</td>
                  <td>
                    <StatusBadge status={o.status} />{' '}
                    {o.status === 'picking' && ready[o.order_no] !== undefined && (
                      <span class={ready[o.order_no] ? 'badge badge-delivered' : 'badge'}>
                        {t(ready[o.order_no] ? 'wh.ready' : 'wh.not_ready')}
                      </span>
                    )}
                  </td>
                  <td>
                    <a class="wh-pack-link" href={'#/warehouse/pack/' + o.order_no}>
                      {o.status === 'packed' ? t('wh.ship') : t('wh.pack')}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

// The warehouse's waves, newest first, with their progress and a Scan link to each open task.
function Waves({ warehouse }) {
  useLang();
  const waves = usePaged('/waves', { warehouse, limit: 10 });
  const [waveNo, setWaveNo] = useState('');
  return (
    <div class="card wh-waves">
      <div class="toolbar wh-waves-head">
        <h2 class="wh-task-title">{t('wh.waves')}</h2>
        <span class="wh-spacer" />
        <form
          class="wh-open-wave"
          onSubmit={(e) => {
            e.preventDefault();
            if (waveNo.trim()) navigate('/warehouse/waves/' + enc(waveNo.trim()));
          }}
        >
          <input name="wave" class="wh-narrow" placeholder={t('wh.wave_no')} aria-label={t('wh.wave_no')} value={waveNo} onInput={(e) => setWaveNo(e.currentTarget.value)} />
          <button type="submit">{t('wh.open_wave')}</button>
        </form>
      </div>
      <ErrorBox error={waves.error} />
      <Empty when={!waves.loading && !waves.error && waves.items.length === 0} />
      <ul class="wh-wave-list">
        {waves.items.map((w) => {
          const open = (w.tasks || []).filter((k) => k.status === 'open');
          const pct = w.units > 0 ? Math.round((w.picked / w.units) * 100) : 0;
          return (
            <li key={w.id} class={'wh-wave-item wh-wave-' + w.status} data-wave={w.id}>
              <div class="wh-wave-line">
                <a class="wh-wave-link" href={'#/warehouse/waves/' + w.id}>
                  {t('wh.wave', { id: w.id })}
                </a>
                <span>{tCode('wh.strategy_short', w.strategy)}</span>
                <span class={'badge badge-task-' + w.status}>{tCode('wave', w.status)}</span>
                <span class="wh-spacer" />
                <span class="muted wh-wave-time">{formatTime(w.created_at)}</span>
              </div>
              <div class="wh-progress wh-wave-progress" title={t('wh.picked')}>
                <div class="wh-progress-bar" style={{ width: pct + '%' }} />
                <span class="wh-progress-text">
                  {t('wh.picked')} {w.picked}/{w.units}
                </span>
              </div>
              <div class="muted wh-wave-meta">
                {t(w.orders === 1 ? 'wh.wave_order' : 'wh.wave_orders', { n: w.orders })}
                {w.carrier ? ' · ' + w.carrier : ''}
                {w.cutoff ? ' · ' + t('wh.cutoff') + ' ' + w.cutoff : ''}
                {w.created_by ? ' · ' + t('wh.by', { user: w.created_by }) : ''}
              </div>
              {open.length > 0 && (
                <div class="wh-open-tasks">
                  {open.map((k) => (
                    <span key={k.id} class="wh-open-task" data-task={k.id}>
                      <span>
                        {t('wh.task_zone', { id: k.id, zone: k.zone })} · {k.picked}/{k.units}
                      </span>
                      <a class="wh-button primary wh-scan-link" href={'#/warehouse/picks/' + k.id}>
                        {t('wh.scan')}
                      </a>
                    </span>
                  ))}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <Loading when={waves.loading} />
      <Pager paged={waves} />
    </div>
  );
}

export function WarehouseHome() {
  useLang();
  const [warehouse, setWarehouse] = useState(savedWarehouse());
  const [choosing, setChoosing] = useState(!warehouse);
  const info = useApi(warehouse ? '/warehouses/' + enc(warehouse) : null);
  const waiting = useOrdersAt(warehouse, 'approved');
  if (choosing || !warehouse)
    return (
      <div class="wh">
        <h1>{t('wh.title')}</h1>
        <WarehouseChooser
          current={warehouse}
          onChoose={(c) => {
            setWarehouse(c);
            setChoosing(false);
          }}
        />
      </div>
    );
  const units = waiting.items.reduce((s, o) => s + (o.reservations || []).filter((r) => r.warehouse === warehouse).reduce((a, r) => a + r.qty, 0), 0);
  return (
    <div class="wh">
      <div class="toolbar">
        <h1 class="wh-h1">
          {t('wh.title')} · <span class="wh-current" data-warehouse={warehouse}>{warehouse}</span>
          {info.data && info.data.name ? <span class="muted"> {info.data.name}</span> : null}
        </h1>
        <button class="link" onClick={() => setChoosing(true)}>
          {t('wh.change')}
        </button>
      </div>
      <div class="grid wh-stats">
        <div class="card">
          <div class="stat-label">{t('wh.waiting')}</div>
          <div class="stat wh-waiting">{t('wh.waiting_units', { orders: waiting.items.length, units })}</div>
        </div>
      </div>
      <CreateWave warehouse={warehouse} />
      <Waves warehouse={warehouse} />
      <ToPack warehouse={warehouse} />
    </div>
  );
}

register({
  'wh.strategy_short.single': ['按单', 'single'],
  'wh.strategy_short.batch': ['批量', 'batch'],
  'wh.strategy_short.wave': ['波次', 'wave'],
  'wh.strategy_short.zone': ['分区', 'zone'],
});

function TaskLines({ task, names }) {
  useLang();
  const hasSlot = task.lines.some((l) => l.slot);
  return (
    <table class="wh-lines">
      <thead>
        <tr>
          <th>{t('wh.col.seq')}</th>
          <th>{t('wh.col.bin')}</th>
          <th>{t('wh.col.sku')}</th>
          {names && <th>{t('wh.col.name')}</th>}
          <th>{t('wh.col.barcode')}</th>
          <th>{t('wh.col.lot')}</th>
          <th class="num">{t('wh.col.qty')}</th>
          <th class="num">{t('wh.col.picked')}</th>
          <th>{t('wh.col.order')}</th>
          {hasSlot && <th>{t('wh.col.slot')}</th>}
        </tr>
      </thead>
      <tbody>
        {task.lines.map((l) => (
          <tr key={l.seq} class={l.picked >= l.qty ? 'wh-line-done' : ''}>
            <td>{l.seq}</td>
            <td class="wh-bin">{l.bin}</td>
            <td>{l.sku}</td>
            {names && <td>{names[l.sku] || ''}</td>}
            <td>
              <code>{l.barcode}</code>
            </td>
            <td>{l.lot || '—'}</td>
            <td class="num">{l.qty}</td>
            <td class="num">{l.picked}</td>
            <td>
              <code>{l.order_no}</code>
            </td>
            {hasSlot && <td>{l.slot || ''}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WaveView({ params }) {
  useLang();
  const wave = useApi('/waves/' + enc(params.id));
  const w = wave.data;
  return (
    <div class="wh">
      <div class="toolbar">
        <a href="#/warehouse">← {t('wh.title')}</a>
        <button onClick={wave.reload}>{t('action.refresh')}</button>
      </div>
      <Loading when={wave.loading && !w} />
      <ErrorBox error={wave.error} />
      {w && (
        <>
          <h1>
            {t('wh.wave', { id: w.id })} · {w.warehouse} · {tCode('wh.strategy_short', w.strategy)}
          </h1>
          <div class="card wh-wave-summary">
            <div class="grid">
              <div>
                <div class="stat-label">{t('wh.distance')}</div>
                <div class="wh-distance">{t('wh.distance_val', { d: w.distance_m, b: w.baseline_m, s: savedPct(w.distance_m, w.baseline_m) })}</div>
              </div>
              <div>
                <div class="stat-label">{t('wh.orders')}</div>
                <div>{w.orders.length}</div>
              </div>
              {w.carrier && (
                <div>
                  <div class="stat-label">{t('wh.carrier')}</div>
                  <div>{w.carrier}</div>
                </div>
              )}
              {w.cutoff && (
                <div>
                  <div class="stat-label">{t('wh.cutoff')}</div>
                  <div>{w.cutoff}</div>
                </div>
              )}
            </div>
            {w.consolidate && w.consolidate.length > 0 && (
              <p>
                {t('wh.consolidate')}: {w.consolidate.join(', ')}
              </p>
            )}
          </div>
          {w.tasks.map((task) => (
            <div class="card wh-task" key={task.id} data-task={task.id}>
              <div class="toolbar">
                <h2 class="wh-task-title">
                  {t('wh.task', { id: task.id })} · {t('wh.zone')} {task.zone}
                </h2>
                <span class={'badge badge-task-' + task.status}>{tCode('task', task.status)}</span>
                <span class="muted">
                  {t('wh.picked')} {task.picked}/{task.units} ·{' '}
                  {t('wh.distance_val', { d: task.distance_m, b: task.baseline_m, s: savedPct(task.distance_m, task.baseline_m) })}
                </span>
                <span class="wh-spacer" />
                <a class="wh-button" href={'#/warehouse/picks/' + task.id + '/list'}>
                  {t('wh.print_list')}
                </a>
                <a class="wh-button primary wh-scan-link" href={'#/warehouse/picks/' + task.id}>
                  {t('wh.scan')}
                </a>
              </div>
              <TaskLines task={task} />
            </div>
          ))}
        </>
      )}
    </div>
  );
}

// The printable pick list: the task's lines in route order with names, a box to tick, and
// the server's plain-text list one click away.
export function PickListPrint({ params }) {
  useLang();
  const task = useApi('/picks/' + enc(params.task));
  const [names, setNames] = useState({});
  useEffect(() => {
    if (!task.data) return;
    for (const sku of new Set(task.data.lines.map((l) => l.sku))) {
      get('/skus/' + enc(sku)).then(
        (s) => setNames((n) => ({ ...n, [sku]: s.name })),
        () => {},
      );
    }
  }, [task.data]);
  const tk = task.data;
  return (
    <div class="wh wh-print">
      <div class="toolbar no-print">
        <a href={tk ? '#/warehouse/waves/' + tk.wave : '#/warehouse'}>← {t('action.back')}</a>
        <button class="primary" onClick={() => window.print()}>
          {t('wh.print')}
        </button>
        <a href={'/v1/picks/' + enc(params.task) + '/list'} target="_blank" rel="noopener">
          {t('wh.plain_list')}
        </a>
      </div>
      <Loading when={task.loading && !tk} />
      <ErrorBox error={task.error} />
      {tk && (
        <>
          <h1>
            {t('wh.pick_list')} · {t('wh.task', { id: tk.id })} · {t('wh.wave', { id: tk.wave })} · {t('wh.zone')} {tk.zone}
          </h1>
          <p>
            {t('wh.distance')}: {t('wh.distance_val', { d: tk.distance_m, b: tk.baseline_m, s: savedPct(tk.distance_m, tk.baseline_m) })} ·{' '}
            {t('wh.units')} {tk.units}
          </p>
          <table class="wh-lines wh-printable">
            <thead>
              <tr>
                <th>{t('wh.col.seq')}</th>
                <th>{t('wh.col.bin')}</th>
                <th>{t('wh.col.sku')}</th>
                <th>{t('wh.col.name')}</th>
                <th>{t('wh.col.lot')}</th>
                <th class="num">{t('wh.col.qty')}</th>
                <th>{t('wh.col.order')}</th>
                <th>{t('wh.col.slot')}</th>
                <th>{t('wh.col.check')}</th>
              </tr>
            </thead>
            <tbody>
              {tk.lines.map((l) => (
                <tr key={l.seq}>
                  <td>{l.seq}</td>
                  <td class="wh-bin">{l.bin}</td>
                  <td>{l.sku}</td>
                  <td>{names[l.sku] || ''}</td>
                  <td>{l.lot || '—'}</td>
                  <td class="num">{l.qty}</td>
                  <td>
                    <code>{l.order_no}</code>
                  </td>
                  <td>{l.slot || ''}</td>
                  <td>☐</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">{t('wh.list_footer')}</p>
        </>
      )}
    </div>
  );
}
