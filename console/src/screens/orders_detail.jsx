// One order: items, amounts and payment (the warehouse's view has none: the server redacts
// them and says so), the buyer's remark, reservations with the allocation's reasons, holds
// with their rule hits explained, exceptions, parcels and tracking, after-sales tickets and
// the timeline. A section the role may not read is left out, never shown as an error.
import { enc } from '../api.js';
import { formatTime, t, tCode, useLang } from '../i18n.js';
import { ChannelBadge, ErrorBox, Loading, StatusBadge, useApi } from '../ui/components.jsx';
import { money } from '../ui/format.js';
import './orders.css';
import { HoldList, ReviewSummary } from './orders_holds.jsx';
import './orders_words.jsx';

// Which roles may read each side request (mirrors src/http/permissions.c), so the console
// does not ask for what it would be refused; a 403 all the same is left out quietly.
const MAY = {
  allocation: ['admin', 'reviewer', 'warehouse', 'customer_service'],
  parcels: ['admin', 'warehouse', 'customer_service'],
  tracking: ['admin', 'reviewer', 'warehouse', 'customer_service'],
  afterSales: ['admin', 'customer_service', 'finance'],
  review: ['admin', 'reviewer'],
};

function useSection(role, what, path, params) {
  const allowed = MAY[what].includes(role);
  return useApi(allowed ? path : null, params);
}

function Dl({ rows }) {
  return (
    <dl class="kv">
      {rows
        .filter((r) => r && r[1] !== undefined && r[1] !== null && r[1] !== '')
        .map(([k, v]) => [<dt key={'t' + k}>{k}</dt>, <dd key={'d' + k}>{v}</dd>])}
    </dl>
  );
}

function addressLine(a) {
  if (!a) return '';
  return [a.province, a.city, a.district, a.detail].filter(Boolean).join(' ');
}

function Items({ order }) {
  const priced = !order.payment_redacted;
  return (
    <table class="items">
      <thead>
        <tr>
          <th>#</th>
          <th>{t('order.sku')}</th>
          <th class="num">{t('order.qty')}</th>
          <th class="num">{t('order.reserved')}</th>
          {priced && <th class="num">{t('order.unit_price')}</th>}
          {priced && <th class="num">{t('order.line_total')}</th>}
        </tr>
      </thead>
      <tbody>
        {(order.items || []).map((i) => (
          <tr key={i.line} data-sku={i.sku}>
            <td>{i.line}</td>
            <td class="mono">{i.sku}</td>
            <td class="num">{i.qty}</td>
            <td class={'num' + (i.reserved_qty < i.qty ? ' short' : '')}>{i.reserved_qty ?? ''}</td>
            {priced && <td class="num">{money(i.unit_price)}</td>}
            {priced && <td class="num">{money(i.unit_price * i.qty)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Money({ order }) {
  useLang();
  if (order.payment_redacted) {
    return (
      <section class="card money redacted">
        <h2>{t('order.amounts')}</h2>
        <p class="muted redacted-note">{t('order.redacted')}</p>
      </section>
    );
  }
  const a = order.amounts || {};
  const p = order.payment || {};
  const le = order.line_edits;
  return (
    <section class="card money">
      <div class="grid2">
        <div>
          <h2>{t('order.amounts')}</h2>
          <Dl
            rows={[
              [t('order.amount_items'), money(a.items)],
              [t('order.amount_shipping'), money(a.shipping)],
              [t('order.amount_discounts'), a.discounts ? '−' + money(a.discounts) : money(0)],
              [t('order.amount_total'), <strong class="amount-total">{money(a.total)}</strong>],
            ]}
          />
          {(order.discounts || []).length > 0 && (
            <div class="muted small">
              {order.discounts.map((d) => `${d.code} −${money(d.amount)}`).join('，')}
            </div>
          )}
          {le && (le.to_collect || le.to_refund) ? (
            <div class="muted small">
              {t('order.refunds_due', { collect: money(le.to_collect), refund: money(le.to_refund) })}
            </div>
          ) : null}
        </div>
        <div>
          <h2>{t('order.payment')}</h2>
          <Dl
            rows={[
              [t('order.pay_status'), tCode('order.pay', p.status)],
              [t('order.pay_method'), p.method],
              [t('order.pay_tx'), p.transaction_id && <span class="mono">{p.transaction_id}</span>],
              [t('order.pay_amount'), p.amount !== undefined ? money(p.amount) : ''],
              [t('order.pay_at'), formatTime(p.paid_at)],
              [t('order.pay_expires'), formatTime(order.payment_expires_at)],
            ]}
          />
        </div>
      </div>
    </section>
  );
}

function Allocation({ order, res }) {
  useLang();
  const alloc = res && res.data;
  const reservations = (alloc && alloc.reservations) || order.reservations || [];
  if (res && res.error && res.error.status !== 403 && res.error.status !== 404) return <ErrorBox error={res.error} />;
  return (
    <section class="card allocation">
      <h2>{t('order.allocation')}</h2>
      {reservations.length === 0 ? (
        <p class="muted">{t('order.no_reservations')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('order.sku')}</th>
              <th>{t('order.warehouse')}</th>
              <th class="num">{t('order.qty')}</th>
            </tr>
          </thead>
          <tbody>
            {reservations.map((r, i) => (
              <tr key={i}>
                <td class="mono">{r.sku}</td>
                <td>{r.warehouse}</td>
                <td class="num">{r.qty}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {alloc && (
        <div class="alloc-decision">
          <h3>{t('order.alloc_reason')}</h3>
          <p class="alloc-reason">{alloc.reason}</p>
          <p class="muted small">
            {t('order.alloc_policy')}: {tCode('alloc.policy', alloc.policy)} · {t('order.alloc_outcome')}:{' '}
            {tCode('alloc.outcome', alloc.outcome)} · {t('order.alloc_cause')}: {tCode('alloc.cause', alloc.cause)} ·{' '}
            {alloc.decided_by} {formatTime(alloc.decided_at)}
          </p>
          {(alloc.candidates || []).length > 0 && (
            <table class="candidates">
              <thead>
                <tr>
                  <th class="num">{t('order.rank')}</th>
                  <th>{t('order.warehouse')}</th>
                  <th>{t('order.note')}</th>
                </tr>
              </thead>
              <tbody>
                {alloc.candidates.map((c) => (
                  <tr key={c.warehouse} class={c.chosen ? 'chosen' : ''}>
                    <td class="num">{c.rank}</td>
                    <td>
                      {c.warehouse} {c.chosen && <span class="badge badge-approved">{t('order.chosen')}</span>}
                    </td>
                    <td class="small">{c.note}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}

function Exceptions({ order }) {
  useLang();
  const list = order.exceptions || [];
  if (list.length === 0) return null;
  return (
    <section class="card exceptions">
      <h2>{t('order.exceptions')}</h2>
      <ul class="plain">
        {list.map((e) => (
          <li key={e.id} data-exception={e.code}>
            <span class={'badge flag-' + e.severity}>{tCode('exc', e.code)}</span>{' '}
            <span class="badge">{tCode('exc.status', e.status)}</span> {e.message}{' '}
            <span class="muted small">{formatTime(e.created_at)}</span>
            {e.note && <div class="muted small">{e.note}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Tracking({ parcels, tracking }) {
  useLang();
  const p = parcels && !parcels.error ? parcels.data : null;
  const tr = tracking && !tracking.error ? tracking.data : null;
  if (!p && !tr) return null;
  const byId = {};
  for (const x of (tr && tr.parcels) || []) byId[x.id] = x;
  const list = (p && p.items) || (tr && tr.parcels) || [];
  return (
    <section class="card parcels">
      <h2>
        {t('order.parcels')}
        {tr && tr.milestone && <span class="badge"> {tCode('milestone', tr.milestone)}</span>}
      </h2>
      {list.length === 0 && <p class="muted">{t('order.no_parcels')}</p>}
      {list.map((parcel) => {
        const tk = byId[parcel.id] || parcel;
        const events = tk.events || [];
        return (
          <div key={parcel.id} class="parcel" data-parcel={parcel.id}>
            <div class="row">
              <strong>
                {t('order.parcel')} {parcel.id}
              </strong>
              <span>{parcel.carrier || tk.carrier}</span>
              <span class="mono">{parcel.tracking_no || tk.tracking_no}</span>
              {parcel.status && <span class="badge">{tCode('parcel.status', parcel.status)}</span>}
              {tk.milestone && <span class="badge">{tCode('milestone', tk.milestone)}</span>}
              <span class="muted small">
                {tk.shipped_at && t('order.shipped_at') + ' ' + formatTime(tk.shipped_at)}
                {tk.promised_by && ' · ' + t('order.promised_by') + ' ' + formatTime(tk.promised_by)}
              </span>
            </div>
            {(parcel.items || []).length > 0 && (
              <div class="muted small">{parcel.items.map((i) => `${i.sku}×${i.qty}`).join('，')}</div>
            )}
            {events.length > 0 && (
              <ol class="tracking-events">
                {events.map((ev, i) => (
                  <li key={i}>
                    <span class="muted small">{formatTime(ev.time)}</span> {ev.context}{' '}
                    {ev.milestone && <span class="badge">{tCode('milestone', ev.milestone)}</span>}
                  </li>
                ))}
              </ol>
            )}
          </div>
        );
      })}
    </section>
  );
}

function AfterSales({ res }) {
  useLang();
  if (!res || !res.data || (res.data.items || []).length === 0) return null;
  return (
    <section class="card after-sales">
      <h2>{t('order.after_sales')}</h2>
      <table>
        <thead>
          <tr>
            <th>#</th>
            <th>{t('order.as_type')}</th>
            <th>{t('order.as_status')}</th>
            <th>{t('order.as_reason')}</th>
            <th>{t('order.as_deadline')}</th>
          </tr>
        </thead>
        <tbody>
          {res.data.items.map((a) => (
            <tr key={a.id} data-ticket={a.id}>
              <td>{a.id}</td>
              <td>{tCode('as.type', a.type)}</td>
              <td>
                <span class={'badge' + (a.overdue ? ' flag-red' : '')}>{tCode('as.status', a.status)}</span>
              </td>
              <td>{a.reason}</td>
              <td class="small">{formatTime(a.deadline)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Timeline({ res }) {
  useLang();
  if (!res || res.error || !res.data) return null;
  return (
    <section class="card timeline">
      <h2>{t('order.timeline')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('order.when')}</th>
            <th>{t('order.what')}</th>
            <th>{t('order.actor')}</th>
            <th>{t('order.note')}</th>
          </tr>
        </thead>
        <tbody>
          {res.data.map((e, i) => (
            <tr key={i} data-event={e.type}>
              <td class="small nowrap">{formatTime(e.at)}</td>
              <td>
                {tCode('event', e.type)}
                {(e.from || e.to) && (
                  <span class="transition">
                    {' '}
                    {e.from && <StatusBadge status={e.from} />}
                    {e.from && ' → '}
                    {e.to && <StatusBadge status={e.to} />}
                  </span>
                )}
              </td>
              <td>{e.actor}</td>
              <td class="small event-reason">{e.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function OrderDetail({ params, session }) {
  useLang();
  const no = params.no;
  const role = session.role;
  const base = '/orders/' + enc(no);
  const order = useApi(base);
  const events = useApi(base + '/events');
  const allocation = useSection(role, 'allocation', base + '/allocation');
  const parcels = useSection(role, 'parcels', base + '/parcels');
  const tracking = useSection(role, 'tracking', base + '/tracking');
  const afterSales = useSection(role, 'afterSales', '/after-sales', { order_no: no });
  const o = order.data;
  return (
    <div class="ox order-detail" data-order={no}>
      <p>
        <a href="#/orders" onClick={(e) => history.length > 1 && (e.preventDefault(), history.back())}>
          {t('order.back')}
        </a>
      </p>
      <h1>
        {t('order.title', { no })} {o && <StatusBadge status={o.status} />} {o && <ChannelBadge channel={o.channel} />}
      </h1>
      <Loading when={order.loading && !o} />
      {order.error && order.error.status === 404 ? (
        <p class="empty">{t('order.not_found')}</p>
      ) : (
        <ErrorBox error={order.error} />
      )}
      {o && (
        <div class="order-body">
          {o.remark && o.remark.trim() && (
            <div class="remark order-remark">
              <span class="remark-label">{t('order.remark')}：</span>
              {o.remark}
            </div>
          )}
          <div class="grid2">
            <section class="card summary">
              <h2>{t('order.summary')}</h2>
              <Dl
                rows={[
                  [t('order.external_id'), <span class="mono">{o.external_id}</span>],
                  [t('order.placed_at'), formatTime(o.placed_at)],
                  [t('order.created_at'), formatTime(o.created_at)],
                  [t('order.updated_at'), formatTime(o.updated_at)],
                  [t('order.delivery_date'), o.requested_delivery_date],
                  [t('order.splittable'), o.splittable ? t('order.yes') : t('order.no')],
                  [t('order.carrier'), o.carrier],
                ]}
              />
            </section>
            <section class="card buyer">
              <h2>{t('order.buyer')}</h2>
              <Dl
                rows={[
                  [t('order.recipient'), o.buyer && o.buyer.name],
                  [t('order.phone'), o.buyer && o.buyer.phone],
                  [t('order.email'), o.buyer && o.buyer.email],
                  [t('order.address'), <span class="address">{addressLine(o.address)}</span>],
                  [t('order.postal_code'), o.address && o.address.postal_code],
                ]}
              />
            </section>
          </div>
          <section class="card">
            <h2>{t('order.items')}</h2>
            <Items order={o} />
          </section>
          <Money order={o} />
          <Allocation order={o} res={allocation} />
          {(o.holds || []).length > 0 || o.review ? (
            <section class="card review-block">
              <h2>{t('order.review')}</h2>
              <HoldList order={o} />
              <ReviewSummary review={o.review} />
              {o.status === 'pending_review' && MAY.review.includes(role) && (
                <p>
                  <a href="#/review">{t('order.to_review')}</a>
                </p>
              )}
            </section>
          ) : null}
          <Exceptions order={o} />
          <Tracking parcels={parcels} tracking={tracking} />
          <AfterSales res={afterSales} />
          <Timeline res={events} />
        </div>
      )}
    </div>
  );
}
