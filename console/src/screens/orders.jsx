// Orders: the list with filters and exact search (order no, external id, phone), channel
// and status badges, flags for open exceptions and holds, and cursor paging. Filters live in
// the address (#/orders?status=…), so going back from an order keeps them.
import { useEffect, useState } from 'preact/hooks';
import { formatTime, t, tCode, useLang } from '../i18n.js';
import { navigate, queryOf } from '../router.js';
import { ChannelBadge, CodeSelect, Empty, ErrorBox, Loading, Pager, StatusBadge, usePaged } from '../ui/components.jsx';
import { money } from '../ui/format.js';
import './orders.css';
import './orders_words.jsx';

export const STATUSES = [
  'pending_payment', 'pending_review', 'approved', 'picking', 'packed', 'partially_shipped',
  'shipped', 'out_for_delivery', 'delivered', 'completed', 'cancelled',
];
export const CHANNELS = ['taobao', 'tmall', 'jd', 'douyin', 'web', 'store', 'phone'];
export const EXCEPTION_CODES = [
  'stock_short', 'expiry_short', 'payment_amount_mismatch', 'paid_after_cancel', 'tracking_pool_empty',
  'payment_timeout', 'delivery_date_past', 'coupon_mismatch', 'pick_reallocated', 'logistics_stale',
  'logistics_late', 'logistics_problem', 'logistics_returned', 'after_sales_overdue',
];

const FILTERS = ['status', 'channel', 'exception', 'q'];

function filtersOf(path) {
  const q = queryOf(path);
  const f = {};
  for (const k of FILTERS) if (q.get(k)) f[k] = q.get(k);
  return f;
}

function hrefOf(f) {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (f[k]) q.set(k, f[k]);
  const s = q.toString();
  return '/orders' + (s ? '?' + s : '');
}

export function Flags({ order }) {
  useLang();
  const open = (order.exceptions || []).filter((e) => e.status === 'open');
  const holds = (order.holds || []).filter((h) => h.status === 'open');
  const red = open.filter((e) => e.severity === 'red');
  const yellow = open.filter((e) => e.severity !== 'red');
  return (
    <span class="flags">
      {red.map((e) => (
        <span key={e.id} class="badge flag-red" data-exception={e.code} title={e.message}>
          {tCode('exc', e.code)}
        </span>
      ))}
      {yellow.map((e) => (
        <span key={e.id} class="badge flag-yellow" data-exception={e.code} title={e.message}>
          {tCode('exc', e.code)}
        </span>
      ))}
      {holds.length > 0 && <span class="badge badge-holds">{t('orders.holds_n', { n: holds.length })}</span>}
      {order.remark && order.remark.trim() && (
        <span class="badge badge-remark" title={order.remark}>
          {t('orders.remark_flag')}
        </span>
      )}
    </span>
  );
}

export function units(order) {
  return (order.items || []).reduce((s, i) => s + (i.qty || 0), 0);
}

export function Orders({ path }) {
  useLang();
  const filters = filtersOf(path);
  const [search, setSearch] = useState(filters.q || '');
  useEffect(() => setSearch(filters.q || ''), [filters.q]);
  const paged = usePaged('/orders', filters);
  const set = (k, v) => navigate(hrefOf({ ...filters, [k]: v }));
  const submit = (e) => {
    e.preventDefault();
    set('q', search.trim());
  };
  const redacted = paged.items.some((o) => o.payment_redacted);
  return (
    <div class="ox orders">
      <h1>{t('orders.title')}</h1>
      <form class="toolbar orders-filters" onSubmit={submit}>
        <input
          name="q"
          type="search"
          class="orders-search"
          placeholder={t('orders.search')}
          title={t('orders.search_hint')}
          value={search}
          onInput={(e) => setSearch(e.currentTarget.value)}
        />
        <button type="submit" class="primary">
          {t('action.search')}
        </button>
        <label class="inline">
          {t('orders.filter_status')}
          <CodeSelect name="status" value={filters.status} codes={STATUSES} prefix="status" onChange={(v) => set('status', v)} />
        </label>
        <label class="inline">
          {t('orders.filter_channel')}
          <CodeSelect name="channel" value={filters.channel} codes={CHANNELS} prefix="channel" onChange={(v) => set('channel', v)} />
        </label>
        <label class="inline">
          {t('orders.filter_exception')}
          <CodeSelect name="exception" value={filters.exception} codes={EXCEPTION_CODES} prefix="exc" onChange={(v) => set('exception', v)} />
        </label>
        {Object.keys(filters).length > 0 && (
          <button type="button" class="link clear-filters" onClick={() => navigate('/orders')}>
            {t('orders.clear')}
          </button>
        )}
      </form>
      <p class="muted small">{t('orders.search_hint')}</p>
      <ErrorBox error={paged.error} />
      <table class="orders-table">
        <thead>
          <tr>
            <th>{t('orders.col_no')}</th>
            <th>{t('orders.col_channel')}</th>
            <th>{t('orders.col_external')}</th>
            <th>{t('orders.col_buyer')}</th>
            <th class="num">{t('orders.col_items')}</th>
            {!redacted && <th class="num">{t('orders.col_total')}</th>}
            <th>{t('orders.col_status')}</th>
            <th>{t('orders.col_flags')}</th>
            <th>{t('orders.col_created')}</th>
          </tr>
        </thead>
        <tbody>
          {paged.items.map((o) => (
            <tr
              key={o.order_no}
              class="clickable order-row"
              data-order={o.order_no}
              onClick={() => navigate('/orders/' + encodeURIComponent(o.order_no))}
            >
              <td>
                <a href={'#/orders/' + encodeURIComponent(o.order_no)} class="mono">
                  {o.order_no}
                </a>
              </td>
              <td>
                <ChannelBadge channel={o.channel} />
              </td>
              <td class="mono small">{o.external_id}</td>
              <td>
                {o.buyer && o.buyer.name}
                <div class="muted small">{o.buyer && o.buyer.phone}</div>
              </td>
              <td class="num">{units(o)}</td>
              {!redacted && <td class="num">{o.amounts ? money(o.amounts.total) : ''}</td>}
              <td>
                <StatusBadge status={o.status} />
              </td>
              <td>
                <Flags order={o} />
              </td>
              <td class="small">{formatTime(o.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Loading when={paged.loading} />
      <Empty when={!paged.loading && !paged.error && paged.items.length === 0} />
      {paged.items.length > 0 && <p class="muted small">{t('orders.shown', { n: paged.items.length })}</p>}
      <Pager paged={paged} />
    </div>
  );
}
