// Inventory (admin, warehouse, reviewer): stock per SKU and warehouse with what is below its
// safety stock flagged, and the stock reports: low stock, near-expiry lots, slow movers.
import { useState } from 'preact/hooks';
import { enc } from '../api.js';
import { formatTime, register, t, useLang } from '../i18n.js';
import { Loading, Pager, usePaged, useApi } from '../ui/components.jsx';
import { navigate, queryOf } from '../router.js';
import { AdminError, Tabs } from './admin_common.jsx';

register({
  'inv.title': ['库存', 'Inventory'],
  'inv.tab.stock': ['库存查询', 'Stock'],
  'inv.tab.low': ['低库存', 'Low stock'],
  'inv.tab.expiry': ['临期批次', 'Near-expiry lots'],
  'inv.tab.slow': ['滞销商品', 'Slow movers'],
  'inv.sku': ['SKU', 'SKU'],
  'inv.name': ['商品', 'Product'],
  'inv.warehouse': ['仓库', 'Warehouse'],
  'inv.bin': ['库位', 'Bin'],
  'inv.on_hand': ['在库', 'On hand'],
  'inv.reserved': ['已预占', 'Reserved'],
  'inv.available': ['可用', 'Available'],
  'inv.safety_stock': ['安全库存', 'Safety stock'],
  'inv.flag': ['提示', 'Flag'],
  'inv.low': ['低于安全库存', 'Below safety stock'],
  'inv.ok': ['正常', 'OK'],
  'inv.low_only': ['只看低库存', 'Low stock only'],
  'inv.search_sku': ['SKU', 'SKU'],
  'inv.low_intro': ['可用数量（在库 − 预占）低于安全库存的仓库与 SKU。', 'Every warehouse and SKU whose available units (on hand − reserved) are below the safety stock.'],
  'inv.low_none': ['没有低于安全库存的商品', 'Nothing is below its safety stock'],
  'inv.short_by': ['差 {n}', 'short {n}'],
  'inv.days': ['天数', 'Days'],
  'inv.expiry_intro': ['{days} 天内到期的批次（截至 {as_of}）。不可拣：剩余保质期短于该商品要求，拣货不会取用。', 'Lots expiring within {days} days (as of {as_of}). Not pickable: less shelf life left than the SKU requires, so picking never takes it.'],
  'inv.lot': ['批次', 'Lot'],
  'inv.expires_on': ['到期日', 'Expires'],
  'inv.days_left': ['剩余天数', 'Days left'],
  'inv.shelf_life_days': ['出库最少保质期（天）', 'Shelf life needed (days)'],
  'inv.pickable': ['可拣', 'Pickable'],
  'inv.not_pickable': ['不可拣', 'Not pickable'],
  'inv.expired': ['已过期', 'Expired'],
  'inv.expiry_none': ['这段时间内没有到期的批次', 'No lot expires in this period'],
  'inv.slow_intro': ['自 {since} 以来没有下单（已取消的除外）但仍有库存的商品，最久未售在前。', 'SKUs with units on hand and no order (other than a cancelled one) since {since}, longest unsold first.'],
  'inv.last_sold_at': ['最近售出', 'Last sold'],
  'inv.never_sold': ['从未售出', 'never sold'],
  'inv.slow_none': ['没有滞销商品', 'No slow movers'],
  'inv.show': ['查看', 'Show'],
  'inv.all_warehouses': ['全部仓库', 'All warehouses'],
});

const TABS = [
  { key: 'stock', href: '/inventory/stock', label: 'inv.tab.stock' },
  { key: 'low', href: '/inventory/low', label: 'inv.tab.low', reports: true },
  { key: 'expiry', href: '/inventory/expiry', label: 'inv.tab.expiry', reports: true },
  { key: 'slow', href: '/inventory/slow', label: 'inv.tab.slow', reports: true },
];

// The stock reports are the admin's, the warehouse's and finance's (src/http/permissions.c);
// a reviewer reads stock per SKU only.
const REPORT_ROLES = ['admin', 'warehouse', 'finance'];

function isLow(row) {
  if (typeof row.low === 'boolean') return row.low;
  return Number(row.available) < Number(row.safety_stock);
}

function LowFlag({ row }) {
  useLang();
  return isLow(row) ? (
    <span class="badge badge-red inv-flag" data-low="true">
      {t('inv.low')}
    </span>
  ) : (
    <span class="badge badge-delivered inv-flag" data-low="false">
      {t('inv.ok')}
    </span>
  );
}

function StockTable({ rows, showName }) {
  useLang();
  return (
    <div class="inv-scroll">
      <table class="inv-table inv-stock-table">
        <thead>
          <tr>
            <th>{t('inv.sku')}</th>
            {showName && <th class="inv-hide">{t('inv.name')}</th>}
            <th>{t('inv.warehouse')}</th>
            <th class="inv-hide">{t('inv.bin')}</th>
            <th class="num inv-hide">{t('inv.on_hand')}</th>
            <th class="num inv-hide">{t('inv.reserved')}</th>
            <th class="num">{t('inv.available')}</th>
            <th class="num">{t('inv.safety_stock')}</th>
            <th>{t('inv.flag')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.sku + '@' + r.warehouse} class={isLow(r) ? 'inv-low' : ''} data-sku={r.sku} data-warehouse={r.warehouse}>
              <td>
                <code>{r.sku}</code>
              </td>
              {showName && <td class="inv-hide">{r.name}</td>}
              <td>{r.warehouse}</td>
              <td class="inv-hide">{r.bin}</td>
              <td class="num inv-hide">{r.on_hand}</td>
              <td class="num inv-hide">{r.reserved}</td>
              <td class="num">
                <strong>{r.available}</strong>
              </td>
              <td class="num">{r.safety_stock}</td>
              <td>
                <LowFlag row={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// The server lists stock: filters and cursor paging.
function StockList({ query }) {
  useLang();
  const filters = { sku: query.get('sku') || '', warehouse: query.get('warehouse') || '', low: query.get('low') === 'true' ? 'true' : '' };
  const [form, setForm] = useState(filters);
  const paged = usePaged('/stock', { ...filters, limit: 50 });
  const apply = (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (v) q.set(k, String(v).trim());
    navigate('/inventory/stock' + (q.toString() ? '?' + q : ''));
  };
  return (
    <div class="inv-stock" data-mode="list">
      <form class="toolbar inv-filters" onSubmit={apply}>
        <input name="sku" placeholder={t('inv.search_sku')} value={form.sku} onInput={(e) => setForm({ ...form, sku: e.currentTarget.value })} />
        <input name="warehouse" placeholder={t('inv.all_warehouses')} value={form.warehouse} onInput={(e) => setForm({ ...form, warehouse: e.currentTarget.value })} />
        <label class="adm-check">
          <input type="checkbox" name="low" checked={form.low === 'true'} onChange={(e) => setForm({ ...form, low: e.currentTarget.checked ? 'true' : '' })} />
          {t('inv.low_only')}
        </label>
        <button type="submit" class="primary">
          {t('action.search')}
        </button>
      </form>
      <AdminError error={paged.error} />
      {paged.items.length > 0 && <StockTable rows={paged.items} showName={paged.items.some((r) => r.name)} />}
      {!paged.loading && !paged.error && paged.items.length === 0 && <div class="empty">{t('common.empty')}</div>}
      <Loading when={paged.loading} />
      <Pager paged={paged} />
    </div>
  );
}

function StockTab({ query }) {
  return <StockList query={query} />;
}

function LowTab() {
  useLang();
  const r = useApi('/reports/low-stock');
  const items = (r.data && r.data.items) || [];
  return (
    <div class="inv-lowstock">
      <p class="muted">{t('inv.low_intro')}</p>
      <AdminError error={r.error} />
      <Loading when={r.loading && !r.data} />
      {r.data && items.length === 0 && <div class="empty">{t('inv.low_none')}</div>}
      {items.length > 0 && (
        <div class="inv-scroll">
          <table class="inv-table inv-low-table">
            <thead>
              <tr>
                <th>{t('inv.sku')}</th>
                <th class="inv-hide">{t('inv.name')}</th>
                <th>{t('inv.warehouse')}</th>
                <th class="num inv-hide">{t('inv.on_hand')}</th>
                <th class="num inv-hide">{t('inv.reserved')}</th>
                <th class="num">{t('inv.available')}</th>
                <th class="num">{t('inv.safety_stock')}</th>
                <th>{t('inv.flag')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((x) => (
                <tr key={x.sku + '@' + x.warehouse} class="inv-low" data-sku={x.sku} data-warehouse={x.warehouse}>
                  <td>
                    <a href={'#/inventory/stock?sku=' + enc(x.sku)}>
                      <code>{x.sku}</code>
                    </a>
                  </td>
                  <td class="inv-hide">{x.name}</td>
                  <td>{x.warehouse}</td>
                  <td class="num inv-hide">{x.on_hand}</td>
                  <td class="num inv-hide">{x.reserved}</td>
                  <td class="num">
                    <strong>{x.available}</strong>
                  </td>
                  <td class="num">{x.safety_stock}</td>
                  <td>
                    <span class="badge badge-red inv-flag" data-low="true">
                      {t('inv.short_by', { n: x.safety_stock - x.available })}
                    </span>
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

function DaysForm({ query, base, def, extra }) {
  useLang();
  const [days, setDays] = useState(query.get('days') || String(def));
  const [warehouse, setWarehouse] = useState(query.get('warehouse') || '');
  const submit = (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams({ days: days.trim() });
    if (extra && warehouse.trim()) q.set('warehouse', warehouse.trim());
    navigate(base + '?' + q);
  };
  return (
    <form class="toolbar inv-filters" onSubmit={submit}>
      <label class="adm-check">
        {t('inv.days')}
        <input name="days" class="adm-num" inputMode="numeric" value={days} onInput={(e) => setDays(e.currentTarget.value)} />
      </label>
      {extra && (
        <input name="warehouse" placeholder={t('inv.all_warehouses')} value={warehouse} onInput={(e) => setWarehouse(e.currentTarget.value)} />
      )}
      <button type="submit" class="primary">
        {t('inv.show')}
      </button>
    </form>
  );
}

function ExpiryTab({ query }) {
  useLang();
  const days = query.get('days') || '30';
  const warehouse = query.get('warehouse') || '';
  const r = useApi('/reports/near-expiry', { days, warehouse });
  const lots = (r.data && r.data.lots) || [];
  return (
    <div class="inv-expiry">
      <DaysForm query={query} base="/inventory/expiry" def={30} extra />
      {r.data && <p class="muted">{t('inv.expiry_intro', { days: r.data.days, as_of: r.data.as_of })}</p>}
      <AdminError error={r.error} />
      <Loading when={r.loading && !r.data} />
      {r.data && lots.length === 0 && <div class="empty">{t('inv.expiry_none')}</div>}
      {lots.length > 0 && (
        <div class="inv-scroll">
          <table class="inv-table inv-expiry-table">
            <thead>
              <tr>
                <th>{t('inv.sku')}</th>
                <th class="inv-hide">{t('inv.name')}</th>
                <th>{t('inv.warehouse')}</th>
                <th>{t('inv.lot')}</th>
                <th>{t('inv.expires_on')}</th>
                <th class="num">{t('inv.days_left')}</th>
                <th class="num inv-hide">{t('inv.on_hand')}</th>
                <th class="num inv-hide">{t('inv.shelf_life_days')}</th>
                <th>{t('inv.flag')}</th>
              </tr>
            </thead>
            <tbody>
              {lots.map((l) => (
                <tr key={l.warehouse + l.sku + l.lot} data-sku={l.sku} data-lot={l.lot} class={l.pickable ? '' : 'inv-low'}>
                  <td>
                    <code>{l.sku}</code>
                  </td>
                  <td class="inv-hide">{l.name}</td>
                  <td>{l.warehouse}</td>
                  <td>
                    <code>{l.lot}</code>
                  </td>
                  <td>{l.expires_on}</td>
                  <td class="num">
                    <strong>{l.days_left}</strong>
                  </td>
                  <td class="num inv-hide">{l.on_hand}</td>
                  <td class="num inv-hide">{l.shelf_life_days}</td>
                  <td>
                    {l.days_left < 0 ? (
                      <span class="badge badge-red inv-flag">{t('inv.expired')}</span>
                    ) : l.pickable ? (
                      <span class="badge badge-yellow inv-flag">{t('inv.pickable')}</span>
                    ) : (
                      <span class="badge badge-red inv-flag">{t('inv.not_pickable')}</span>
                    )}
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

function SlowTab({ query }) {
  useLang();
  const days = query.get('days') || '30';
  const r = useApi('/reports/slow-movers', { days });
  const items = (r.data && r.data.items) || [];
  return (
    <div class="inv-slow">
      <DaysForm query={query} base="/inventory/slow" def={30} />
      {r.data && <p class="muted">{t('inv.slow_intro', { since: formatTime(r.data.since) })}</p>}
      <AdminError error={r.error} />
      <Loading when={r.loading && !r.data} />
      {r.data && items.length === 0 && <div class="empty">{t('inv.slow_none')}</div>}
      {items.length > 0 && (
        <table class="inv-table inv-slow-table">
          <thead>
            <tr>
              <th>{t('inv.sku')}</th>
              <th>{t('inv.name')}</th>
              <th class="num">{t('inv.on_hand')}</th>
              <th>{t('inv.last_sold_at')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((x) => (
              <tr key={x.sku} data-sku={x.sku}>
                <td>
                  <a href={'#/inventory/stock?sku=' + enc(x.sku)}>
                    <code>{x.sku}</code>
                  </a>
                </td>
                <td>{x.name}</td>
                <td class="num">{x.on_hand}</td>
                <td>{x.last_sold_at ? formatTime(x.last_sold_at) : <span class="muted">{t('inv.never_sold')}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function InventoryScreen({ session, params, path }) {
  useLang();
  const reports = REPORT_ROLES.includes(session.role);
  const tabs = TABS.filter((x) => reports || !x.reports);
  const tab = tabs.some((x) => x.key === params.tab) ? params.tab : 'stock';
  const query = queryOf(path);
  return (
    <div class="inventory" data-tab={tab}>
      <h1>{t('inv.title')}</h1>
      <Tabs tabs={tabs} current={tab} />
      {tab === 'stock' && <StockTab query={query} />}
      {tab === 'low' && <LowTab />}
      {tab === 'expiry' && <ExpiryTab key={path} query={query} />}
      {tab === 'slow' && <SlowTab key={path} query={query} />}
    </div>
  );
}
