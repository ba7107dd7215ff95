// The exception pool (异常订单池): what needs a person, red and yellow, grouped by reason
// with the counts per reason, who owns it and by when; and one exception's page, where it
// is assigned, worked (contact noted, wait, swap, split, cancel, the logistics actions) and
// resolved. Everything through /v1/exceptions.
import { useState } from 'preact/hooks';
import { get, post, enc } from '../api.js';
import { formatTime, register, t, tCode, useLang } from '../i18n.js';
import { navigate, queryOf } from '../router.js';
import { CodeSelect, Empty, ErrorBox, Field, Loading, Pager, StatusBadge, useApi, usePaged } from '../ui/components.jsx';
import { money } from '../ui/format.js';
import './exceptions.css';

register({
  'exc.title': ['异常订单池', 'Exception pool'],
  'exc.open': ['未处理', 'Open'],
  'exc.red': ['红色', 'Red'],
  'exc.yellow': ['黄色', 'Yellow'],
  'exc.unassigned': ['无人负责', 'Unassigned'],
  'exc.overdue': ['已超时', 'Overdue'],
  'exc.by_reason': ['按原因', 'By reason'],
  'exc.f.status': ['状态', 'Status'],
  'exc.f.severity': ['级别', 'Severity'],
  'exc.f.code': ['原因', 'Reason'],
  'exc.f.owner': ['负责人', 'Owner'],
  'exc.f.decision': ['决定', 'Decision'],
  'exc.f.order_no': ['订单号', 'Order no.'],
  'exc.f.mine': ['只看我的', 'Only mine'],
  'exc.st.open': ['未处理', 'Open'],
  'exc.st.resolved': ['已解决', 'Resolved'],
  'exc.st.all': ['全部', 'All'],
  'exc.col.flag': ['标记', 'Flag'],
  'exc.col.id': ['编号', 'No.'],
  'exc.col.order': ['订单', 'Order'],
  'exc.col.message': ['说明', 'What happened'],
  'exc.col.owner': ['负责人', 'Owner'],
  'exc.col.deadline': ['期限', 'Deadline'],
  'exc.col.created': ['发现时间', 'Raised'],
  'exc.col.status': ['状态', 'Status'],
  'exc.col.decision': ['决定', 'Decision'],
  'exc.group_count': ['{n} 条', '{n}'],
  'exc.assign_me': ['我来处理', 'Take it'],
  'exc.assigned_to_me': ['已分配给我', 'Assigned to me'],
  'exc.nobody': ['未分配', 'Nobody'],
  'exc.detail': ['异常 #{id}', 'Exception #{id}'],
  'exc.back': ['返回异常池', 'Back to the pool'],
  'exc.order_status': ['订单状态', 'Order status'],
  'exc.resolved_by': ['解决人', 'Resolved by'],
  'exc.resolved_at': ['解决时间', 'Resolved at'],
  'exc.note': ['备注', 'Note'],
  'exc.to_refund': ['应退买家', 'Owed to the buyer'],
  'exc.assign': ['分配', 'Assign'],
  'exc.assign.owner': ['负责人（用户名）', 'Owner (user name)'],
  'exc.assign.deadline': ['处理期限', 'Deadline'],
  'exc.assign.submit': ['分配', 'Assign'],
  'exc.act': ['处理', 'Act'],
  'exc.act.action': ['动作', 'Action'],
  'exc.act.submit': ['记录', 'Record'],
  'exc.act.until': ['等到', 'Wait until'],
  'exc.act.line': ['行号', 'Line'],
  'exc.act.sku': ['换成 SKU', 'New SKU'],
  'exc.act.qty': ['数量', 'Quantity'],
  'exc.act.unit_price': ['单价（元）', 'Unit price (yuan)'],
  'exc.act.allow_short': ['缺货也换（等待到货）', 'Swap even if short (wait for stock)'],
  'exc.act.amount_claimed': ['索赔金额（元）', 'Claimed (yuan)'],
  'exc.act.amount_recovered': ['赔付金额（元）', 'Recovered (yuan)'],
  'exc.act.parcel': ['包裹编号', 'Parcel id'],
  'exc.act.items': ['补发商品（每行 SKU 数量）', 'Items to reship (one "SKU qty" a line)'],
  'exc.act.amount': ['退款金额（元）', 'Refund (yuan)'],
  'exc.act.cancel_warn': ['取消订单：释放库存，买家已付金额记为应退。', 'Cancels the order: stock released, what the buyer paid is owed back.'],
  'exc.resolve': ['解决', 'Resolve'],
  'exc.resolve.note': ['解决说明', 'How it was resolved'],
  'exc.resolve.submit': ['标记为已解决', 'Mark resolved'],
  'exc.done': ['已记录', 'Recorded'],
  'exc.history': ['处理记录', 'What was done'],
  'exc.col.at': ['时间', 'When'],
  'exc.col.actor': ['操作人', 'By'],
  'exc.col.action': ['动作', 'Action'],
  'exc.col.detail': ['详情', 'Detail'],
  'exc.lines': ['订单商品', 'Order lines'],
  'exc.col.line': ['行', 'Line'],
  'exc.col.sku': ['SKU', 'SKU'],
  'exc.col.qty': ['数量', 'Qty'],
  'exc.col.reserved': ['已占库存', 'Reserved'],
  'exc.col.price': ['单价', 'Price'],
  'exc.logistics': ['物流案件', 'Logistics case'],
  'exc.lg.kind': ['类型', 'Kind'],
  'exc.lg.parcel': ['包裹', 'Parcel'],
  'exc.lg.claim': ['索赔', 'Claim'],
  'exc.lg.reshipments': ['补发单', 'Reshipments'],
  'exc.lg.no_parcel': ['（系统检测，未指定包裹）', '(detected; no parcel named)'],
  'exc.closed': ['此异常已解决，不能再操作。', 'This exception is resolved; nothing more can be done.'],

  'excode.stock_short': ['库存不足', 'Short of stock'],
  'excode.expiry_short': ['效期不足', 'Short of fresh stock'],
  'excode.payment_amount_mismatch': ['支付金额不符', 'Payment amount mismatch'],
  'excode.paid_after_cancel': ['取消后付款', 'Paid after cancel'],
  'excode.tracking_pool_empty': ['运单号用完', 'Tracking numbers used up'],
  'excode.recon_paid_not_recorded': ['对账：已付未记', 'Recon: paid, not recorded'],
  'excode.recon_recorded_not_paid': ['对账：已记未付', 'Recon: recorded, not paid'],
  'excode.recon_amount_mismatch': ['对账：金额不符', 'Recon: amount mismatch'],
  'excode.recon_refund_not_recorded': ['对账：退款未记', 'Recon: refund not recorded'],
  'excode.payment_timeout': ['支付超时', 'Payment timeout'],
  'excode.delivery_date_past': ['配送日期已过', 'Delivery date past'],
  'excode.coupon_mismatch': ['优惠券不符', 'Coupon mismatch'],
  'excode.pick_reallocated': ['拣货改仓', 'Pick reallocated'],
  'excode.low_rating': ['差评', 'Low rating'],
  'excode.after_sales_overdue': ['售后超时', 'After-sales overdue'],
  'excode.logistics_lost': ['包裹丢失', 'Parcel lost'],
  'excode.logistics_damaged': ['包裹破损', 'Parcel damaged'],
  'excode.logistics_address_unknown': ['地址不详', 'Address unknown'],
  'excode.logistics_refused': ['收件人拒收', 'Refused by the buyer'],
  'excode.logistics_stale': ['物流停滞', 'No tracking news'],
  'excode.logistics_late': ['超时未达', 'Late'],
  'excode.logistics_problem': ['疑难件', 'Problem parcel'],
  'excode.logistics_returned': ['包裹退回', 'Parcel returned'],

  'exsev.red': ['红', 'Red'],
  'exsev.yellow': ['黄', 'Yellow'],
  'exstatus.open': ['未处理', 'Open'],
  'exstatus.resolved': ['已解决', 'Resolved'],
  'exdec.none': ['未决定', 'None yet'],
  'exdec.wait': ['等待到货', 'Wait'],
  'exdec.swap': ['换货', 'Swap'],
  'exdec.cancel': ['取消订单', 'Cancel'],
  'exdec.split': ['拆单发货', 'Split'],
  'exdec.reship': ['补发', 'Reship'],
  'exdec.refund': ['退款', 'Refund'],

  'exact.contact_buyer': ['已联系买家', 'Buyer contacted'],
  'exact.contact_carrier': ['已联系快递', 'Carrier contacted'],
  'exact.note': ['备注', 'Note'],
  'exact.assign': ['分配', 'Assigned'],
  'exact.wait': ['等待到货', 'Wait for stock'],
  'exact.swap': ['换货（换 SKU）', 'Swap item'],
  'exact.cancel': ['取消订单', 'Cancel the order'],
  'exact.split': ['拆单发货', 'Split the order'],
  'exact.raise': ['登记', 'Raised'],
  'exact.file_claim': ['向快递索赔', 'File a claim'],
  'exact.claim_settled': ['索赔结案', 'Claim settled'],
  'exact.reship': ['补发', 'Reship'],
  'exact.refund': ['退款', 'Refund'],
  'exact.resolve': ['解决', 'Resolved'],
  'exclaim.filed': ['已索赔', 'Filed'],
  'exclaim.settled': ['已结案', 'Settled'],
});

export const LOGISTICS_KINDS = ['lost', 'damaged', 'address_unknown', 'refused', 'stale', 'late', 'problem', 'returned'];

export function FlagBadge({ severity }) {
  useLang();
  return (
    <span class={`badge flag-${severity}`} data-severity={severity}>
      {tCode('exsev', severity)}
    </span>
  );
}

// Yuan typed by a person → fen for the API; what is not a number goes as typed, so the
// server's field error names it.
export function toFen(text) {
  const s = String(text ?? '').trim();
  if (s === '') return undefined;
  if (!/^-?\d+(\.\d{1,2})?$/.test(s)) return s;
  return Math.round(Number(s) * 100);
}

export function localToRfc3339(v) {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}

function isOverdue(e) {
  return e.status === 'open' && e.deadline && new Date(e.deadline).getTime() < Date.now();
}

// ---- the pool --------------------------------------------------------------------------

function SummaryBar({ summary, filters, setFilter }) {
  useLang();
  if (!summary) return null;
  const stat = (key, value, onClick, cls) => (
    <button class={'exc-stat ' + (cls || '')} onClick={onClick} data-stat={key}>
      <span class="stat">{value}</span>
      <span class="stat-label">{t('exc.' + key)}</span>
    </button>
  );
  return (
    <div class="exc-summary">
      <div class="exc-stats">
        {stat('open', summary.open, () => setFilter({ severity: '', code: '', status: 'open' }))}
        {stat('red', summary.red, () => setFilter({ severity: 'red', status: 'open' }), 'exc-stat-red')}
        {stat('yellow', summary.yellow, () => setFilter({ severity: 'yellow', status: 'open' }), 'exc-stat-yellow')}
        {stat('unassigned', summary.unassigned, null)}
        {stat('overdue', summary.overdue, null, summary.overdue ? 'exc-stat-red' : '')}
      </div>
      <div class="exc-reasons" aria-label={t('exc.by_reason')}>
        {summary.codes.map((c) => (
          <button
            key={c.code}
            class={'exc-reason' + (filters.code === c.code ? ' active' : '')}
            data-code={c.code}
            onClick={() => setFilter({ code: filters.code === c.code ? '' : c.code, status: 'open' })}
          >
            <span class="exc-reason-name">{tCode('excode', c.code)}</span>
            <span class="exc-reason-count">{c.open}</span>
            {c.red > 0 && <span class="badge flag-red">{c.red}</span>}
            {c.yellow > 0 && <span class="badge flag-yellow">{c.yellow}</span>}
          </button>
        ))}
      </div>
    </div>
  );
}

export function ExceptionRow({ e, session, onAssigned, showCode = true }) {
  useLang();
  const [err, setErr] = useState(null);
  const take = (ev) => {
    ev.stopPropagation();
    post(`/exceptions/${e.id}/assign`, { owner: session.user }).then(
      () => onAssigned && onAssigned(),
      setErr,
    );
  };
  return (
    <tr class={'clickable exc-row' + (isOverdue(e) ? ' exc-overdue' : '')} data-id={e.id} onClick={() => navigate('/exceptions/' + e.id)}>
      <td><FlagBadge severity={e.severity} /></td>
      <td class="num">{e.id}</td>
      <td>
        <a href={'#/orders/' + enc(e.order_no)} onClick={(ev) => ev.stopPropagation()}>{e.order_no}</a>
        <div><StatusBadge status={e.order_status} /></div>
      </td>
      {showCode && <td>{tCode('excode', e.code)}</td>}
      <td class="exc-message">{e.message}</td>
      <td>{e.owner || <span class="muted">{t('exc.nobody')}</span>}</td>
      <td class={isOverdue(e) ? 'exc-late' : ''}>{formatTime(e.deadline)}</td>
      <td>{formatTime(e.created_at)}</td>
      <td>
        {tCode('exstatus', e.status)}
        {e.decision && <div class="muted">{tCode('exdec', e.decision)}</div>}
      </td>
      <td>
        {e.status === 'open' && e.owner !== session.user && (
          <button class="exc-take" onClick={take}>{t('exc.assign_me')}</button>
        )}
        {err && <ErrorBox error={err} />}
      </td>
    </tr>
  );
}

export function ExceptionPool({ session, path }) {
  useLang();
  const q = queryOf(path);
  const filters = {
    status: q.get('status') || 'open',
    severity: q.get('severity') || '',
    code: q.get('code') || '',
    owner: q.get('owner') || '',
    decision: q.get('decision') || '',
    order_no: q.get('order_no') || '',
  };
  const [ownerText, setOwnerText] = useState(filters.owner);
  const [orderText, setOrderText] = useState(filters.order_no);
  const setFilter = (change) => {
    const next = { ...filters, ...change };
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v && !(k === 'status' && v === 'open')) s.set(k, v);
    const qs = s.toString();
    navigate('/exceptions' + (qs ? '?' + qs : ''));
  };
  const summary = useApi('/exceptions/summary');
  const params = { ...filters, limit: 100 };
  const paged = usePaged('/exceptions', params);
  const reload = () => {
    paged.reload();
    summary.reload();
  };
  const counts = {};
  for (const c of (summary.data && summary.data.codes) || []) counts[c.code] = c.open;
  // Grouped by reason: the groups in the order of their newest exception.
  const groups = [];
  const byCode = {};
  for (const e of paged.items) {
    if (!byCode[e.code]) groups.push((byCode[e.code] = { code: e.code, items: [] }));
    byCode[e.code].items.push(e);
  }
  const mine = filters.owner === session.user;
  return (
    <div class="exc-pool">
      <div class="toolbar">
        <h1>{t('exc.title')}</h1>
        <button onClick={reload}>{t('action.refresh')}</button>
      </div>
      <ErrorBox error={summary.error} />
      <SummaryBar summary={summary.data} filters={filters} setFilter={setFilter} />
      <div class="toolbar exc-filters card">
        <label class="field">
          <span class="field-label">{t('exc.f.status')}</span>
          <select name="status" value={filters.status} onChange={(ev) => setFilter({ status: ev.target.value })}>
            {['open', 'resolved', 'all'].map((s) => <option key={s} value={s}>{t('exc.st.' + s)}</option>)}
          </select>
        </label>
        <label class="field">
          <span class="field-label">{t('exc.f.severity')}</span>
          <CodeSelect name="severity" value={filters.severity} codes={['red', 'yellow']} prefix="exsev" onChange={(v) => setFilter({ severity: v })} />
        </label>
        <label class="field">
          <span class="field-label">{t('exc.f.code')}</span>
          <CodeSelect name="code" value={filters.code} codes={codeOptions(summary.data, filters.code)} prefix="excode" onChange={(v) => setFilter({ code: v })} />
        </label>
        <label class="field">
          <span class="field-label">{t('exc.f.decision')}</span>
          <CodeSelect name="decision" value={filters.decision} codes={['none', 'wait', 'swap', 'cancel', 'split']} prefix="exdec" onChange={(v) => setFilter({ decision: v })} />
        </label>
        <form class="exc-inline" onSubmit={(ev) => { ev.preventDefault(); setFilter({ owner: ownerText.trim(), order_no: orderText.trim() }); }}>
          <label class="field">
            <span class="field-label">{t('exc.f.owner')}</span>
            <input name="owner" value={ownerText} onInput={(ev) => setOwnerText(ev.target.value)} size="10" />
          </label>
          <label class="field">
            <span class="field-label">{t('exc.f.order_no')}</span>
            <input name="order_no" value={orderText} onInput={(ev) => setOrderText(ev.target.value)} size="16" />
          </label>
          <button type="submit">{t('action.search')}</button>
        </form>
        <label class="exc-check">
          <input
            type="checkbox"
            name="mine"
            checked={mine}
            onChange={() => { const o = mine ? '' : session.user; setOwnerText(o); setFilter({ owner: o }); }}
          />
          {t('exc.f.mine')}
        </label>
      </div>
      <ErrorBox error={paged.error} />
      <Empty when={!paged.loading && !paged.error && paged.items.length === 0} />
      {groups.length > 0 && (
        <table class="exc-table">
          <thead>
            <tr>
              <th>{t('exc.col.flag')}</th>
              <th class="num">{t('exc.col.id')}</th>
              <th>{t('exc.col.order')}</th>
              <th>{t('exc.f.code')}</th>
              <th>{t('exc.col.message')}</th>
              <th>{t('exc.col.owner')}</th>
              <th>{t('exc.col.deadline')}</th>
              <th>{t('exc.col.created')}</th>
              <th>{t('exc.col.status')}</th>
              <th />
            </tr>
          </thead>
          {groups.map((g) => (
            <tbody key={g.code} class="exc-group" data-code={g.code}>
              <tr class="exc-group-head">
                <th colSpan="10">
                  {tCode('excode', g.code)}
                  <span class="exc-group-count">
                    {t('exc.group_count', { n: filters.status === 'open' && counts[g.code] !== undefined ? counts[g.code] : g.items.length })}
                  </span>
                </th>
              </tr>
              {g.items.map((e) => <ExceptionRow key={e.id} e={e} session={session} onAssigned={reload} />)}
            </tbody>
          ))}
        </table>
      )}
      <Loading when={paged.loading} />
      <Pager paged={paged} />
    </div>
  );
}

function codeOptions(summary, current) {
  const set = new Set(((summary && summary.codes) || []).map((c) => c.code));
  if (current) set.add(current);
  return [...set].sort();
}

// ---- one exception -----------------------------------------------------------------------

const BASE_ACTIONS = ['contact_buyer', 'contact_carrier', 'note'];

function actionsFor(code) {
  if (code === 'stock_short') return [...BASE_ACTIONS, 'wait', 'swap', 'split', 'cancel'];
  if (code && code.startsWith('logistics_')) return [...BASE_ACTIONS, 'file_claim', 'claim_settled', 'reship', 'refund', 'cancel'];
  return [...BASE_ACTIONS, 'cancel'];
}

function AssignForm({ exc, session, onDone }) {
  useLang();
  const [owner, setOwner] = useState(exc.owner || session.user);
  const [deadline, setDeadline] = useState('');
  const [note, setNote] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const send = (who) => {
    const body = { owner: who };
    if (deadline) body.deadline = localToRfc3339(deadline);
    if (note.trim()) body.note = note.trim();
    setBusy(true);
    post(`/exceptions/${exc.id}/assign`, body).then(
      (d) => { setBusy(false); setErr(null); setNote(''); onDone(d); },
      (e) => { setBusy(false); setErr(e); },
    );
  };
  return (
    <form class="card exc-assign" onSubmit={(ev) => { ev.preventDefault(); send(owner.trim()); }}>
      <h2>{t('exc.assign')}</h2>
      <div class="row">
        <Field label={t('exc.assign.owner')} field="owner" error={err}>
          <input name="owner" value={owner} onInput={(ev) => setOwner(ev.target.value)} />
        </Field>
        <Field label={t('exc.assign.deadline')} field="deadline" error={err}>
          <input name="deadline" type="datetime-local" value={deadline} onInput={(ev) => setDeadline(ev.target.value)} />
        </Field>
        <Field label={t('exc.note')} field="note" error={err}>
          <input name="assign_note" value={note} onInput={(ev) => setNote(ev.target.value)} />
        </Field>
      </div>
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>{t('exc.assign.submit')}</button>
        <button type="button" class="assign-me" disabled={busy} onClick={() => { setOwner(session.user); send(session.user); }}>
          {t('exc.assign_me')}
        </button>
      </div>
      <ErrorBox error={err} />
    </form>
  );
}

function parseItems(text) {
  const items = [];
  for (const line of String(text).split('\n')) {
    const parts = line.trim().split(/[\s,，]+/).filter(Boolean);
    if (parts.length === 0) continue;
    const qty = Number(parts[1]);
    items.push({ sku: parts[0], qty: parts.length > 1 && Number.isInteger(qty) ? qty : parts[1] ?? 1 });
  }
  return items;
}

function ActionForm({ exc, onDone }) {
  useLang();
  const choices = actionsFor(exc.code);
  const [action, setAction] = useState(choices[0]);
  const [v, setV] = useState({});
  const [err, setErr] = useState(null);
  const [ok, setOk] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (ev) => setV({ ...v, [k]: ev.target.type === 'checkbox' ? ev.target.checked : ev.target.value });
  const val = (k) => v[k] ?? '';
  const num = (s) => {
    const x = String(s ?? '').trim();
    if (x === '') return undefined;
    return /^-?\d+$/.test(x) ? Number(x) : x;
  };
  const submit = (ev) => {
    ev.preventDefault();
    const body = { action };
    if (val('note').trim()) body.note = val('note').trim();
    if (action === 'wait' && val('until')) body.until = localToRfc3339(val('until'));
    if (action === 'swap') {
      body.line = num(val('line'));
      body.sku = val('sku').trim() || undefined;
      body.qty = num(val('qty'));
      body.unit_price = toFen(val('unit_price'));
      if (v.allow_short) body.allow_short = true;
    }
    if (action === 'file_claim') body.amount_claimed = toFen(val('amount_claimed'));
    if (action === 'claim_settled') body.amount_recovered = toFen(val('amount_recovered'));
    if (action === 'reship' || action === 'refund') body.parcel = num(val('parcel'));
    if (action === 'reship' && val('items').trim()) body.items = parseItems(val('items'));
    if (action === 'refund') body.amount = toFen(val('amount'));
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    setBusy(true);
    setOk(null);
    post(`/exceptions/${exc.id}/actions`, body).then(
      (d) => { setBusy(false); setErr(null); setV({}); setOk(action); onDone(d); },
      (e) => { setBusy(false); setErr(e); },
    );
  };
  const F = (k, label, props = {}) => (
    <Field label={label} field={k} error={err}>
      <input name={k} value={val(k)} onInput={set(k)} {...props} />
    </Field>
  );
  return (
    <form class="card exc-act" onSubmit={submit}>
      <h2>{t('exc.act')}</h2>
      <div class="row">
        <Field label={t('exc.act.action')} field="action" error={err}>
          <select name="action" value={action} onChange={(ev) => { setAction(ev.target.value); setErr(null); setOk(null); }}>
            {choices.map((a) => <option key={a} value={a}>{tCode('exact', a)}</option>)}
          </select>
        </Field>
        {action === 'wait' && F('until', t('exc.act.until'), { type: 'datetime-local' })}
        {action === 'swap' && F('line', t('exc.act.line'), { size: 3, inputMode: 'numeric' })}
        {action === 'swap' && F('sku', t('exc.act.sku'))}
        {action === 'swap' && F('qty', t('exc.act.qty'), { size: 4, inputMode: 'numeric' })}
        {action === 'swap' && F('unit_price', t('exc.act.unit_price'), { size: 8 })}
        {action === 'file_claim' && F('amount_claimed', t('exc.act.amount_claimed'), { size: 8 })}
        {action === 'claim_settled' && F('amount_recovered', t('exc.act.amount_recovered'), { size: 8 })}
        {(action === 'reship' || action === 'refund') && F('parcel', t('exc.act.parcel'), { size: 6 })}
        {action === 'refund' && F('amount', t('exc.act.amount'), { size: 8 })}
      </div>
      {action === 'swap' && (
        <label class="exc-check">
          <input type="checkbox" name="allow_short" checked={!!v.allow_short} onChange={set('allow_short')} />
          {t('exc.act.allow_short')}
        </label>
      )}
      {action === 'reship' && (
        <Field label={t('exc.act.items')} field="items" error={err}>
          <textarea name="items" value={val('items')} onInput={set('items')} />
        </Field>
      )}
      {action === 'cancel' && <p class="remark">{t('exc.act.cancel_warn')}</p>}
      <Field label={t('exc.note')} field="note" error={err}>
        <textarea name="note" value={val('note')} onInput={set('note')} />
      </Field>
      <button type="submit" class={action === 'cancel' ? 'danger' : 'primary'} disabled={busy}>
        {action === 'cancel' ? tCode('exact', 'cancel') : t('exc.act.submit')}
      </button>
      {ok && <div class="ok-box">{t('exc.done')}: {tCode('exact', ok)}</div>}
      <ErrorBox error={err} />
    </form>
  );
}

function ResolveForm({ exc, onDone }) {
  useLang();
  const [note, setNote] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = (ev) => {
    ev.preventDefault();
    setBusy(true);
    post(`/exceptions/${exc.id}/resolve`, { note }).then(
      (d) => { setBusy(false); setErr(null); onDone(d); },
      (e) => { setBusy(false); setErr(e); },
    );
  };
  return (
    <form class="card exc-resolve" onSubmit={submit}>
      <h2>{t('exc.resolve')}</h2>
      <Field label={t('exc.resolve.note')} field="note" error={err}>
        <textarea name="resolve_note" value={note} onInput={(ev) => setNote(ev.target.value)} />
      </Field>
      <button type="submit" class="primary" disabled={busy}>{t('exc.resolve.submit')}</button>
      <ErrorBox error={err} />
    </form>
  );
}

function describe(detail) {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(', ');
}

function LogisticsBlock({ lg }) {
  useLang();
  if (!lg) return null;
  return (
    <div class="card exc-logistics">
      <h2>{t('exc.logistics')}</h2>
      <dl class="exc-dl">
        <dt>{t('exc.lg.kind')}</dt>
        <dd>{tCode('excode', 'logistics_' + lg.kind)}</dd>
        <dt>{t('exc.lg.parcel')}</dt>
        <dd>
          {lg.parcel ? (
            <span>
              #{lg.parcel.id} {lg.parcel.carrier} {lg.parcel.tracking_no} · {formatTime(lg.parcel.shipped_at)}
              {' · '}
              {(lg.parcel.items || []).map((i) => `${i.sku}×${i.qty}`).join(', ')}
            </span>
          ) : (
            <span class="muted">{t('exc.lg.no_parcel')}</span>
          )}
        </dd>
        <dt>{t('exc.lg.claim')}</dt>
        <dd>
          {lg.claim
            ? `${tCode('exclaim', lg.claim.status)} · ${money(lg.claim.amount_claimed)}` +
              (lg.claim.amount_recovered !== null && lg.claim.amount_recovered !== undefined ? ` → ${money(lg.claim.amount_recovered)}` : '')
            : t('common.none')}
        </dd>
        <dt>{t('exc.lg.reshipments')}</dt>
        <dd>
          {lg.reshipments.length === 0
            ? t('common.none')
            : lg.reshipments.map((r) => (
                <div key={r.order_no}>
                  <a href={'#/orders/' + enc(r.order_no)}>{r.order_no}</a> <StatusBadge status={r.status} />{' '}
                  {(r.items || []).map((i) => `${i.sku}×${i.qty}`).join(', ')}
                </div>
              ))}
        </dd>
      </dl>
    </div>
  );
}

function OrderLines({ orderNo }) {
  useLang();
  const order = useApi('/orders/' + enc(orderNo));
  if (!order.data) return <ErrorBox error={order.error} />;
  return (
    <div class="card">
      <h2>{t('exc.lines')}</h2>
      <table class="exc-lines">
        <thead>
          <tr>
            <th class="num">{t('exc.col.line')}</th>
            <th>{t('exc.col.sku')}</th>
            <th class="num">{t('exc.col.qty')}</th>
            <th class="num">{t('exc.col.reserved')}</th>
            <th class="num">{t('exc.col.price')}</th>
          </tr>
        </thead>
        <tbody>
          {(order.data.items || []).map((it, i) => (
            <tr key={i}>
              <td class="num">{i + 1}</td>
              <td>{it.sku}</td>
              <td class="num">{it.qty}</td>
              <td class="num">{it.reserved_qty}</td>
              <td class="num">{money(it.unit_price)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {order.data.remark && <p class="remark">{order.data.remark}</p>}
    </div>
  );
}

export function ExceptionDetail({ session, params }) {
  useLang();
  const res = useApi('/exceptions/' + enc(params.id));
  const [fresh, setFresh] = useState(null);
  const exc = fresh && String(fresh.id) === String(params.id) ? fresh : res.data;
  if (!exc) {
    return (
      <div>
        <a href="#/exceptions">← {t('exc.back')}</a>
        <ErrorBox error={res.error} />
        <Loading when={res.loading} />
      </div>
    );
  }
  const open = exc.status === 'open';
  return (
    <div class="exc-detail" data-status={exc.status}>
      <div class="toolbar">
        <a href="#/exceptions">← {t('exc.back')}</a>
      </div>
      <div class={'card exc-head exc-head-' + exc.severity}>
        <div class="toolbar">
          <FlagBadge severity={exc.severity} />
          <h1>{t('exc.detail', { id: exc.id })} · {tCode('excode', exc.code)}</h1>
          <span class="badge exc-status" data-status={exc.status}>{tCode('exstatus', exc.status)}</span>
        </div>
        <p class="exc-message-big">{exc.message}</p>
        <dl class="exc-dl">
          <dt>{t('exc.col.order')}</dt>
          <dd>
            <a href={'#/orders/' + enc(exc.order_no)}>{exc.order_no}</a> <StatusBadge status={exc.order_status} />
          </dd>
          <dt>{t('exc.col.owner')}</dt>
          <dd class="exc-owner">{exc.owner || t('exc.nobody')}</dd>
          <dt>{t('exc.col.deadline')}</dt>
          <dd class={isOverdue(exc) ? 'exc-late' : ''}>{formatTime(exc.deadline) || t('common.none')}</dd>
          <dt>{t('exc.col.decision')}</dt>
          <dd>{exc.decision ? tCode('exdec', exc.decision) : t('common.none')}</dd>
          <dt>{t('exc.col.created')}</dt>
          <dd>{formatTime(exc.created_at)}</dd>
          {exc.to_refund !== null && exc.to_refund !== undefined && <dt>{t('exc.to_refund')}</dt>}
          {exc.to_refund !== null && exc.to_refund !== undefined && <dd>{money(exc.to_refund)}</dd>}
          {!open && <dt>{t('exc.resolved_by')}</dt>}
          {!open && <dd class="exc-resolved-by">{exc.resolved_by} · {formatTime(exc.resolved_at)}</dd>}
          {!open && exc.note && <dt>{t('exc.note')}</dt>}
          {!open && exc.note && <dd class="exc-note">{exc.note}</dd>}
        </dl>
      </div>
      <div class="exc-columns">
        <div>
          {open ? (
            <>
              <AssignForm exc={exc} session={session} onDone={setFresh} />
              <ActionForm exc={exc} onDone={setFresh} />
              <ResolveForm exc={exc} onDone={setFresh} />
            </>
          ) : (
            <p class="ok-box">{t('exc.closed')}</p>
          )}
        </div>
        <div>
          <LogisticsBlock lg={exc.logistics} />
          {(exc.code === 'stock_short' || exc.code === 'expiry_short') && <OrderLines orderNo={exc.order_no} />}
          <div class="card">
            <h2>{t('exc.history')}</h2>
            <Empty when={exc.actions.length === 0} />
            {exc.actions.length > 0 && (
              <table class="exc-history">
                <thead>
                  <tr>
                    <th>{t('exc.col.at')}</th>
                    <th>{t('exc.col.action')}</th>
                    <th>{t('exc.col.actor')}</th>
                    <th>{t('exc.note')}</th>
                    <th>{t('exc.col.detail')}</th>
                  </tr>
                </thead>
                <tbody>
                  {exc.actions.map((a, i) => (
                    <tr key={i} data-action={a.action}>
                      <td>{formatTime(a.at)}</td>
                      <td>{tCode('exact', a.action)}</td>
                      <td>{a.actor}</td>
                      <td>{a.note}</td>
                      <td class="muted">
                        {describe(a.detail)}
                        {a.until ? ' ' + formatTime(a.until) : ''}
                        {a.to_refund ? ' ' + t('exc.to_refund') + ' ' + money(a.to_refund) : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </div>
      </div>
    </div>
  );
}

// Every open logistics case (the pool's logistics_* codes), newest first.
export async function loadLogisticsCases() {
  const page = await get('/exceptions', { code: 'logistics_*', status: 'open', limit: 500 });
  const items = page.items.slice();
  items.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id));
  return items;
}
