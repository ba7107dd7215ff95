// The review queue: orders waiting for a person, oldest first, each with its holds and the
// rule hits explained in words. The reviewer approves (with a note), rejects (with a reason,
// confirmed first), corrects the recipient, phone, address or remark (the server's field
// errors shown next to the fields, the input kept), or releases one hold.
import { useState } from 'preact/hooks';
import { api, enc, patch, post } from '../api.js';
import { formatTime, register, t, tCode, useLang } from '../i18n.js';
import { ChannelBadge, CodeSelect, ErrorBox, Field, Loading, Pager, StatusBadge, usePaged } from '../ui/components.jsx';
import { duration, money } from '../ui/format.js';
import { CHANNELS, Flags, units } from './orders.jsx';
import './orders.css';
import { HoldList } from './orders_holds.jsx';
import './orders_words.jsx';

register({
  'review.title': ['审核队列', 'Review queue'],
  'review.hint': ['最早的订单在最前；每个拦截都写明了命中的规则和数值。', 'Oldest first; each hold says which rule hit and on what values.'],
  'review.filter_reason': ['拦截原因', 'Hold reason'],
  'review.filter_channel': ['渠道', 'Channel'],
  'review.min_amount': ['最低金额（元）', 'Min amount (¥)'],
  'review.max_amount': ['最高金额（元）', 'Max amount (¥)'],
  'review.apply': ['筛选', 'Filter'],
  'review.waiting': ['已等待 {d}', 'waiting {d}'],
  'review.total': ['合计 {amount}', 'total {amount}'],
  'review.units': ['{n} 件', '{n} pcs'],
  'review.holds': ['拦截原因', 'Why it is held'],
  'review.note': ['审核备注 / 拒绝原因', 'Note / reason to reject'],
  'review.approve': ['通过', 'Approve'],
  'review.reject': ['拒绝', 'Reject'],
  'review.edit': ['修改收货信息', 'Edit recipient and address'],
  'review.release': ['解除', 'Release'],
  'review.confirm_reject': ['确认拒绝并取消订单 {no}？库存和拦截将被释放。', 'Reject and cancel order {no}? Its stock and holds are released.'],
  'review.reject_reason': ['拒绝原因（必填）', 'Reason (required)'],
  'review.confirm': ['确认拒绝', 'Yes, reject'],
  'review.approved': ['订单 {no} 已通过审核', 'Order {no} approved'],
  'review.rejected': ['订单 {no} 已拒绝（已取消）', 'Order {no} rejected (cancelled)'],
  'review.released': ['订单 {no} 的拦截“{reason}”已解除', 'Hold “{reason}” of order {no} released'],
  'review.saved': ['订单 {no} 的收货信息已保存', 'Order {no}: recipient and address saved'],
  'review.edit_title': ['修改收货信息', 'Edit recipient and address'],
  'review.name': ['收货人', 'Recipient'],
  'review.phone': ['手机', 'Phone'],
  'review.province': ['省', 'Province'],
  'review.city': ['市', 'City'],
  'review.district': ['区县', 'District'],
  'review.detail': ['详细地址', 'Street address'],
  'review.postal_code': ['邮编', 'Postal code'],
  'review.remark': ['买家留言', 'Buyer remark'],
  'review.nothing_changed': ['没有修改任何内容', 'Nothing was changed'],
  'review.empty': ['审核队列是空的', 'The review queue is empty'],
});

const HOLD_REASONS = [
  'buyer_remark', 'payment_unverified', 'high_value', 'address_imprecise', 'remote_area', 'velocity_phone',
  'velocity_address', 'velocity_ip', 'blocklisted', 'stock_short', 'address_unclear',
];

function toFen(yuan) {
  const s = String(yuan || '').trim();
  if (!s) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? Math.round(n * 100) : undefined;
}

function formOf(o) {
  const a = o.address || {};
  const b = o.buyer || {};
  return {
    name: b.name || '',
    phone: b.phone || '',
    province: a.province || '',
    city: a.city || '',
    district: a.district || '',
    detail: a.detail || '',
    postal_code: a.postal_code || '',
    remark: o.remark || '',
  };
}

// Only the parts that changed go to PATCH, so an untouched email or postal code stays.
function changesOf(o, f) {
  const before = formOf(o);
  const body = {};
  if (f.name !== before.name || f.phone !== before.phone) body.buyer = { name: f.name, phone: f.phone };
  const addr = ['province', 'city', 'district', 'detail', 'postal_code'];
  if (addr.some((k) => f[k] !== before[k])) {
    body.address = {};
    for (const k of addr) body.address[k] = k === 'postal_code' && !f[k].trim() ? null : f[k];
  }
  if (f.remark !== before.remark) body.remark = f.remark.trim() ? f.remark : null;
  return body;
}

function EditForm({ order, onSaved, onCancel }) {
  useLang();
  const [form, setForm] = useState(() => formOf(order));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const input = (k, props = {}) => (
    <input
      name={k}
      value={form[k]}
      onInput={(e) => setForm({ ...form, [k]: e.currentTarget.value })}
      {...props}
    />
  );
  const save = async (e) => {
    e.preventDefault();
    const body = changesOf(order, form);
    if (Object.keys(body).length === 0) {
      setError({ message: t('review.nothing_changed'), fields: [] });
      return;
    }
    setBusy(true);
    try {
      const updated = await patch('/orders/' + enc(order.order_no), body);
      setError(null);
      onSaved(updated);
    } catch (err) {
      setError(err); // the form keeps what was typed
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="edit-form" onSubmit={save}>
      <h3>{t('review.edit_title')}</h3>
      <div class="edit-grid">
        <Field label={t('review.name')} field="buyer.name" error={error}>
          {input('name')}
        </Field>
        <Field label={t('review.phone')} field="buyer.phone" error={error}>
          {input('phone', { inputMode: 'tel' })}
        </Field>
        <Field label={t('review.province')} field="address.province" error={error}>
          {input('province')}
        </Field>
        <Field label={t('review.city')} field="address.city" error={error}>
          {input('city')}
        </Field>
        <Field label={t('review.district')} field="address.district" error={error}>
          {input('district')}
        </Field>
        <Field label={t('review.postal_code')} field="address.postal_code" error={error}>
          {input('postal_code', { inputMode: 'numeric' })}
        </Field>
      </div>
      <Field label={t('review.detail')} field="address.detail" error={error}>
        {input('detail', { class: 'wide' })}
      </Field>
      <Field label={t('review.remark')} field="remark" error={error}>
        <textarea name="remark" value={form.remark} onInput={(e) => setForm({ ...form, remark: e.currentTarget.value })} />
      </Field>
      <ErrorBox error={error} />
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>
          {t('action.save')}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          {t('action.cancel')}
        </button>
      </div>
    </form>
  );
}

function ReviewCard({ order, onDone }) {
  useLang();
  const [o, setO] = useState(order);
  const [mode, setMode] = useState(null); // null | 'edit' | 'reject'
  const [note, setNote] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const no = o.order_no;
  const path = '/orders/' + enc(no);

  const act = async (fn, message, leaves) => {
    setBusy(true);
    setError(null);
    try {
      const updated = await fn();
      if (updated && updated.order_no) setO(updated);
      setMode(null);
      onDone(message, leaves || (updated && updated.status !== 'pending_review'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const approve = () =>
    act(() => post(path + '/approve', note.trim() ? { note: note.trim() } : {}), t('review.approved', { no }), true);
  const reject = () => act(() => post(path + '/reject', { reason: note.trim() }), t('review.rejected', { no }), true);
  const release = (h) =>
    act(
      () => api('DELETE', path + '/holds/' + h.id, note.trim() ? { note: note.trim() } : {}),
      t('review.released', { no, reason: tCode('hold', h.reason) }),
    );

  const a = o.address || {};
  const waited = (Date.now() - new Date(o.created_at).getTime()) / 1000;
  return (
    <article class="card review-card" data-order={no}>
      <header class="review-head">
        <a class="mono order-link" href={'#/orders/' + enc(no)}>
          {no}
        </a>
        <ChannelBadge channel={o.channel} />
        <StatusBadge status={o.status} />
        {o.amounts && <strong class="amount">{t('review.total', { amount: money(o.amounts.total) })}</strong>}
        <span class="muted">{t('review.units', { n: units(o) })}</span>
        <Flags order={o} />
        <span class="muted small waited" title={formatTime(o.created_at)}>
          {t('review.waiting', { d: duration(Math.max(0, waited)) })}
        </span>
      </header>
      <div class="review-body">
        <div class="review-order">
          <div class="recipient">
            <strong>{o.buyer && o.buyer.name}</strong> <span class="mono">{o.buyer && o.buyer.phone}</span>
          </div>
          <div class="address">
            {[a.province, a.city, a.district, a.detail].filter(Boolean).join(' ')} {a.postal_code}
          </div>
          {o.remark && o.remark.trim() && <div class="remark">{o.remark}</div>}
          <div class="muted small">
            {(o.items || []).map((i) => `${i.sku} ×${i.qty}`).join('，')} · {formatTime(o.placed_at)}
          </div>
        </div>
        <div class="review-holds">
          <h3>{t('review.holds')}</h3>
          <HoldList order={o} onRelease={release} busy={busy} openOnly />
        </div>
      </div>
      {mode === 'edit' ? (
        <EditForm
          order={o}
          onCancel={() => setMode(null)}
          onSaved={(updated) => {
            setO(updated);
            setMode(null);
            onDone(t('review.saved', { no }), false);
          }}
        />
      ) : (
        <div class="review-actions">
          <label class="field note-field">
            <span class="field-label">{t('review.note')}</span>
            <input name="note" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </label>
          {mode === 'reject' ? (
            <div class="confirm-reject" role="alertdialog">
              <span>{t('review.confirm_reject', { no })}</span>
              <button class="danger confirm" disabled={busy} onClick={reject}>
                {t('review.confirm')}
              </button>
              <button disabled={busy} onClick={() => setMode(null)}>
                {t('action.cancel')}
              </button>
            </div>
          ) : (
            <div class="toolbar">
              <button class="primary approve" disabled={busy} onClick={approve}>
                {t('review.approve')}
              </button>
              <button class="edit" disabled={busy} onClick={() => (setError(null), setMode('edit'))}>
                {t('review.edit')}
              </button>
              <button class="danger reject" disabled={busy} onClick={() => (setError(null), setMode('reject'))}>
                {t('review.reject')}
              </button>
            </div>
          )}
        </div>
      )}
      <ErrorBox error={error} />
    </article>
  );
}

export function Review() {
  useLang();
  const [draft, setDraft] = useState({ reason: '', channel: '', min: '', max: '' });
  const [filters, setFilters] = useState({});
  const [flash, setFlash] = useState(null);
  const paged = usePaged('/review/queue', filters);
  const apply = (next) => {
    const d = next || draft;
    setFilters({ reason: d.reason, channel: d.channel, min_amount: toFen(d.min), max_amount: toFen(d.max) });
  };
  const choose = (k, v) => {
    const d = { ...draft, [k]: v };
    setDraft(d);
    apply(d);
  };
  const onDone = (message, reload) => {
    setFlash(message);
    if (reload) paged.reload();
  };
  return (
    <div class="ox review">
      <h1>{t('review.title')}</h1>
      <p class="muted small">{t('review.hint')}</p>
      <form
        class="toolbar review-filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <label class="inline">
          {t('review.filter_reason')}
          <CodeSelect name="reason" value={draft.reason} codes={HOLD_REASONS} prefix="hold" onChange={(v) => choose('reason', v)} />
        </label>
        <label class="inline">
          {t('review.filter_channel')}
          <CodeSelect name="channel" value={draft.channel} codes={CHANNELS} prefix="channel" onChange={(v) => choose('channel', v)} />
        </label>
        <label class="inline">
          {t('review.min_amount')}
          <input
            name="min_amount"
            class="amount-input"
            inputMode="decimal"
            value={draft.min}
            onInput={(e) => setDraft({ ...draft, min: e.currentTarget.value })}
          />
        </label>
        <label class="inline">
          {t('review.max_amount')}
          <input
            name="max_amount"
            class="amount-input"
            inputMode="decimal"
            value={draft.max}
            onInput={(e) => setDraft({ ...draft, max: e.currentTarget.value })}
          />
        </label>
        <button type="submit">{t('review.apply')}</button>
        <button type="button" onClick={() => paged.reload()}>
          {t('action.refresh')}
        </button>
      </form>
      {flash && (
        <div class="ok-box flash" role="status">
          {flash}
        </div>
      )}
      <ErrorBox error={paged.error} />
      {paged.items.map((o) => (
        <ReviewCard key={o.order_no + ':' + o.updated_at} order={o} onDone={onDone} />
      ))}
      <Loading when={paged.loading} />
      {!paged.loading && !paged.error && paged.items.length === 0 && <div class="empty">{t('review.empty')}</div>}
      <Pager paged={paged} />
    </div>
  );
}
