// The picker's scan screen, made for a hand-held scanner (360×640): the scanner is a
// keyboard wedge that types the barcode and Enter into the input that keeps the focus.
// A right scan flashes green with what is left; a wrong one fills the width in red with the
// server's reason. Every 10 items the tote is counted; a short bin is reported with what
// was found.
import { useEffect, useRef, useState } from 'preact/hooks';
import { enc, get, post } from '../api.js';
import { register, t, tCode, useLang } from '../i18n.js';
import { ErrorBox, Loading } from '../ui/components.jsx';
import { beep } from './warehouse.jsx';

register({
  'scan.title': ['拣货 · 任务 {id}', 'Picking · task {id}'],
  'scan.zone': ['{zone} 区', 'zone {zone}'],
  'scan.progress': ['已拣 {picked} / {units}', 'Picked {picked} / {units}'],
  'scan.next': ['下一个', 'Next'],
  'scan.bin': ['货位', 'Bin'],
  'scan.take': ['取 {n} 件', 'Take {n}'],
  'scan.lot': ['批次', 'Lot'],
  'scan.barcode': ['扫描条码', 'Scan a barcode'],
  'scan.qty': ['数量', 'Qty'],
  'scan.enter': ['确认', 'Enter'],
  'scan.ok': ['✓ 正确', '✓ Right item'],
  'scan.ok_line': ['{sku} ×{qty}', '{sku} ×{qty}'],
  'scan.sort_to': ['放入订单 {order}', 'Into order {order}'],
  'scan.sort_slot': ['播种位 {slot}', 'slot {slot}'],
  'scan.remaining': ['还剩 {n} 件', '{n} left'],
  'scan.done': ['✓ 任务完成', '✓ Task complete'],
  'scan.done_hint': ['全部拣完，送往打包台', 'Everything picked: take the tote to packing'],
  'scan.pack_order': ['打包订单 {order}', 'Pack order {order}'],
  'scan.count_title': ['请清点拣货筐', 'Count the tote'],
  'scan.count_hint': ['每拣 10 件需清点一次：输入筐内商品总数', 'Every 10 items: enter how many items are in the tote'],
  'scan.count_input': ['筐内件数', 'Items in the tote'],
  'scan.count_confirm': ['确认数量', 'Confirm count'],
  'scan.count_ok': ['✓ 数量已确认：{n} 件', '✓ Count confirmed: {n} items'],
  'scan.short': ['缺货上报', 'Short pick'],
  'scan.short_title': ['上报缺货：货位 {bin}', 'Report a short bin: {bin}'],
  'scan.short_need': ['{sku} 还需 {n} 件', '{sku}: {n} still needed'],
  'scan.short_found': ['实际找到的件数', 'Units found in the bin'],
  'scan.short_confirm': ['确认缺货', 'Confirm short pick'],
  'scan.short_sure': ['确认货位 {bin} 只有 {found} 件？缺少的会从订单中扣除并报损。', 'Bin {bin} holds only {found}? The missing units are cut from the orders and written off.'],
  'scan.short_done': ['已上报：缺 {missing} 件，报损 {written} 件', 'Reported: {missing} missing, {written} written off'],
  'scan.lines': ['拣货路线', 'Route'],
  'scan.back_wave': ['波次', 'Wave'],
  'scan.err.wrong_item': ['✗ 错误商品！请放回', '✗ Wrong item! Put it back'],
  'scan.err.wrong_lot': ['✗ 批次错误', '✗ Wrong lot'],
  'scan.err.required': ['✗ 缺少信息', '✗ Something is missing'],
  'scan.err.over_pick': ['✗ 超拣！请放回', '✗ Over-pick! Put it back'],
  'scan.err.count_required': ['请先清点拣货筐', 'Count the tote first'],
  'scan.err.count_mismatch': ['✗ 数量不符，请重新清点', '✗ Count does not match: recount'],
  'scan.err.order_cancelled': ['✗ 订单已取消，请放回', '✗ Order cancelled: put it back'],
  'scan.err.conflict': ['✗ 任务已完成', '✗ The task is done'],
  'scan.err.other': ['✗ 扫描被拒绝', '✗ Scan refused'],
  'short.outcome.replaced': ['同仓换批次', 'replaced from another lot'],
  'short.outcome.reallocated': ['改由其他仓发货', 'reallocated'],
  'short.outcome.backordered': ['缺货待补', 'backordered'],
});

function nextLine(task) {
  return task && task.lines.find((l) => l.picked < l.qty && l.status !== 'cancelled');
}

function newScanId() {
  return 'scan-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
}

export function PickScan({ params }) {
  useLang();
  const id = params.task;
  const [task, setTask] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [signal, setSignal] = useState(null); // {ok, title, text, lines, seq}
  const [barcode, setBarcode] = useState('');
  const [qty, setQty] = useState('1');
  const [lot, setLot] = useState('');
  const [busy, setBusy] = useState(false);
  const [counting, setCounting] = useState(null); // {pending: scan body or null}
  const [countValue, setCountValue] = useState('');
  const [countError, setCountError] = useState(null);
  const [shortOpen, setShortOpen] = useState(false);
  const [found, setFound] = useState('');
  const [shortSure, setShortSure] = useState(false);
  const [shortError, setShortError] = useState(null);
  const [shortResult, setShortResult] = useState(null);
  const scanRef = useRef(null);
  const countRef = useRef(null);
  const seq = useRef(0);

  const load = () =>
    get('/picks/' + enc(id)).then(
      (tk) => {
        setTask(tk);
        setLoadError(null);
        return tk;
      },
      (e) => setLoadError(e),
    );
  useEffect(() => {
    load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  const panelOpen = !!counting || shortOpen;
  // The scanner types into whatever has the focus: keep it on the barcode input unless the
  // picker is in the count or short panel or another input.
  const refocus = () => {
    if (!panelOpen && scanRef.current) scanRef.current.focus();
  };
  useEffect(() => {
    if (counting && countRef.current) countRef.current.focus();
    else if (!document.activeElement || document.activeElement === document.body) refocus();
  });
  const onScanBlur = (e) => {
    const to = e.relatedTarget;
    if (to && (to.tagName === 'INPUT' || to.tagName === 'SELECT' || to.tagName === 'TEXTAREA')) return;
    setTimeout(refocus, 0);
  };

  const show = (s) => {
    seq.current += 1;
    setSignal({ ...s, seq: seq.current });
  };

  const showRefusal = (e) => {
    const fe = e.fields && e.fields[0];
    const code = fe ? fe.code : e.status === 409 ? 'conflict' : 'other';
    beep(false);
    show({ ok: false, code, title: tCode('scan.err', code) === code ? t('scan.err.other') : tCode('scan.err', code), text: e.message });
  };

  const send = async (body) => {
    setBusy(true);
    try {
      const r = await post('/picks/' + enc(id) + '/scan', { ...body, scan_id: newScanId() });
      return r;
    } finally {
      setBusy(false);
    }
  };

  const afterGood = async (r, body) => {
    beep(true);
    const tk = await load();
    const line = tk && tk.lines.find((l) => l.barcode === body.barcode);
    show({
      ok: true,
      done: r.status === 'done',
      title: r.status === 'done' ? t('scan.done') : t('scan.ok'),
      text: t('scan.ok_line', { sku: line ? line.sku : body.barcode, qty: body.qty }),
      sort: r.sort_to || [],
      remaining: r.remaining,
    });
    setQty('1');
    if (r.count_due) {
      setCounting({ pending: null });
      setCountValue('');
    }
  };

  // A scanner can send the next barcode before the server answered the last: scans queue
  // and go one at a time. A refusal drops the rest (the picker looks at the red alert and
  // scans them again).
  const queue = useRef([]);
  const running = useRef(false);
  const pump = async () => {
    if (running.current) return;
    running.current = true;
    try {
      while (queue.current.length) {
        const body = queue.current.shift();
        try {
          const r = await send(body);
          await afterGood(r, body);
          if (r.count_due) queue.current.length = 0;
        } catch (err) {
          queue.current.length = 0;
          const fe = err.fields && err.fields[0];
          if (fe && fe.code === 'count_required') {
            // The count goes with this scan: ask for it, then send both.
            setCounting({ pending: body });
            setCountValue('');
            setCountError(null);
          }
          showRefusal(err);
          if (!fe || fe.code !== 'count_required') load();
        }
      }
    } finally {
      running.current = false;
    }
  };
  const scan = (e) => {
    if (e) e.preventDefault();
    const code = barcode.trim();
    if (!code) return;
    const body = { barcode: code, qty: Number(qty) || 1 };
    if (lot.trim()) body.lot = lot.trim();
    setBarcode('');
    queue.current.push(body);
    pump();
  };

  const confirmCount = async (e) => {
    e.preventDefault();
    if (countValue === '') return;
    const n = Number(countValue);
    const body = { ...(counting.pending || {}), confirm_count: n };
    try {
      const r = await send(body);
      setCountError(null);
      setCounting(null);
      if (counting.pending) await afterGood(r, counting.pending);
      else {
        beep(true);
        show({ ok: true, title: t('scan.count_ok', { n }), text: '', sort: [], remaining: r.remaining });
        load();
      }
    } catch (err) {
      beep(false);
      setCountError(err);
    }
  };

  const line = nextLine(task);

  const reportShort = async () => {
    try {
      const body = { sku: line.sku, bin: line.bin, found: Number(found) };
      if (line.lot) body.lot = line.lot;
      const r = await post('/picks/' + enc(id) + '/short', body);
      setShortResult(r);
      setShortError(null);
      setShortOpen(false);
      setShortSure(false);
      setFound('');
      load();
    } catch (err) {
      setShortError(err);
      setShortSure(false);
    }
  };

  if (loadError && !task)
    return (
      <div class="wh wh-scan">
        <ErrorBox error={loadError} />
      </div>
    );
  if (!task) return <Loading when />;

  const orders = [...new Set(task.lines.map((l) => l.order_no))];
  const pct = task.units ? Math.round((task.picked / task.units) * 100) : 0;
  const done = task.status === 'done';
  return (
    <div class="wh wh-scan" onClick={(e) => e.target === e.currentTarget && refocus()}>
      <div class="wh-scan-head">
        <a href={'#/warehouse/waves/' + task.wave} class="wh-back">
          ← {t('scan.back_wave')} {task.wave}
        </a>
        <strong>
          {t('scan.title', { id: task.id })} · {t('scan.zone', { zone: task.zone })}
        </strong>
      </div>
      <div class="wh-progress" aria-label={t('scan.progress', task)}>
        <div class="wh-progress-bar" style={{ width: pct + '%' }} />
        <span class="wh-progress-text">{t('scan.progress', task)}</span>
      </div>

      {signal && (
        <div
          key={signal.seq}
          class={'wh-signal ' + (signal.ok ? 'wh-signal-ok' : 'wh-signal-bad')}
          role={signal.ok ? 'status' : 'alert'}
          data-code={signal.code || 'ok'}
        >
          <div class="wh-signal-title">{signal.title}</div>
          {signal.text && <div class="wh-signal-text">{signal.text}</div>}
          {signal.ok && signal.sort && signal.sort.length > 0 && (
            <div class="wh-signal-sort">
              {signal.sort.map((s) => (
                <span key={s.order_no}>
                  {t('scan.sort_to', { order: s.order_no })}
                  {s.slot ? ' · ' + t('scan.sort_slot', { slot: s.slot }) : ''}
                </span>
              ))}
            </div>
          )}
          {signal.ok && signal.remaining !== undefined && (
            <div class="wh-signal-remaining">{t('scan.remaining', { n: signal.remaining })}</div>
          )}
        </div>
      )}

      {counting && (
        <form class="card wh-count" onSubmit={confirmCount}>
          <h2>{t('scan.count_title')}</h2>
          <p>{t('scan.count_hint')}</p>
          <label class="field">
            <span class="field-label">{t('scan.count_input')}</span>
            <input
              ref={countRef}
              name="confirm_count"
              type="number"
              inputMode="numeric"
              min="0"
              class="wh-big-input"
              value={countValue}
              onInput={(e) => setCountValue(e.currentTarget.value)}
            />
          </label>
          <ErrorBox error={countError} />
          <button type="submit" class="primary wh-big-btn" disabled={busy}>
            {t('scan.count_confirm')}
          </button>
        </form>
      )}

      {done && (
        <div class="card wh-done">
          <p>{t('scan.done_hint')}</p>
          {orders.map((o) => (
            <a key={o} class="wh-button wh-big-btn" href={'#/warehouse/pack/' + o}>
              {t('scan.pack_order', { order: o })}
            </a>
          ))}
        </div>
      )}

      {!done && !counting && line && (
        <div class="card wh-next" data-seq={line.seq}>
          <div class="stat-label">{t('scan.next')}</div>
          <div class="wh-next-bin">{line.bin}</div>
          <div class="wh-next-sku">
            {line.sku} · <code>{line.barcode}</code>
          </div>
          <div class="wh-next-qty">{t('scan.take', { n: line.qty - line.picked })}</div>
          {line.lot && (
            <div class="wh-next-lot">
              {t('scan.lot')}: <strong>{line.lot}</strong>
            </div>
          )}
        </div>
      )}

      {!done && !counting && (
        <form class="wh-scan-form" onSubmit={scan}>
          <input
            ref={scanRef}
            name="barcode"
            class="wh-big-input wh-scan-input"
            autoComplete="off"
            autoFocus
            placeholder={t('scan.barcode')}
            value={barcode}
            onInput={(e) => setBarcode(e.currentTarget.value)}
            onBlur={onScanBlur}
          />
          <div class="wh-scan-extra">
            <label class="field">
              <span class="field-label">{t('scan.qty')}</span>
              <input name="qty" type="number" min="1" inputMode="numeric" value={qty} onInput={(e) => setQty(e.currentTarget.value)} />
            </label>
            {task.lines.some((l) => l.lot) && (
              <label class="field">
                <span class="field-label">{t('scan.lot')}</span>
                <input name="lot" value={lot} onInput={(e) => setLot(e.currentTarget.value)} />
              </label>
            )}
            <button type="submit" class="primary wh-big-btn">
              {t('scan.enter')}
            </button>
          </div>
        </form>
      )}

      {!done && !counting && line && !shortOpen && (
        <button class="wh-big-btn wh-short-btn" onClick={() => setShortOpen(true)}>
          {t('scan.short')}
        </button>
      )}
      {shortOpen && line && (
        <div class="card wh-short">
          <h2>{t('scan.short_title', { bin: line.bin })}</h2>
          <p>{t('scan.short_need', { sku: line.sku, n: line.qty - line.picked })}</p>
          <label class="field">
            <span class="field-label">{t('scan.short_found')}</span>
            <input
              name="found"
              type="number"
              min="0"
              inputMode="numeric"
              class="wh-big-input"
              value={found}
              onInput={(e) => {
                setFound(e.currentTarget.value);
                setShortSure(false);
              }}
            />
          </label>
          {shortSure && <p class="wh-warn">{t('scan.short_sure', { bin: line.bin, found })}</p>}
          <ErrorBox error={shortError} />
          <div class="row">
            <button
              class="danger wh-big-btn"
              disabled={found === ''}
              onClick={() => (shortSure ? reportShort() : setShortSure(true))}
            >
              {t('scan.short_confirm')}
            </button>
            <button
              class="wh-big-btn"
              onClick={() => {
                setShortOpen(false);
                setShortSure(false);
                setShortError(null);
              }}
            >
              {t('action.cancel')}
            </button>
          </div>
        </div>
      )}
      {shortResult && (
        <div class="ok-box wh-short-result">
          {t('scan.short_done', { missing: shortResult.missing, written: shortResult.written_off })}
          {(shortResult.orders || []).map((o) => (
            <div key={o.order_no}>
              <code>{o.order_no}</code>: {tCode('short.outcome', o.outcome)}
            </div>
          ))}
        </div>
      )}

      <h3>{t('scan.lines')}</h3>
      <ol class="wh-route">
        {task.lines.map((l) => (
          <li key={l.seq} class={l.picked >= l.qty ? 'wh-route-done' : line && l.seq === line.seq ? 'wh-route-next' : ''}>
            <span class="wh-route-bin">{l.bin}</span>
            <span class="wh-route-sku">{l.sku}</span>
            <span class="wh-route-qty">
              {l.picked}/{l.qty}
            </span>
            {l.slot ? <span class="muted"> #{l.slot}</span> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
