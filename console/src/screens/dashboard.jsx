// The managers' dashboard (看板): orders per status right now, intake per minute, time per
// stage against its SLA with the breaches, error rates per stage and the peak hour against
// the warehouse's shown capacity, all from GET /v1/stats/dashboard. Live over the event
// stream: a new order bumps its status and the current minute at once, and any order event
// re-reads the figures (at most every 2 s). The warehouse, which may not read the stream,
// gets the figures every 15 s instead.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { get } from '../api.js';
import { register, t, tCode, useLang } from '../i18n.js';
import { useLiveEvent, useLiveState } from '../live.js';
import { navigate, queryOf } from '../router.js';
import { ErrorBox, Loading, StatusBadge } from '../ui/components.jsx';
import { duration, percent } from '../ui/format.js';
import './dashboard.css';

register({
  'dash.title': ['看板', 'Dashboard'],
  'dash.window': ['时间窗口', 'Window'],
  'dash.win.15': ['15 分钟', '15 min'],
  'dash.win.60': ['1 小时', '1 hour'],
  'dash.win.240': ['4 小时', '4 hours'],
  'dash.win.1440': ['24 小时', '24 hours'],
  'dash.as_of': ['截至 {at}', 'As of {at}'],
  'dash.polling': ['每 15 秒刷新', 'Refreshed every 15 s'],
  'dash.status_now': ['当前各状态订单', 'Orders per status right now'],
  'dash.total': ['合计', 'Total'],
  'dash.exceptions': ['未处理异常', 'Open exceptions'],
  'dash.exc_red': ['红色 {n}', '{n} red'],
  'dash.intake': ['每分钟进单', 'Intake per minute'],
  'dash.intake_total': ['窗口内 {n} 单', '{n} in the window'],
  'dash.intake_avg': ['平均 {n} 单/分钟', 'avg {n}/min'],
  'dash.intake_now': ['本分钟 {n} 单', '{n} this minute'],
  'dash.orders': ['订单', 'Orders'],
  'dash.stages': ['各环节用时与时效', 'Time per stage against the SLA'],
  'dash.stages_note': ['窗口内完成该环节的订单；条形：平均（深）与 P90（浅），竖线为时效', 'Orders that finished the stage in the window; bars: average (dark) and p90 (light), the line is the SLA'],
  'dash.col.stage': ['环节', 'Stage'],
  'dash.col.done': ['完成', 'Done'],
  'dash.col.avg': ['平均', 'Average'],
  'dash.col.p90': ['P90', 'p90'],
  'dash.col.sla': ['时效', 'SLA'],
  'dash.col.breaches': ['超时', 'Breaches'],
  'dash.col.vs_sla': ['对比时效', 'Against the SLA'],
  'dash.col.measure': ['指标', 'Measure'],
  'dash.col.errors': ['差错', 'Errors'],
  'dash.col.out_of': ['基数', 'Out of'],
  'dash.col.rate': ['差错率', 'Rate'],
  'dash.errors': ['各环节差错率', 'Error rates per stage'],
  'dash.errors_scale': ['刻度 0–{max}', 'scale 0–{max}'],
  'dash.peak': ['高峰与产能', 'Peak and capacity'],
  'dash.busiest': ['近 7 天最忙的一小时', 'Busiest hour (7 days)'],
  'dash.current_hour': ['本小时进单', 'Orders this hour'],
  'dash.capacity': ['产能（一小时最多发货）', 'Capacity (most shipped in an hour)'],
  'dash.load': ['本小时占产能', 'This hour against capacity'],
  'dash.no_capacity': ['近 7 天没有发货', 'Nothing shipped in 7 days'],
  'dash.no_orders': ['近 7 天没有订单', 'No orders in 7 days'],
  'dash.orders_n': ['{n} 单', '{n} orders'],
  'dash.per_hour': ['{n} 单/小时', '{n} an hour'],
  'dash.near_capacity': ['接近产能', 'Near capacity'],
  'dash.over_capacity': ['超出产能', 'Above capacity'],

  'dash.stage.review': ['审核', 'Review'],
  'dash.stage.allocation': ['分配波次', 'Allocation'],
  'dash.stage.picking': ['拣货', 'Picking'],
  'dash.stage.packing': ['打包', 'Packing'],
  'dash.stage.shipping': ['发货', 'Shipping'],
  'dash.stage.delivery': ['配送', 'Delivery'],
  'dash.stage.scanning': ['扫描', 'Scanning'],
  'dash.stage.logistics': ['物流', 'Logistics'],
  'dash.stage.after_sales': ['售后', 'After-sales'],
  'dash.measure.review_rejects': ['审核拒单', 'Review rejects'],
  'dash.measure.short_picks': ['拣货短缺', 'Short picks'],
  'dash.measure.scan_mismatches': ['扫描不符', 'Scan mismatches'],
  'dash.measure.logistics_exceptions': ['物流异常', 'Logistics exceptions'],
  'dash.measure.after_sales_tickets': ['售后工单', 'After-sales tickets'],
  'dash.base.review_rejects': ['已审订单', 'orders reviewed'],
  'dash.base.short_picks': ['拣货行', 'pick lines'],
  'dash.base.scan_mismatches': ['扫描次数', 'scans'],
  'dash.base.logistics_exceptions': ['已发包裹', 'parcels shipped'],
  'dash.base.after_sales_tickets': ['已签收订单', 'orders delivered'],
});

export const STATUSES = [
  'pending_payment', 'pending_review', 'approved', 'picking', 'packed', 'partially_shipped',
  'shipped', 'out_for_delivery', 'delivered', 'completed', 'cancelled',
];
const WINDOWS = [15, 60, 240, 1440];
const EXCEPTION_ROLES = ['admin', 'reviewer', 'customer_service'];
const ORDER_EVENTS = [
  'order.status_changed', 'order.exception', 'order.picked', 'order.parcel', 'order.after_sales',
  'order.logistics_case_opened', 'order.allocation', 'order.hold',
];
const REFETCH_MS = 2000;
const POLL_MS = 15000;

const pad = (n) => String(n).padStart(2, '0');
// A clock hour in the browser's time: "11-23 14:00–15:00".
function hourLabel(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const e = new Date(d.getTime() + 3600 * 1000);
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:00–${pad(e.getHours())}:00`;
}

function clockTime(iso) {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// A new order seen on the stream, applied to the figures before the server is asked again.
export function bumpForNewOrder(data, msg) {
  if (!data) return data;
  const status = (msg.data && msg.data.to) || 'pending_review';
  const by = { ...data.orders_by_status, [status]: (data.orders_by_status[status] || 0) + 1 };
  const at = new Date(msg.created_at || Date.now());
  const minute = Math.floor(at.getTime() / 60000) * 60000;
  let intake = data.intake_per_minute.slice();
  const i = intake.findIndex((b) => Date.parse(b.minute) === minute);
  if (i >= 0) intake[i] = { ...intake[i], count: intake[i].count + 1 };
  else if (intake.length && minute > Date.parse(intake[intake.length - 1].minute))
    intake = intake.slice(1).concat([{ minute: new Date(minute).toISOString(), count: 1 }]);
  const peak = data.peak && { ...data.peak };
  if (peak && peak.current_hour_start && Math.floor(minute / 3600000) * 3600000 === Date.parse(peak.current_hour_start))
    peak.current_hour_orders += 1;
  return { ...data, orders_by_status: by, intake_per_minute: intake, peak };
}

export function Dashboard({ session, path }) {
  useLang();
  const q = queryOf(path || '');
  const win = WINDOWS.includes(Number(q.get('window'))) ? Number(q.get('window')) : 60;
  const canStream = session.role !== 'warehouse';
  const canExceptions = EXCEPTION_ROLES.includes(session.role);
  const [state, setState] = useState({ data: null, error: null });
  const [exc, setExc] = useState(null);
  const seq = useRef(0);
  const last = useRef(0);
  const timer = useRef(null);

  const load = useCallback(() => {
    const mine = ++seq.current;
    last.current = Date.now();
    get('/stats/dashboard', { window_minutes: win }).then(
      (data) => mine === seq.current && setState({ data, error: null }),
      (error) => mine === seq.current && setState((s) => ({ data: s.data, error })),
    );
    if (canExceptions) get('/exceptions/summary').then(setExc, () => setExc(null));
  }, [win, canExceptions]);

  useEffect(() => {
    setState({ data: null, error: null });
    load();
  }, [load]);

  // Re-read at most every REFETCH_MS however many events come.
  const soon = useCallback(() => {
    if (timer.current) return;
    const wait = Math.max(250, REFETCH_MS - (Date.now() - last.current));
    timer.current = setTimeout(() => {
      timer.current = null;
      load();
    }, wait);
  }, [load]);
  useEffect(() => () => timer.current && clearTimeout(timer.current), []);

  const onCreated = useCallback(
    (msg) => {
      setState((s) => ({ ...s, data: bumpForNewOrder(s.data, msg) }));
      soon();
    },
    [soon],
  );

  const data = state.data;
  return (
    <div class="dash">
      <div class="dash-head">
        <h1>{t('dash.title')}</h1>
        {canStream ? <LiveFeed onCreated={onCreated} onEvent={soon} load={load} /> : <Poller load={load} />}
        {data && <span class="muted dash-at">{t('dash.as_of', { at: clockTime(data.at) })}</span>}
        <div class="dash-windows" role="group" aria-label={t('dash.window')}>
          <span class="muted">{t('dash.window')}</span>
          {WINDOWS.map((w) => (
            <button
              key={w}
              data-window={w}
              class={w === win ? 'active' : ''}
              aria-pressed={w === win}
              onClick={() => navigate('/dashboard' + (w === 60 ? '' : '?window=' + w))}
            >
              {t('dash.win.' + w)}
            </button>
          ))}
        </div>
        <button class="dash-refresh" onClick={load}>
          {t('action.refresh')}
        </button>
      </div>
      <ErrorBox error={state.error} />
      <Loading when={!data && !state.error} />
      {data && (
        <>
          <StatusCards data={data} exc={canExceptions ? exc : null} />
          <div class="dash-row">
            <IntakeCard data={data} />
            <PeakCard peak={data.peak} />
          </div>
          <div class="dash-row dash-row-even">
            <StagesCard stages={data.stages} />
            <ErrorsCard rates={data.error_rates} />
          </div>
        </>
      )}
    </div>
  );
}

function LiveFeed({ onCreated, onEvent, load }) {
  const live = useLiveState();
  useLiveEvent('order.created', onCreated);
  for (const type of ORDER_EVENTS) useLiveEvent(type, onEvent); // a fixed list: same hooks each render
  // While the stream is down (it reconnects by itself), the figures are polled.
  useEffect(() => {
    if (live) return undefined;
    const id = setInterval(load, POLL_MS);
    return () => clearInterval(id);
  }, [live, load]);
  return (
    <span class={'dash-live ' + (live ? 'on' : 'off')} data-live={live ? 'on' : 'off'}>
      {live ? t('app.live') : t('app.offline')}
    </span>
  );
}

function Poller({ load }) {
  useEffect(() => {
    const id = setInterval(load, POLL_MS);
    return () => clearInterval(id);
  }, [load]);
  return <span class="dash-live poll" data-live="poll">{t('dash.polling')}</span>;
}

function StatusCards({ data, exc }) {
  const by = data.orders_by_status || {};
  const total = Object.values(by).reduce((a, b) => a + b, 0);
  return (
    <section class="dash-statuses" aria-label={t('dash.status_now')}>
      {STATUSES.map((s) => (
        <a
          key={s}
          href={'#/orders?status=' + s}
          class={'dash-status' + (s === 'pending_review' ? ' hot' : '') + (by[s] ? '' : ' zero')}
          data-status={s}
          data-count={by[s] || 0}
        >
          <StatusBadge status={s} />
          <span class="dash-count">{by[s] || 0}</span>
        </a>
      ))}
      <div class="dash-status dash-total" data-count={total}>
        <span class="muted">{t('dash.total')}</span>
        <span class="dash-count">{total}</span>
      </div>
      {exc && (
        <a href="#/exceptions" class="dash-status dash-exc" data-status="exceptions" data-count={exc.open}>
          <span class="badge badge-red">{t('dash.exceptions')}</span>
          <span class="dash-count">{exc.open}</span>
          {exc.red > 0 && <span class="dash-exc-red">{t('dash.exc_red', { n: exc.red })}</span>}
        </a>
      )}
    </section>
  );
}

// uPlot in a container that follows the container's width; data replaced in place.
function Chart({ opts, data, height = 200, class: cls }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    const el = box.current;
    plot.current = new uPlot({ ...opts, width: Math.max(200, el.clientWidth), height }, data, el);
    const ro = new ResizeObserver(() => {
      if (plot.current && el.clientWidth > 0) plot.current.setSize({ width: el.clientWidth, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current.destroy();
      plot.current = null;
    };
    // A new chart when its options change (the language); new data goes in with setData.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opts]);
  useEffect(() => {
    if (plot.current) plot.current.setData(data);
  }, [data]);
  return <div class={'dash-chart ' + (cls || '')} ref={box} />;
}

const BAR = 'rgb(31, 111, 235)';

function IntakeCard({ data }) {
  const lang = useLang();
  const buckets = data.intake_per_minute;
  const n = buckets.length;
  const total = buckets.reduce((a, b) => a + b.count, 0);
  const now = n ? buckets[n - 1].count : 0;
  const chartData = [buckets.map((b) => Date.parse(b.minute) / 1000), buckets.map((b) => b.count)];
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const opts = useIntakeOpts(lang, n);
  return (
    <section class="card dash-intake" data-total={total} data-now={now} data-buckets={n}>
      <div class="dash-card-head">
        <h2>{t('dash.intake')}</h2>
        <span class="dash-figs">
          <span>{t('dash.intake_total', { n: total })}</span>
          <span>{t('dash.intake_avg', { n: n ? (total / n).toFixed(1) : 0 })}</span>
          <strong class="dash-now">{t('dash.intake_now', { n: now })}</strong>
        </span>
      </div>
      <Chart opts={opts} data={chartData} height={210} class="dash-intake-chart" />
    </section>
  );
}

function useIntakeOpts(lang, n) {
  const ref = useRef({});
  const key = lang + ':' + n;
  if (ref.current.key !== key) {
    const size = n <= 60 ? 0.7 : 1;
    ref.current = {
      key,
      opts: {
        legend: { show: false },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        scales: {
          x: { time: true, range: (u, min, max) => [min - 30, max + 30] },
          y: { range: (u, min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] },
        },
        axes: [
          {
            stroke: '#6b7385',
            grid: { show: false },
            font: '11px system-ui, sans-serif',
            // 24-hour clock times in the browser's zone, in either language.
            values: (u, splits) => splits.map((v) => clockTime(v * 1000).slice(0, 5)),
          },
          {
            stroke: '#6b7385',
            grid: { stroke: '#eef0f4' },
            font: '11px system-ui, sans-serif',
            size: 36,
            incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
            values: (u, splits) => splits.map((v) => String(v)),
          },
        ],
        series: [
          {},
          {
            label: t('dash.orders'),
            fill: BAR,
            stroke: BAR,
            width: 0,
            points: { show: false },
            paths: uPlot.paths.bars({ size: [size, 40, 2], align: 0 }),
          },
        ],
      },
    };
  }
  return ref.current.opts;
}

function PeakCard({ peak }) {
  const cap = peak.capacity_per_hour;
  const load = cap ? peak.current_hour_orders / cap : null;
  const level = load === null ? '' : load >= 1 ? 'bad' : load >= 0.8 ? 'warn' : 'ok';
  return (
    <section class="card dash-peak" data-capacity={cap} data-current={peak.current_hour_orders}>
      <h2>{t('dash.peak')}</h2>
      <dl>
        <dt>{t('dash.busiest')}</dt>
        <dd data-field="busiest">
          {peak.busiest_hour_start ? (
            <>
              <strong>{t('dash.orders_n', { n: peak.orders_in_busiest_hour })}</strong>{' '}
              <span class="muted">{hourLabel(peak.busiest_hour_start)}</span>
            </>
          ) : (
            <span class="muted">{t('dash.no_orders')}</span>
          )}
        </dd>
        <dt>{t('dash.current_hour')}</dt>
        <dd data-field="current">
          <strong>{t('dash.orders_n', { n: peak.current_hour_orders })}</strong>{' '}
          <span class="muted">{hourLabel(peak.current_hour_start)}</span>
        </dd>
        <dt>{t('dash.capacity')}</dt>
        <dd data-field="capacity">
          {cap ? (
            <>
              <strong>{t('dash.per_hour', { n: cap })}</strong>{' '}
              <span class="muted">{hourLabel(peak.capacity_hour_start)}</span>
            </>
          ) : (
            <span class="muted">{t('dash.no_capacity')}</span>
          )}
        </dd>
      </dl>
      <div class="dash-load">
        <div class="dash-load-head">
          <span>{t('dash.load')}</span>
          <strong class={'dash-load-pct ' + level} data-field="load">
            {load === null ? '—' : percent(load, 0)}
          </strong>
          {level === 'warn' && <span class="badge badge-yellow">{t('dash.near_capacity')}</span>}
          {level === 'bad' && <span class="badge badge-red">{t('dash.over_capacity')}</span>}
        </div>
        <div class="dash-gauge">
          <div class={'dash-gauge-fill ' + level} style={{ width: load === null ? '0' : Math.min(100, load * 100) + '%' }} />
        </div>
      </div>
    </section>
  );
}

function StagesCard({ stages }) {
  return (
    <section class="card dash-stages">
      <h2>{t('dash.stages')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('dash.col.stage')}</th>
            <th class="num">{t('dash.col.done')}</th>
            <th class="num">{t('dash.col.avg')}</th>
            <th class="num">{t('dash.col.p90')}</th>
            <th class="num">{t('dash.col.sla')}</th>
            <th class="num">{t('dash.col.breaches')}</th>
            <th class="dash-bar-col">{t('dash.col.vs_sla')}</th>
          </tr>
        </thead>
        <tbody>
          {stages.map((s) => {
            const scale = Math.max(s.sla_seconds * 1.5, (s.p90_seconds || 0) * 1.05, 1);
            const w = (v) => Math.min(100, (100 * (v || 0)) / scale) + '%';
            return (
              <tr key={s.stage} data-stage={s.stage} data-count={s.count} data-breaches={s.breaches}>
                <td>{tCode('dash.stage', s.stage)}</td>
                <td class="num">{s.count}</td>
                <td class={'num' + (s.avg_seconds > s.sla_seconds ? ' dash-bad' : '')}>{s.count ? duration(s.avg_seconds) : '—'}</td>
                <td class={'num' + (s.p90_seconds > s.sla_seconds ? ' dash-bad' : '')}>{s.count ? duration(s.p90_seconds) : '—'}</td>
                <td class="num muted">{duration(s.sla_seconds)}</td>
                <td class={'num' + (s.breaches ? ' dash-bad dash-breach' : '')}>{s.breaches}</td>
                <td class="dash-bar-col">
                  <div class="dash-bullet">
                    {s.count > 0 && (
                      <>
                        <div class={'p90' + (s.p90_seconds > s.sla_seconds ? ' bad' : '')} style={{ width: w(s.p90_seconds) }} />
                        <div class={'avg' + (s.avg_seconds > s.sla_seconds ? ' bad' : '')} style={{ width: w(s.avg_seconds) }} />
                      </>
                    )}
                    <div class="sla" style={{ left: w(s.sla_seconds) }} />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p class="muted dash-note">{t('dash.stages_note')}</p>
    </section>
  );
}

function ErrorsCard({ rates }) {
  const top = Math.max(0.05, ...rates.map((r) => r.rate || 0));
  const scale = [0.05, 0.1, 0.2, 0.5, 1].find((s) => s >= top) || 1;
  return (
    <section class="card dash-errors">
      <h2>{t('dash.errors')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('dash.col.stage')}</th>
            <th>{t('dash.col.measure')}</th>
            <th class="num">{t('dash.col.errors')}</th>
            <th class="num">{t('dash.col.out_of')}</th>
            <th class="num">{t('dash.col.rate')}</th>
            <th class="dash-bar-col">{t('dash.errors_scale', { max: percent(scale, 0) })}</th>
          </tr>
        </thead>
        <tbody>
          {rates.map((r) => (
            <tr key={r.measure} data-measure={r.measure} data-errors={r.errors} data-total={r.total}>
              <td>{tCode('dash.stage', r.stage)}</td>
              <td>{tCode('dash.measure', r.measure)}</td>
              <td class={'num' + (r.errors ? ' dash-bad' : '')}>{r.errors}</td>
              <td class="num">
                {r.total} <span class="muted dash-base">{tCode('dash.base', r.measure)}</span>
              </td>
              <td class="num" data-field="rate">{r.rate === null ? '—' : percent(r.rate)}</td>
              <td class="dash-bar-col">
                <div class="dash-ratebar">
                  <div class={r.errors ? 'bad' : ''} style={{ width: Math.min(100, (100 * (r.rate || 0)) / scale) + '%' }} />
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
