// Settings → webhooks: the subscriptions (GET /v1/webhooks; a new one is created by id), one
// subscription's settings and its delivery log with a redeliver button per delivery.
import { useEffect, useState } from 'preact/hooks';
import { enc, get, post, put } from '../api.js';
import { formatTime, register, t, tCode, useLang } from '../i18n.js';
import { Loading } from '../ui/components.jsx';
import { navigate } from '../router.js';
import { AdminError, AField, linesToList } from './admin_common.jsx';

register({
  'hooks.id': ['编号', 'Id'],
  'hooks.url': ['推送地址', 'URL'],
  'hooks.events': ['事件类型', 'Event types'],
  'hooks.events_hint': ['每行或逗号分隔一个，如 order.created、stock.low；* 表示全部', 'One per line or comma, e.g. order.created, stock.low; * for all'],
  'hooks.secret': ['签名密钥', 'Signing secret'],
  'hooks.secret_set': ['已设置（不显示）', 'set (not shown)'],
  'hooks.secret_again': ['每次保存都要填写（服务器不回显密钥）', 'Needed on every save (the server never shows it back)'],
  'hooks.secret_none': ['未设置', 'not set'],
  'hooks.open': ['打开', 'Open'],
  'hooks.open_by_id': ['按编号打开或新建 webhook', 'Open or create a webhook by id'],
  'hooks.none': ['还没有 webhook', 'No webhooks yet'],
  'hooks.new': ['新建 webhook {id}', 'New webhook {id}'],
  'hooks.saved': ['webhook 已保存', 'Webhook saved'],
  'hooks.back': ['返回 webhook 列表', 'Back to webhooks'],
  'hooks.created': ['创建于', 'Created'],
  'hooks.updated': ['更新于', 'Updated'],
  'hooks.deliveries': ['推送记录（最新在前）', 'Delivery log (newest first)'],
  'hooks.no_deliveries': ['还没有推送记录', 'No deliveries yet'],
  'hooks.type': ['事件', 'Event'],
  'hooks.status': ['状态', 'Status'],
  'hooks.attempts': ['尝试次数', 'Attempts'],
  'hooks.last': ['最近结果', 'Last result'],
  'hooks.next': ['下次尝试', 'Next attempt'],
  'hooks.delivered_at': ['送达时间', 'Delivered'],
  'hooks.redeliver': ['重新推送', 'Redeliver'],
  'hooks.redelivered': ['推送 {id} 已重新排队', 'Delivery {id} queued again'],
  'hooks.delivery_status.pending': ['待推送', 'pending'],
  'hooks.delivery_status.delivered': ['已送达', 'delivered'],
  'hooks.delivery_status.dead': ['已放弃', 'dead'],
  'hooks.delivery_status.failed': ['失败', 'failed'],
});

function deliveryClass(status) {
  if (status === 'delivered') return 'badge-delivered';
  if (status === 'dead' || status === 'failed') return 'badge-red';
  return 'badge-yellow';
}

function Deliveries({ id }) {
  useLang();
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const [note, setNote] = useState(null);
  const load = () =>
    get(`/webhooks/${enc(id)}/deliveries`, { limit: 100 }).then(
      (d) => setItems(Array.isArray(d) ? d : (d && d.items) || []),
      (e) => setError(e),
    );
  useEffect(() => {
    load();
  }, [id]);
  const redeliver = async (d) => {
    setError(null);
    setNote(null);
    try {
      await post(`/webhooks/${enc(id)}/deliveries/${d.id}/redeliver`);
      setNote(t('hooks.redelivered', { id: d.id }));
      load();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class="card adm-deliveries">
      <div class="toolbar">
        <h2>{t('hooks.deliveries')}</h2>
        <button class="adm-deliveries-refresh" onClick={load}>
          {t('action.refresh')}
        </button>
      </div>
      {note && (
        <div class="ok-box adm-note" role="status">
          {note}
        </div>
      )}
      <AdminError error={error} />
      <Loading when={!items && !error} />
      {items && items.length === 0 && <div class="empty">{t('hooks.no_deliveries')}</div>}
      {items && items.length > 0 && (
        <table class="adm-delivery-table">
          <thead>
            <tr>
              <th>{t('hooks.id')}</th>
              <th>{t('hooks.type')}</th>
              <th>{t('hooks.status')}</th>
              <th class="num">{t('hooks.attempts')}</th>
              <th>{t('hooks.last')}</th>
              <th>{t('hooks.next')}</th>
              <th>{t('hooks.created')}</th>
              <th>{t('hooks.delivered_at')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} data-delivery={d.id}>
                <td>{d.id}</td>
                <td>
                  <code>{d.type}</code>
                </td>
                <td>
                  <span class={'badge ' + deliveryClass(d.status)} data-code={d.status}>
                    {tCode('hooks.delivery_status', d.status)}
                  </span>
                </td>
                <td class="num">{d.attempts}</td>
                <td class="adm-last">
                  {d.last_status !== null && d.last_status !== undefined && <code>HTTP {d.last_status}</code>} {d.last_error}
                </td>
                <td>{formatTime(d.next_attempt_at)}</td>
                <td>{formatTime(d.created_at)}</td>
                <td>{formatTime(d.delivered_at)}</td>
                <td>
                  <button class="adm-redeliver" onClick={() => redeliver(d)}>
                    {t('hooks.redeliver')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function WebhookView({ id }) {
  useLang();
  const [hook, setHook] = useState(undefined); // undefined: loading; null: none yet
  const [form, setForm] = useState({ url: '', events: '*', secret: '' });
  const [loadError, setLoadError] = useState(null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    get(`/webhooks/${enc(id)}`).then(
      (h) => {
        setHook(h);
        setForm({ url: h.url || '', events: (h.events || []).join('\n'), secret: '' });
      },
      (e) => (e.status === 404 ? setHook(null) : setLoadError(e)),
    );
  }, [id]);
  if (loadError) return <AdminError error={loadError} />;
  if (hook === undefined) return <Loading when />;
  const save = async (ev) => {
    ev.preventDefault();
    setError(null);
    setSaved(false);
    const body = { url: form.url.trim(), events: linesToList(form.events), secret: form.secret };
    try {
      const h = await put(`/webhooks/${enc(id)}`, body);
      setHook(h);
      setForm({ ...form, secret: '' });
      setSaved(true);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class="adm-webhook" data-webhook={id}>
      <div class="toolbar">
        <a href="#/settings/webhooks">← {t('hooks.back')}</a>
      </div>
      <form class="card" onSubmit={save}>
        <h2>{hook ? <code>{id}</code> : t('hooks.new', { id })}</h2>
        {hook && (
          <div class="muted adm-small">
            {t('hooks.created')} {formatTime(hook.created_at)} · {t('hooks.updated')} {formatTime(hook.updated_at)} · {t('hooks.secret')}:{' '}
            {hook.secret_set ? t('hooks.secret_set') : t('hooks.secret_none')}
          </div>
        )}
        <div class="row">
          <AField label={t('hooks.url')} path="url" error={error} class="adm-grow">
            <input name="url" value={form.url} onInput={(e) => setForm({ ...form, url: e.currentTarget.value })} />
          </AField>
          <AField label={t('hooks.secret') + ' · ' + t('hooks.secret_again')} path="secret" error={error}>
            <input name="secret" type="password" autocomplete="off" value={form.secret} onInput={(e) => setForm({ ...form, secret: e.currentTarget.value })} />
          </AField>
        </div>
        <AField label={t('hooks.events') + ' · ' + t('hooks.events_hint')} path="events" error={error}>
          <textarea name="events" rows={3} value={form.events} onInput={(e) => setForm({ ...form, events: e.currentTarget.value })} />
        </AField>
        <AdminError error={error} />
        {saved && (
          <div class="ok-box adm-saved" role="status">
            {t('hooks.saved')}
          </div>
        )}
        <button type="submit" class="primary adm-webhook-save">
          {t('action.save')}
        </button>
      </form>
      {hook && <Deliveries id={id} />}
    </div>
  );
}

function WebhookList() {
  useLang();
  const [list, setList] = useState(undefined); // undefined: asking
  const [error, setError] = useState(null);
  const [id, setId] = useState('');
  useEffect(() => {
    get('/webhooks').then(
      (d) => setList(d.items),
      setError,
    );
  }, []);
  const open = (ev) => {
    ev.preventDefault();
    if (id.trim()) navigate('/settings/webhooks?id=' + enc(id.trim()));
  };
  return (
    <div class="adm-webhooks">
      <form class="toolbar" onSubmit={open}>
        <input name="webhook-id" placeholder={t('hooks.open_by_id')} value={id} onInput={(e) => setId(e.currentTarget.value)} />
        <button type="submit">{t('hooks.open')}</button>
      </form>
      <AdminError error={error} />
      {list === undefined && !error && <Loading when />}
      {list && list.length === 0 && <div class="empty">{t('hooks.none')}</div>}
      {list && list.length > 0 && (
        <table class="adm-webhook-table">
          <thead>
            <tr>
              <th>{t('hooks.id')}</th>
              <th>{t('hooks.url')}</th>
              <th>{t('hooks.events')}</th>
              <th>{t('hooks.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((h) => (
              <tr key={h.id} class="clickable" data-webhook={h.id} onClick={() => navigate('/settings/webhooks?id=' + enc(h.id))}>
                <td>
                  <code>{h.id}</code>
                </td>
                <td class="adm-break">{h.url}</td>
                <td>{(h.events || []).join(', ')}</td>
                <td>{formatTime(h.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function WebhooksTab({ query }) {
  const id = query.get('id');
  return id ? <WebhookView key={id} id={id} /> : <WebhookList />;
}
