// Customer service (客服): the after-sales tickets with their SLA clocks, the logistics cases
// (the pool's open logistics_* exceptions) and the buyer messages of an order; one ticket's
// page with its timeline and every move (approve, reject, close, assign, message, return
// parcel, receive, refund); and opening a ticket from an order.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { enc, get, post } from '../api.js';
import { formatTime, register, t, tCode, useLang } from '../i18n.js';
import { navigate, queryOf } from '../router.js';
import { CodeSelect, Empty, ErrorBox, Field, Loading, Pager, StatusBadge, useApi, usePaged } from '../ui/components.jsx';
import { duration, money } from '../ui/format.js';
import { ExceptionRow, LOGISTICS_KINDS, loadLogisticsCases, toFen } from './exceptions.jsx';
import './exceptions.css';

register({
  'svc.title': ['客服工作台', 'Customer service'],
  'svc.tab.tickets': ['售后工单', 'After-sales tickets'],
  'svc.tab.logistics': ['物流案件', 'Logistics cases'],
  'svc.tab.messages': ['买家消息', 'Buyer messages'],
  'svc.f.status': ['状态', 'Status'],
  'svc.f.assignee': ['处理人', 'Assignee'],
  'svc.f.order_no': ['订单号', 'Order no.'],
  'svc.f.overdue': ['只看超时', 'Only overdue'],
  'svc.f.mine': ['只看我的', 'Only mine'],
  'svc.new': ['新建售后', 'New ticket'],
  'svc.new.order': ['订单号', 'Order no.'],
  'svc.new.go': ['下一步', 'Next'],
  'svc.new.for_order': ['为订单新建售后', 'New ticket for order'],
  'svc.col.id': ['工单', 'Ticket'],
  'svc.col.order': ['订单', 'Order'],
  'svc.col.type': ['类型', 'Type'],
  'svc.col.status': ['状态', 'Status'],
  'svc.col.items': ['商品', 'Items'],
  'svc.col.reason': ['原因', 'Reason'],
  'svc.col.assignee': ['处理人', 'Assignee'],
  'svc.col.sla': ['时效', 'SLA'],
  'svc.col.created': ['创建时间', 'Opened'],
  'svc.sla.left': ['剩余 {d}', '{d} left'],
  'svc.sla.over': ['超时 {d}', 'Overdue {d}'],
  'svc.sla.none': ['—', '—'],
  'svc.nobody': ['未分配', 'Nobody'],
  'svc.lg.hint': ['物流案件是异常池中的 logistics_* 异常，点击一行进入处理（联系、索赔、补发、退款、解决）。', 'Logistics cases are the pool\'s logistics_* exceptions; click one to work it (contact, claim, reship, refund, resolve).'],
  'svc.lg.raise': ['登记物流问题', 'Raise a logistics case'],
  'svc.lg.kind': ['问题', 'Problem'],
  'svc.lg.parcel': ['包裹编号（多包裹时必填）', 'Parcel id (needed with several parcels)'],
  'svc.lg.note': ['备注', 'Note'],
  'svc.lg.submit': ['登记', 'Raise'],
  'svc.msg.order': ['订单号', 'Order no.'],
  'svc.msg.show': ['查看', 'Show'],
  'svc.msg.col.event': ['事件', 'Event'],
  'svc.msg.col.medium': ['方式', 'Medium'],
  'svc.msg.col.recipient': ['收件人', 'Recipient'],
  'svc.msg.col.body': ['内容', 'Text'],
  'svc.msg.col.status': ['状态', 'Status'],
  'svc.msg.col.attempts': ['尝试', 'Attempts'],
  'svc.msg.col.at': ['时间', 'When'],
  'svc.msg.resend': ['重发', 'Resend'],
  'svc.msg.resent': ['已重新排队', 'Queued again'],
  'svc.msg.hint': ['输入订单号查看系统发给买家的短信和邮件。', 'Enter an order number to see the SMS and email sent to its buyer.'],

  'svc.ticket': ['售后工单 #{id}', 'After-sales ticket #{id}'],
  'svc.back': ['返回工单列表', 'Back to tickets'],
  'svc.t.order_status': ['订单状态', 'Order status'],
  'svc.t.channel': ['渠道', 'Channel'],
  'svc.t.deadline': ['本步期限', 'Step deadline'],
  'svc.t.evidence': ['凭证', 'Evidence'],
  'svc.t.return': ['退货物流', 'Return parcel'],
  'svc.t.linked': ['换货/补发单', 'Goods sent with'],
  'svc.t.created_by': ['创建人', 'Opened by'],
  'svc.t.timeline': ['处理记录', 'Timeline'],
  'svc.t.receipts': ['收货验货', 'Receipts'],
  'svc.t.refunds': ['退款', 'Refunds'],
  'svc.t.money': ['金额', 'Money'],
  'svc.t.paid': ['实付', 'Paid'],
  'svc.t.refunded': ['已退', 'Refunded'],
  'svc.t.refundable': ['还可退', 'Can still refund'],
  'svc.t.messages': ['买家消息', 'Buyer messages'],
  'svc.col.kind': ['类型', 'Kind'],
  'svc.col.text': ['内容', 'Text'],
  'svc.col.actor': ['操作人', 'By'],
  'svc.col.at': ['时间', 'When'],
  'svc.col.sku': ['SKU', 'SKU'],
  'svc.col.qty': ['数量', 'Qty'],
  'svc.col.exchange_sku': ['换成', 'Exchange for'],
  'svc.col.condition': ['状况', 'Condition'],
  'svc.col.amount': ['金额', 'Amount'],
  'svc.col.provider_ref': ['渠道流水', 'Provider ref'],
  'svc.col.error': ['错误', 'Error'],
  'svc.a.approve': ['同意', 'Approve'],
  'svc.a.reject': ['拒绝', 'Reject'],
  'svc.a.close': ['关闭工单', 'Close'],
  'svc.a.assign': ['分配', 'Assign'],
  'svc.a.assign_me': ['我来处理', 'Take it'],
  'svc.a.message': ['留言', 'Message'],
  'svc.a.return': ['登记退货物流', 'Return parcel'],
  'svc.a.receive': ['收货验货', 'Receive'],
  'svc.a.refund': ['退款', 'Refund'],
  'svc.a.note': ['备注', 'Note'],
  'svc.a.reason': ['拒绝原因', 'Reason'],
  'svc.a.assignee': ['处理人', 'Assignee'],
  'svc.a.text': ['内容', 'Text'],
  'svc.a.carrier': ['快递公司代码', 'Carrier code'],
  'svc.a.tracking_no': ['运单号', 'Tracking no.'],
  'svc.a.warehouse': ['入库仓（可不填）', 'Warehouse (optional)'],
  'svc.a.lot': ['批次', 'Lot'],
  'svc.a.amount': ['退款金额（元）', 'Amount (yuan)'],
  'svc.a.done': ['已完成：{what}', 'Done: {what}'],
  'svc.a.refund_ok': ['退款成功 {amount}', 'Refunded {amount}'],
  'svc.a.refund_pending': ['退款 {amount} 已提交，等待支付平台答复…', 'Refund of {amount} sent; waiting for the payment provider…'],
  'svc.a.refund_refused': ['支付平台拒绝了退款 {amount}：{error}', 'The payment provider refused the refund of {amount}: {error}'],
  'svc.new.title': ['新建售后工单', 'New after-sales ticket'],
  'svc.new.type': ['类型', 'Type'],
  'svc.new.items': ['售后商品（填写数量）', 'Items (enter quantities)'],
  'svc.new.ordered': ['购买数量', 'Ordered'],
  'svc.new.reason': ['原因', 'Reason'],
  'svc.new.evidence': ['凭证链接（每行一个）', 'Evidence URLs (one a line)'],
  'svc.new.submit': ['提交工单', 'Open the ticket'],
  'svc.new.no_order': ['请输入订单号', 'Enter an order number'],

  'astype.refund_only': ['仅退款', 'Refund only'],
  'astype.return_refund': ['退货退款', 'Return and refund'],
  'astype.exchange': ['换货', 'Exchange'],
  'astype.reissue': ['补发', 'Reissue'],
  'asstatus.requested': ['待处理', 'Requested'],
  'asstatus.approved': ['已同意', 'Approved'],
  'asstatus.rejected': ['已拒绝', 'Rejected'],
  'asstatus.return_in_transit': ['退货在途', 'Return in transit'],
  'asstatus.received': ['已收货', 'Received'],
  'asstatus.inspected': ['已验货', 'Inspected'],
  'asstatus.refunded': ['已退款', 'Refunded'],
  'asstatus.exchanged': ['已换货', 'Exchanged'],
  'asstatus.closed': ['已关闭', 'Closed'],
  'askind.created': ['创建', 'Opened'],
  'askind.status': ['状态变更', 'Status'],
  'askind.assign': ['分配', 'Assigned'],
  'askind.message': ['留言', 'Message'],
  'askind.refund': ['退款', 'Refund'],
  'askind.receive': ['收货', 'Received'],
  'askind.return_tracking': ['退货物流', 'Return tracking'],
  'askind.return_delivered': ['退货已签收', 'Return delivered'],
  'askind.overdue': ['超时', 'Overdue'],
  'cond.sellable': ['完好可售', 'Sellable'],
  'cond.damaged': ['破损', 'Damaged'],
  'refundst.pending': ['处理中', 'Pending'],
  'refundst.succeeded': ['成功', 'Succeeded'],
  'refundst.failed': ['失败', 'Failed'],
  'refundst.refused': ['被拒绝', 'Refused'],
  'msgst.pending': ['待发送', 'Pending'],
  'msgst.sent': ['已发送', 'Sent'],
  'msgst.dead': ['发送失败', 'Failed'],
  'medium.sms': ['短信', 'SMS'],
  'medium.email': ['邮件', 'Email'],
});

const TYPES = ['refund_only', 'return_refund', 'exchange', 'reissue'];
const STATUSES = ['requested', 'approved', 'rejected', 'return_in_transit', 'received', 'inspected', 'refunded', 'exchanged', 'closed'];
const DONE = ['rejected', 'refunded', 'exchanged', 'closed'];

function AsBadge({ status }) {
  useLang();
  return <span class={'badge badge-as-' + status} data-status={status}>{tCode('asstatus', status)}</span>;
}

// The clock of the ticket's current step: time left, or how long past the deadline (red).
function useNow(everyMs = 30000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(h);
  }, [everyMs]);
  return now;
}

export function SlaClock({ deadline, overdue }) {
  useLang();
  const now = useNow();
  if (!deadline) return <span class="sla sla-none" data-sla="none">{t('svc.sla.none')}</span>;
  const left = (new Date(deadline).getTime() - now) / 1000;
  if (left < 0 || overdue) {
    return (
      <span class="sla sla-breached" data-sla="breached" title={formatTime(deadline)}>
        {t('svc.sla.over', { d: duration(Math.max(0, -left)) })}
      </span>
    );
  }
  return (
    <span class={'sla ' + (left < 4 * 3600 ? 'sla-soon' : 'sla-ok')} data-sla="running" title={formatTime(deadline)}>
      {t('svc.sla.left', { d: duration(left) })}
    </span>
  );
}

function Tabs({ tab }) {
  useLang();
  return (
    <nav class="svc-tabs">
      {['tickets', 'logistics', 'messages'].map((k) => (
        <a key={k} href={'#/service' + (k === 'tickets' ? '' : '?tab=' + k)} class={tab === k ? 'active' : ''} data-tab={k}>
          {t('svc.tab.' + k)}
        </a>
      ))}
    </nav>
  );
}

function TicketList({ session, q }) {
  useLang();
  const filters = {
    status: q.get('status') || '',
    assignee: q.get('assignee') || '',
    order_no: q.get('order_no') || '',
    overdue: q.get('overdue') || '',
  };
  const [assigneeText, setAssigneeText] = useState(filters.assignee);
  const [orderText, setOrderText] = useState(filters.order_no);
  const [newOrder, setNewOrder] = useState('');
  const setFilter = (change) => {
    const next = { ...filters, ...change };
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) s.set(k, v);
    const qs = s.toString();
    navigate('/service' + (qs ? '?' + qs : ''));
  };
  const paged = usePaged('/after-sales', { ...filters, limit: 100 });
  const mine = filters.assignee === session.user;
  return (
    <div>
      <div class="toolbar card svc-filters">
        <label class="field">
          <span class="field-label">{t('svc.f.status')}</span>
          <CodeSelect name="status" value={filters.status} codes={STATUSES} prefix="asstatus" onChange={(v) => setFilter({ status: v })} />
        </label>
        <form class="exc-inline" onSubmit={(ev) => { ev.preventDefault(); setFilter({ assignee: assigneeText.trim(), order_no: orderText.trim() }); }}>
          <label class="field">
            <span class="field-label">{t('svc.f.assignee')}</span>
            <input name="assignee" value={assigneeText} onInput={(ev) => setAssigneeText(ev.target.value)} size="10" />
          </label>
          <label class="field">
            <span class="field-label">{t('svc.f.order_no')}</span>
            <input name="order_no" value={orderText} onInput={(ev) => setOrderText(ev.target.value)} size="16" />
          </label>
          <button type="submit">{t('action.search')}</button>
        </form>
        <label class="exc-check">
          <input type="checkbox" name="overdue" checked={filters.overdue === 'true'} onChange={() => setFilter({ overdue: filters.overdue ? '' : 'true' })} />
          {t('svc.f.overdue')}
        </label>
        <label class="exc-check">
          <input type="checkbox" name="mine" checked={mine} onChange={() => { const a = mine ? '' : session.user; setAssigneeText(a); setFilter({ assignee: a }); }} />
          {t('svc.f.mine')}
        </label>
        <form class="exc-inline svc-new" onSubmit={(ev) => { ev.preventDefault(); if (newOrder.trim()) navigate('/service/new?order=' + enc(newOrder.trim())); }}>
          <label class="field">
            <span class="field-label">{t('svc.new.for_order')}</span>
            <input name="new_order" value={newOrder} onInput={(ev) => setNewOrder(ev.target.value)} size="16" />
          </label>
          <button type="submit" class="primary">{t('svc.new')}</button>
        </form>
      </div>
      <ErrorBox error={paged.error} />
      <Empty when={!paged.loading && !paged.error && paged.items.length === 0} />
      {paged.items.length > 0 && (
        <table class="svc-tickets">
          <thead>
            <tr>
              <th class="num">{t('svc.col.id')}</th>
              <th>{t('svc.col.order')}</th>
              <th>{t('svc.col.type')}</th>
              <th>{t('svc.col.status')}</th>
              <th>{t('svc.col.reason')}</th>
              <th>{t('svc.col.assignee')}</th>
              <th>{t('svc.col.sla')}</th>
              <th>{t('svc.col.created')}</th>
            </tr>
          </thead>
          <tbody>
            {paged.items.map((tk) => (
              <tr key={tk.id} class="clickable" data-id={tk.id} onClick={() => navigate('/service/tickets/' + tk.id)}>
                <td class="num">#{tk.id}</td>
                <td>
                  <a href={'#/orders/' + enc(tk.order_no)} onClick={(ev) => ev.stopPropagation()}>{tk.order_no}</a>
                  <div><StatusBadge status={tk.order_status} /></div>
                </td>
                <td>{tCode('astype', tk.type)}</td>
                <td><AsBadge status={tk.status} /></td>
                <td>{tk.reason}</td>
                <td>{tk.assignee || <span class="muted">{t('svc.nobody')}</span>}</td>
                <td><SlaClock deadline={tk.deadline} overdue={tk.overdue} /></td>
                <td>{formatTime(tk.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Loading when={paged.loading} />
      <Pager paged={paged} />
    </div>
  );
}

function RaiseCase({ onDone }) {
  useLang();
  const [v, setV] = useState({ order: '', kind: 'lost', parcel: '', note: '' });
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (ev) => setV({ ...v, [k]: ev.target.value });
  const submit = (ev) => {
    ev.preventDefault();
    const body = { kind: v.kind };
    if (v.parcel.trim()) body.parcel = /^\d+$/.test(v.parcel.trim()) ? Number(v.parcel.trim()) : v.parcel.trim();
    if (v.note.trim()) body.note = v.note.trim();
    setBusy(true);
    post(`/orders/${enc(v.order.trim())}/logistics-cases`, body).then(
      (d) => { setBusy(false); setErr(null); onDone(d); },
      (e) => { setBusy(false); setErr(e); },
    );
  };
  return (
    <form class="card svc-raise" onSubmit={submit}>
      <h2>{t('svc.lg.raise')}</h2>
      <div class="row">
        <Field label={t('svc.new.order')} field="order_no" error={err}>
          <input name="lg_order" value={v.order} onInput={set('order')} size="18" />
        </Field>
        <Field label={t('svc.lg.kind')} field="kind" error={err}>
          <select name="lg_kind" value={v.kind} onChange={set('kind')}>
            {LOGISTICS_KINDS.slice(0, 4).map((k) => <option key={k} value={k}>{tCode('excode', 'logistics_' + k)}</option>)}
          </select>
        </Field>
        <Field label={t('svc.lg.parcel')} field="parcel" error={err}>
          <input name="lg_parcel" value={v.parcel} onInput={set('parcel')} size="8" />
        </Field>
        <Field label={t('svc.lg.note')} field="note" error={err}>
          <input name="lg_note" value={v.note} onInput={set('note')} size="24" />
        </Field>
        <button type="submit" class="primary" disabled={busy || !v.order.trim()}>{t('svc.lg.submit')}</button>
      </div>
      <ErrorBox error={err} />
    </form>
  );
}

function LogisticsCases({ session }) {
  useLang();
  const [state, setState] = useState({ items: [], error: null, loading: true });
  const load = useCallback(() => {
    setState((s) => ({ ...s, loading: true }));
    loadLogisticsCases().then(
      (items) => setState({ items, error: null, loading: false }),
      (error) => setState({ items: [], error, loading: false }),
    );
  }, []);
  useEffect(load, [load]);
  return (
    <div>
      <RaiseCase onDone={(d) => navigate('/exceptions/' + d.id)} />
      <p class="muted">{t('svc.lg.hint')}</p>
      <ErrorBox error={state.error} />
      <Empty when={!state.loading && !state.error && state.items.length === 0} />
      {state.items.length > 0 && (
        <table class="svc-cases">
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
          <tbody>
            {state.items.map((e) => <ExceptionRow key={e.id} e={e} session={session} onAssigned={load} />)}
          </tbody>
        </table>
      )}
      <Loading when={state.loading} />
    </div>
  );
}

export function MessagesTable({ orderNo }) {
  useLang();
  const res = useApi(orderNo ? `/orders/${enc(orderNo)}/messages` : null);
  const [done, setDone] = useState({});
  const [err, setErr] = useState(null);
  if (!orderNo) return null;
  const resend = (id) =>
    post(`/messages/${id}/resend`).then(() => { setDone({ ...done, [id]: true }); res.reload(); }, setErr);
  const items = Array.isArray(res.data) ? res.data : (res.data && res.data.items) || [];
  return (
    <div class="svc-messages">
      <ErrorBox error={res.error || err} />
      <Empty when={!res.loading && !res.error && items.length === 0} />
      {items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('svc.msg.col.at')}</th>
              <th>{t('svc.msg.col.event')}</th>
              <th>{t('svc.msg.col.medium')}</th>
              <th>{t('svc.msg.col.recipient')}</th>
              <th>{t('svc.msg.col.body')}</th>
              <th>{t('svc.msg.col.status')}</th>
              <th class="num">{t('svc.msg.col.attempts')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.id} data-id={m.id}>
                <td>{formatTime(m.sent_at || m.created_at)}</td>
                <td><code>{m.event}</code></td>
                <td>{tCode('medium', m.medium)}</td>
                <td>{m.recipient}</td>
                <td class="svc-msg-body">
                  {m.subject && <strong>{m.subject}<br /></strong>}
                  {m.body}
                  {m.last_error && <div class="field-error">{m.last_error}</div>}
                </td>
                <td><span class={'badge badge-msg-' + m.status}>{tCode('msgst', m.status)}</span></td>
                <td class="num">{m.attempts}</td>
                <td>
                  {done[m.id] ? <span class="muted">{t('svc.msg.resent')}</span> : (
                    <button onClick={() => resend(m.id)}>{t('svc.msg.resend')}</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Loading when={res.loading} />
    </div>
  );
}

function BuyerMessages({ q }) {
  useLang();
  const orderNo = q.get('order') || '';
  const [text, setText] = useState(orderNo);
  return (
    <div>
      <form class="toolbar card" onSubmit={(ev) => { ev.preventDefault(); navigate('/service?tab=messages&order=' + enc(text.trim())); }}>
        <label class="field">
          <span class="field-label">{t('svc.msg.order')}</span>
          <input name="msg_order" value={text} onInput={(ev) => setText(ev.target.value)} size="20" />
        </label>
        <button type="submit" class="primary">{t('svc.msg.show')}</button>
      </form>
      {!orderNo && <p class="muted">{t('svc.msg.hint')}</p>}
      <MessagesTable orderNo={orderNo} />
    </div>
  );
}

export function ServiceScreen({ session, path }) {
  useLang();
  const q = queryOf(path);
  const tab = q.get('tab') || 'tickets';
  return (
    <div class="svc">
      <div class="toolbar">
        <h1>{t('svc.title')}</h1>
      </div>
      <Tabs tab={tab} />
      {tab === 'tickets' && <TicketList session={session} q={q} />}
      {tab === 'logistics' && <LogisticsCases session={session} />}
      {tab === 'messages' && <BuyerMessages q={q} />}
    </div>
  );
}

// ---- one ticket --------------------------------------------------------------------------

// A small form: fields [{name, label, type?}], the move's path and how its body is made.
function MoveForm({ id, move, title, fields, body, onDone, danger, extra }) {
  useLang();
  const [v, setV] = useState({});
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = (ev) => {
    ev.preventDefault();
    setBusy(true);
    post(`/after-sales/${id}/${move}`, body ? body(v) : v).then(
      (d) => { setBusy(false); setErr(null); setV({}); onDone(d, move); },
      (e) => { setBusy(false); setErr(e); },
    );
  };
  return (
    <form class={'card svc-move svc-move-' + move} onSubmit={submit}>
      <h3>{title}</h3>
      {fields.map((f) => (
        <Field key={f.name} label={f.label} field={f.field || f.name} error={err}>
          {f.type === 'textarea' ? (
            <textarea name={move + '_' + f.name} value={v[f.name] || ''} onInput={(ev) => setV({ ...v, [f.name]: ev.target.value })} />
          ) : (
            <input name={move + '_' + f.name} value={v[f.name] || ''} onInput={(ev) => setV({ ...v, [f.name]: ev.target.value })} />
          )}
        </Field>
      ))}
      {extra}
      <button type="submit" class={danger ? 'danger' : 'primary'} disabled={busy}>{title}</button>
      <ErrorBox error={err} />
    </form>
  );
}

function ReceiveForm({ ticket, onDone }) {
  useLang();
  const [rows, setRows] = useState(() => ticket.items.map((i) => ({ sku: i.sku, qty: String(i.qty), condition: 'sellable', lot: '' })));
  const [warehouse, setWarehouse] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const setRow = (i, k) => (ev) => setRows(rows.map((r, j) => (j === i ? { ...r, [k]: ev.target.value } : r)));
  const addRow = (i) => setRows([...rows.slice(0, i + 1), { ...rows[i], qty: '0', condition: 'damaged', lot: '' }, ...rows.slice(i + 1)]);
  const submit = (ev) => {
    ev.preventDefault();
    const items = rows
      .filter((r) => String(r.qty).trim() !== '0')
      .map((r) => {
        const it = { sku: r.sku, qty: /^\d+$/.test(String(r.qty).trim()) ? Number(r.qty) : r.qty, condition: r.condition };
        if (r.lot.trim()) it.lot = r.lot.trim();
        return it;
      });
    const body = { items };
    if (warehouse.trim()) body.warehouse = warehouse.trim();
    setBusy(true);
    post(`/after-sales/${ticket.id}/receive`, body).then(
      (d) => { setBusy(false); setErr(null); onDone(d, 'receive'); },
      (e) => { setBusy(false); setErr(e); },
    );
  };
  const fe = (i, k) => err && err.field && err.field(`items[${i}].${k}`);
  return (
    <form class="card svc-move svc-move-receive" onSubmit={submit}>
      <h3>{t('svc.a.receive')}</h3>
      <table class="svc-items">
        <thead>
          <tr>
            <th>{t('svc.col.sku')}</th>
            <th>{t('svc.col.qty')}</th>
            <th>{t('svc.col.condition')}</th>
            <th>{t('svc.a.lot')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>{r.sku}</td>
              <td>
                <input name={`receive_qty_${i}`} value={r.qty} onInput={setRow(i, 'qty')} />
                {fe(i, 'qty') && <div class="field-error">{fe(i, 'qty').message}</div>}
              </td>
              <td>
                <select name={`receive_condition_${i}`} value={r.condition} onChange={setRow(i, 'condition')}>
                  <option value="sellable">{tCode('cond', 'sellable')}</option>
                  <option value="damaged">{tCode('cond', 'damaged')}</option>
                </select>
              </td>
              <td>
                <input name={`receive_lot_${i}`} value={r.lot} onInput={setRow(i, 'lot')} />
                {fe(i, 'lot') && <div class="field-error">{fe(i, 'lot').message}</div>}
              </td>
              <td><button type="button" class="link" onClick={() => addRow(i)}>+</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Field label={t('svc.a.warehouse')} field="warehouse" error={err}>
        <input name="receive_warehouse" value={warehouse} onInput={(ev) => setWarehouse(ev.target.value)} />
      </Field>
      <button type="submit" class="primary" disabled={busy}>{t('svc.a.receive')}</button>
      <ErrorBox error={err} />
    </form>
  );
}

function RefundForm({ ticket, money: summary, onDone }) {
  useLang();
  const [amount, setAmount] = useState('');
  const [err, setErr] = useState(null);
  const [ok, setOk] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = (ev) => {
    ev.preventDefault();
    setBusy(true);
    setOk(null);
    const fen = toFen(amount);
    // The server records the refund pending (202) and asks the payment provider in the
    // background: follow it until the provider has answered.
    post(`/after-sales/${ticket.id}/refund`, { amount: fen === undefined ? null : fen }).then(
      (d) => { setErr(null); setOk(d); setAmount(''); followRefund(d); },
      (e) => { setBusy(false); setErr(e); },
    );
  };
  const followRefund = (refund) => {
    if (refund.status !== 'pending') {
      setBusy(false);
      setOk(refund);
      onDone(null, refund.status === 'succeeded' ? 'refund' : null);
      return;
    }
    setTimeout(() => get(`/refunds/${refund.id}`).then(followRefund, (e) => { setBusy(false); setErr(e); }), 1000);
  };
  return (
    <form class="card svc-move svc-move-refund" onSubmit={submit}>
      <h3>{t('svc.a.refund')}</h3>
      {summary && (
        <p class="muted svc-refundable">
          {t('svc.t.paid')} {money(summary.paid)} · {t('svc.t.refunded')} {money(summary.refunded)} · {t('svc.t.refundable')}{' '}
          <strong>{money(summary.refundable)}</strong>
        </p>
      )}
      <Field label={t('svc.a.amount')} field="amount" error={err}>
        <input name="refund_amount" value={amount} inputMode="decimal" onInput={(ev) => setAmount(ev.target.value)} />
      </Field>
      <button type="submit" class="primary" disabled={busy}>{t('svc.a.refund')}</button>
      {ok && ok.status === 'pending' && <div class="muted svc-refund-pending">{t('svc.a.refund_pending', { amount: money(ok.amount) })}</div>}
      {ok && ok.status === 'succeeded' && <div class="ok-box">{t('svc.a.refund_ok', { amount: money(ok.amount) })}</div>}
      {ok && ok.status === 'refused' && <div class="error-box">{t('svc.a.refund_refused', { amount: money(ok.amount), error: ok.error || '' })}</div>}
      <ErrorBox error={err} />
    </form>
  );
}

function TicketHead({ tk }) {
  useLang();
  return (
    <div class={'card svc-head' + (tk.overdue ? ' exc-head-red' : '')}>
      <div class="toolbar">
        <h1>{t('svc.ticket', { id: tk.id })} · {tCode('astype', tk.type)}</h1>
        <AsBadge status={tk.status} />
        <SlaClock deadline={tk.deadline} overdue={tk.overdue} />
      </div>
      <dl class="exc-dl">
        <dt>{t('svc.col.order')}</dt>
        <dd>
          <a href={'#/orders/' + enc(tk.order_no)}>{tk.order_no}</a> <StatusBadge status={tk.order_status} /> · {tCode('channel', tk.channel)}
        </dd>
        <dt>{t('svc.col.reason')}</dt>
        <dd class="svc-reason">{tk.reason}</dd>
        <dt>{t('svc.col.items')}</dt>
        <dd>{tk.items.map((i) => `${i.sku}×${i.qty}` + (i.exchange_sku ? ` → ${i.exchange_sku}` : '')).join(', ')}</dd>
        <dt>{t('svc.col.assignee')}</dt>
        <dd class="svc-assignee">{tk.assignee || t('svc.nobody')}</dd>
        <dt>{t('svc.t.deadline')}</dt>
        <dd>{formatTime(tk.deadline) || t('common.none')}</dd>
        {tk.evidence.length > 0 && <dt>{t('svc.t.evidence')}</dt>}
        {tk.evidence.length > 0 && (
          <dd>
            {tk.evidence.map((u) => (
              <div key={u}><a href={u} target="_blank" rel="noopener noreferrer">{u}</a></div>
            ))}
          </dd>
        )}
        {tk.return_shipment && <dt>{t('svc.t.return')}</dt>}
        {tk.return_shipment && (
          <dd>
            {tk.return_shipment.carrier} {tk.return_shipment.tracking_no}
            {tk.return_tracking && ` · ${tk.return_tracking.milestone || ''}`}
            {tk.return_tracking && tk.return_tracking.events[0] && (
              <div class="muted">{formatTime(tk.return_tracking.events[0].time)} {tk.return_tracking.events[0].context}</div>
            )}
          </dd>
        )}
        {tk.linked_order_no && <dt>{t('svc.t.linked')}</dt>}
        {tk.linked_order_no && <dd><a href={'#/orders/' + enc(tk.linked_order_no)}>{tk.linked_order_no}</a></dd>}
        <dt>{t('svc.t.created_by')}</dt>
        <dd>{tk.created_by} · {formatTime(tk.created_at)}</dd>
      </dl>
    </div>
  );
}

export function TicketDetail({ session, params }) {
  useLang();
  const res = useApi('/after-sales/' + enc(params.id));
  const [fresh, setFresh] = useState(null);
  const [done, setDone] = useState(null);
  const tk = fresh && String(fresh.id) === String(params.id) ? fresh : res.data;
  const orderNo = tk && tk.order_no;
  const refunds = useApi(orderNo ? `/orders/${enc(orderNo)}/refunds` : null);
  if (!tk) {
    return (
      <div>
        <a href="#/service">← {t('svc.back')}</a>
        <ErrorBox error={res.error} />
        <Loading when={res.loading} />
      </div>
    );
  }
  const onDone = (d, move) => {
    if (d) setFresh(d);
    else {
      // A move that answered with something other than the ticket: read it again.
      setFresh(null);
      res.reload();
    }
    if (move) setDone(move);
    refunds.reload();
  };
  const st = tk.status;
  const open = !DONE.includes(st);
  const canRefund = ['approved', 'received', 'inspected', 'refunded'].includes(st) && ['refund_only', 'return_refund'].includes(tk.type);
  const opt = (k) => (v) => (v[k] && v[k].trim() ? { [k]: v[k].trim() } : {});
  return (
    <div class="svc-ticket" data-status={st}>
      <div class="toolbar">
        <a href="#/service">← {t('svc.back')}</a>
      </div>
      <TicketHead tk={tk} />
      {done && <div class="ok-box svc-done">{t('svc.a.done', { what: t('svc.a.' + (done === 'return-shipment' ? 'return' : done === 'messages' ? 'message' : done)) })}</div>}
      <div class="svc-actions">
        {st === 'requested' && (
          <MoveForm id={tk.id} move="approve" title={t('svc.a.approve')} fields={[{ name: 'note', label: t('svc.a.note') }]} body={opt('note')} onDone={onDone} />
        )}
        {st === 'requested' && (
          <MoveForm id={tk.id} move="reject" title={t('svc.a.reject')} danger fields={[{ name: 'reason', label: t('svc.a.reason') }]} body={(v) => ({ reason: v.reason || '' })} onDone={onDone} />
        )}
        {canRefund && <RefundForm ticket={tk} money={refunds.data} onDone={onDone} />}
        {st === 'approved' && (tk.type === 'return_refund' || tk.type === 'exchange') && (
          <MoveForm
            id={tk.id}
            move="return-shipment"
            title={t('svc.a.return')}
            fields={[{ name: 'carrier', label: t('svc.a.carrier') }, { name: 'tracking_no', label: t('svc.a.tracking_no') }]}
            body={(v) => ({ carrier: (v.carrier || '').trim(), tracking_no: (v.tracking_no || '').trim() })}
            onDone={onDone}
          />
        )}
        {(st === 'approved' || st === 'return_in_transit') && tk.type !== 'refund_only' && tk.type !== 'reissue' && (
          <ReceiveForm ticket={tk} onDone={onDone} />
        )}
        {open && (
          <MoveForm
            id={tk.id}
            move="assign"
            title={t('svc.a.assign')}
            fields={[{ name: 'assignee', label: t('svc.a.assignee') }]}
            body={(v) => ({ assignee: (v.assignee || '').trim() || session.user })}
            onDone={onDone}
          />
        )}
        <MoveForm id={tk.id} move="messages" title={t('svc.a.message')} fields={[{ name: 'text', label: t('svc.a.text'), type: 'textarea' }]} body={(v) => ({ text: v.text || '', author: session.user })} onDone={onDone} />
        {open && (
          <MoveForm id={tk.id} move="close" title={t('svc.a.close')} danger fields={[{ name: 'note', label: t('svc.a.note') }]} body={opt('note')} onDone={onDone} />
        )}
      </div>
      <div class="card">
        <h2>{t('svc.t.timeline')}</h2>
        <table class="svc-timeline">
          <thead>
            <tr>
              <th>{t('svc.col.at')}</th>
              <th>{t('svc.col.kind')}</th>
              <th>{t('svc.col.status')}</th>
              <th>{t('svc.col.text')}</th>
              <th>{t('svc.col.actor')}</th>
            </tr>
          </thead>
          <tbody>
            {tk.timeline.map((e, i) => (
              <tr key={i} data-kind={e.kind}>
                <td>{formatTime(e.at)}</td>
                <td>{tCode('askind', e.kind)}</td>
                <td>{e.from || e.to ? <span>{e.from ? tCode('asstatus', e.from) : ''} → {tCode('asstatus', e.to)}</span> : ''}</td>
                <td class="svc-msg-body">{e.text}</td>
                <td>{e.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {tk.receipts.length > 0 && (
        <div class="card">
          <h2>{t('svc.t.receipts')}</h2>
          <table>
            <thead>
              <tr>
                <th>{t('svc.col.sku')}</th>
                <th class="num">{t('svc.col.qty')}</th>
                <th>{t('svc.col.condition')}</th>
                <th>{t('svc.col.at')}</th>
              </tr>
            </thead>
            <tbody>
              {tk.receipts.map((r, i) => (
                <tr key={i}>
                  <td>{r.sku}</td>
                  <td class="num">{r.qty}</td>
                  <td>{tCode('cond', r.condition)}</td>
                  <td>{formatTime(r.at || r.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {tk.refunds.length > 0 && (
        <div class="card">
          <h2>{t('svc.t.refunds')}</h2>
          <table class="svc-refunds">
            <thead>
              <tr>
                <th class="num">#</th>
                <th class="num">{t('svc.col.amount')}</th>
                <th>{t('svc.col.status')}</th>
                <th>{t('svc.col.provider_ref')}</th>
                <th>{t('svc.col.error')}</th>
                <th>{t('svc.col.at')}</th>
              </tr>
            </thead>
            <tbody>
              {tk.refunds.map((r) => (
                <tr key={r.id}>
                  <td class="num">{r.id}</td>
                  <td class="num">{money(r.amount)}</td>
                  <td>{tCode('refundst', r.status)}</td>
                  <td>{r.provider_ref}</td>
                  <td>{r.error}</td>
                  <td>{formatTime(r.succeeded_at || r.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="card">
        <h2>{t('svc.t.messages')}</h2>
        <MessagesTable orderNo={tk.order_no} />
      </div>
    </div>
  );
}

// ---- opening a ticket from an order ------------------------------------------------------

export function NewTicket({ path }) {
  useLang();
  const q = queryOf(path);
  const orderNo = q.get('order') || '';
  const [orderText, setOrderText] = useState(orderNo);
  const order = useApi(orderNo ? '/orders/' + enc(orderNo) : null);
  const [type, setType] = useState('return_refund');
  const [qty, setQty] = useState({});
  const [exch, setExch] = useState({});
  const [reason, setReason] = useState('');
  const [evidence, setEvidence] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const lines = (order.data && order.data.items) || [];
  const submit = (ev) => {
    ev.preventDefault();
    const items = [];
    lines.forEach((l, i) => {
      const raw = String(qty[i] ?? '').trim();
      if (raw === '' || raw === '0') return;
      const it = { sku: l.sku, qty: /^\d+$/.test(raw) ? Number(raw) : raw };
      if (type === 'exchange' && exch[i] && exch[i].trim()) it.exchange_sku = exch[i].trim();
      items.push(it);
    });
    const body = { type, items, reason };
    const urls = evidence.split('\n').map((s) => s.trim()).filter(Boolean);
    if (urls.length) body.evidence = urls;
    setBusy(true);
    post(`/orders/${enc(orderNo)}/after-sales`, body).then(
      (d) => { setBusy(false); navigate('/service/tickets/' + d.id); },
      (e) => { setBusy(false); setErr(e); },
    );
  };
  // The server names items by their place in the body; map them back to the order's lines.
  const sent = [];
  lines.forEach((l, i) => {
    const raw = String(qty[i] ?? '').trim();
    if (raw !== '' && raw !== '0') sent.push(i);
  });
  const lineError = (i, k) => {
    const j = sent.indexOf(i);
    return j >= 0 && err && err.field ? err.field(`items[${j}].${k}`) : null;
  };
  return (
    <div class="svc-new-ticket">
      <div class="toolbar">
        <a href="#/service">← {t('svc.back')}</a>
      </div>
      <h1>{t('svc.new.title')}</h1>
      <form class="toolbar card" onSubmit={(ev) => { ev.preventDefault(); navigate('/service/new?order=' + enc(orderText.trim())); }}>
        <label class="field">
          <span class="field-label">{t('svc.new.order')}</span>
          <input name="order" value={orderText} onInput={(ev) => setOrderText(ev.target.value)} size="20" />
        </label>
        <button type="submit">{t('svc.new.go')}</button>
      </form>
      {!orderNo && <p class="muted">{t('svc.new.no_order')}</p>}
      <ErrorBox error={order.error} />
      {order.data && (
        <form class="card svc-new-form" onSubmit={submit}>
          <p>
            <a href={'#/orders/' + enc(order.data.order_no)}>{order.data.order_no}</a> <StatusBadge status={order.data.status} /> ·{' '}
            {order.data.buyer && order.data.buyer.name} · {money(order.data.amounts && order.data.amounts.total)}
          </p>
          {order.data.remark && <p class="remark">{order.data.remark}</p>}
          <Field label={t('svc.new.type')} field="type" error={err}>
            <select name="type" value={type} onChange={(ev) => setType(ev.target.value)}>
              {TYPES.map((x) => <option key={x} value={x}>{tCode('astype', x)}</option>)}
            </select>
          </Field>
          <div class={'field' + (err && err.field && err.field('items') ? ' field-invalid' : '')}>
            <span class="field-label">{t('svc.new.items')}</span>
            <table class="svc-items">
              <thead>
                <tr>
                  <th>{t('svc.col.sku')}</th>
                  <th class="num">{t('svc.new.ordered')}</th>
                  <th>{t('svc.col.qty')}</th>
                  {type === 'exchange' && <th>{t('svc.col.exchange_sku')}</th>}
                </tr>
              </thead>
              <tbody>
                {lines.map((l, i) => (
                  <tr key={i}>
                    <td>{l.sku}</td>
                    <td class="num">{l.qty}</td>
                    <td>
                      <input name={`qty_${i}`} data-sku={l.sku} value={qty[i] ?? ''} inputMode="numeric" onInput={(ev) => setQty({ ...qty, [i]: ev.target.value })} />
                      {lineError(i, 'qty') && <div class="field-error">{lineError(i, 'qty').message}</div>}
                      {lineError(i, 'sku') && <div class="field-error">{lineError(i, 'sku').message}</div>}
                    </td>
                    {type === 'exchange' && (
                      <td>
                        <input name={`exchange_${i}`} value={exch[i] ?? ''} onInput={(ev) => setExch({ ...exch, [i]: ev.target.value })} />
                        {lineError(i, 'exchange_sku') && <div class="field-error">{lineError(i, 'exchange_sku').message}</div>}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            {err && err.field && err.field('items') && <span class="field-error">{err.field('items').message}</span>}
          </div>
          <Field label={t('svc.new.reason')} field="reason" error={err}>
            <textarea name="reason" value={reason} onInput={(ev) => setReason(ev.target.value)} />
          </Field>
          <Field label={t('svc.new.evidence')} field="evidence" error={err}>
            <textarea name="evidence" value={evidence} onInput={(ev) => setEvidence(ev.target.value)} />
          </Field>
          <button type="submit" class="primary" disabled={busy}>{t('svc.new.submit')}</button>
          <ErrorBox error={err} />
        </form>
      )}
    </div>
  );
}
