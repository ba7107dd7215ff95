// Small building blocks every screen uses: a status badge, the error box that names each
// bad field, a loader hook, a cursor pager and a labelled field.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../api.js';
import { t, tCode, useLang } from '../i18n.js';

export function Badge({ kind, code, prefix }) {
  useLang();
  return (
    <span class={`badge badge-${kind || 'status'} badge-${code}`} data-code={code}>
      {prefix ? tCode(prefix, code) : code}
    </span>
  );
}

export function StatusBadge({ status }) {
  return <Badge kind="status" code={status} prefix="status" />;
}

export function ChannelBadge({ channel }) {
  return <Badge kind="channel" code={channel} prefix="channel" />;
}

// Shows an ApiError: its detail, and each field error with the field's path.
export function ErrorBox({ error }) {
  useLang();
  if (!error) return null;
  return (
    <div class="error-box" role="alert">
      <strong>{error.message || t('common.error')}</strong>
      {error.fields && error.fields.length > 0 && (
        <ul>
          {error.fields.map((f) => (
            <li key={f.field + f.code}>
              <code>{f.field}</code>: {f.message || f.code}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

// Loads GET path (params an object) and reloads when they change; reload() on demand.
export function useApi(path, params) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const key = path === null ? null : path + JSON.stringify(params || {});
  const seq = useRef(0);
  const load = useCallback(() => {
    if (key === null) return;
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    get(path, params).then(
      (data) => mine === seq.current && setState({ data, error: null, loading: false }),
      (error) => mine === seq.current && setState({ data: null, error, loading: false }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  useEffect(load, [load]);
  return { ...state, reload: load };
}

// A list read page by page with the API's cursor: items so far, and more() for the next.
export function usePaged(path, params) {
  const [state, setState] = useState({ items: [], next: null, error: null, loading: true });
  const key = path + JSON.stringify(params || {});
  const seq = useRef(0);
  const fetchPage = useCallback(
    (cursor, append) => {
      const mine = ++seq.current;
      setState((s) => ({ ...s, loading: true }));
      get(path, { ...(params || {}), cursor }).then(
        (data) =>
          mine === seq.current &&
          setState((s) => ({
            items: append ? s.items.concat(data.items || []) : data.items || [],
            next: data.next_cursor || null,
            error: null,
            loading: false,
          })),
        (error) => mine === seq.current && setState((s) => ({ ...s, error, loading: false })),
      );
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );
  useEffect(() => fetchPage(undefined, false), [fetchPage]);
  return {
    ...state,
    reload: () => fetchPage(undefined, false),
    more: () => state.next && fetchPage(state.next, true),
  };
}

export function Pager({ paged }) {
  useLang();
  if (!paged.next) return null;
  return (
    <button class="pager" disabled={paged.loading} onClick={paged.more}>
      {t('action.more')}
    </button>
  );
}

export function Loading({ when }) {
  useLang();
  return when ? <div class="loading">{t('app.loading')}</div> : null;
}

// A labelled input; error is the ApiError whose field error for `field` shows under it.
export function Field({ label, field, error, children }) {
  const fe = error && error.field && field ? error.field(field) : null;
  return (
    <label class={'field' + (fe ? ' field-invalid' : '')}>
      <span class="field-label">{label}</span>
      {children}
      {fe && <span class="field-error">{fe.message || fe.code}</span>}
    </label>
  );
}

export function Empty({ when }) {
  useLang();
  return when ? <div class="empty">{t('common.empty')}</div> : null;
}

// A filter's choice among codes the server knows (statuses, channels, reasons…), each shown
// in words (tCode(prefix, code)), with "all" (the empty value) first.
export function CodeSelect({ name, value, codes, prefix, onChange }) {
  useLang();
  return (
    <select name={name} value={value || ''} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">{t('common.all')}</option>
      {codes.map((c) => (
        <option key={c} value={c}>
          {tCode(prefix, c)}
        </option>
      ))}
    </select>
  );
}
