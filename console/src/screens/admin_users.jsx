// Users (admin): who may sign in, with which role; add one, change a role, disable, set a new
// password, and the user's API tokens for integrations (a new token is shown once only).
import { useEffect, useState } from 'preact/hooks';
import { del, enc, patch, post } from '../api.js';
import { formatTime, register, t, tCode, useLang } from '../i18n.js';
import { Empty, Loading, useApi } from '../ui/components.jsx';
import { AdminError, AField } from './admin_common.jsx';

const ROLES = ['admin', 'reviewer', 'warehouse', 'customer_service', 'finance'];

register({
  'users.title': ['用户与角色', 'Users and roles'],
  'users.add': ['添加用户', 'Add a user'],
  'users.name': ['用户名', 'Name'],
  'users.role': ['角色', 'Role'],
  'users.password': ['密码（至少 8 个字符）', 'Password (8 characters or more)'],
  'users.add_submit': ['添加', 'Add'],
  'users.added': ['已添加用户 {name}', 'User {name} added'],
  'users.taken': ['用户名 {name} 已被使用', 'The name {name} is taken'],
  'users.list': ['全部用户', 'All users'],
  'users.state': ['状态', 'State'],
  'users.active': ['正常', 'active'],
  'users.disabled': ['已停用', 'disabled'],
  'users.created': ['创建', 'Created'],
  'users.actions': ['操作', 'Actions'],
  'users.disable': ['停用', 'Disable'],
  'users.enable': ['启用', 'Enable'],
  'users.reset_password': ['重设密码', 'Reset password'],
  'users.new_password': ['新密码', 'New password'],
  'users.tokens': ['API 令牌', 'API tokens'],
  'users.role_changed': ['{name} 的角色已改为 {role}', "{name}'s role is now {role}"],
  'users.disabled_done': ['{name} 已停用，其会话和令牌失效', '{name} is disabled; sessions and tokens stop working'],
  'users.enabled_done': ['{name} 已启用', '{name} is enabled'],
  'users.password_done': ['{name} 的密码已重设，其会话已结束', "{name}'s password is reset; their sessions ended"],
  'users.tokens_of': ['{name} 的 API 令牌', 'API tokens of {name}'],
  'users.token_label': ['用途说明', 'Label'],
  'users.token_create': ['生成令牌', 'Create token'],
  'users.token_once': [
    '这是新令牌，只显示这一次：请立即复制保存（ordo 只保存其摘要）。',
    'The new token, shown this once only: copy it now (ordo keeps only its digest).',
  ],
  'users.token_copy': ['复制', 'Copy'],
  'users.token_copied': ['已复制', 'Copied'],
  'users.token_id': ['编号', 'Id'],
  'users.token_created_by': ['创建人', 'Created by'],
  'users.token_last_used': ['最近使用', 'Last used'],
  'users.token_never': ['从未', 'never'],
  'users.token_revoke': ['吊销', 'Revoke'],
  'users.token_revoked': ['令牌 {id} 已吊销', 'Token {id} revoked'],
  'users.no_tokens': ['没有令牌', 'No tokens'],
});

// generation changes with every change made elsewhere on the screen, which retires an old
// error here (the input stays).
function AddUser({ onAdded, generation }) {
  useLang();
  const [form, setForm] = useState({ name: '', role: 'reviewer', password: '' });
  const [error, setError] = useState(null);
  useEffect(() => setError(null), [generation]);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const submit = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const u = await post('/users', { name: form.name.trim(), role: form.role, password: form.password });
      setForm({ name: '', role: form.role, password: '' });
      onAdded(u);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card adm-add-user" onSubmit={submit}>
      <h2>{t('users.add')}</h2>
      <div class="row">
        <AField label={t('users.name')} path="name" error={error}>
          <input name="name" value={form.name} onInput={set('name')} autocomplete="off" />
        </AField>
        <AField label={t('users.role')} path="role" error={error}>
          <select name="role" value={form.role} onChange={set('role')}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {tCode('role', r)}
              </option>
            ))}
          </select>
        </AField>
        <AField label={t('users.password')} path="password" error={error}>
          <input name="password" type="password" value={form.password} onInput={set('password')} autocomplete="new-password" />
        </AField>
        <div class="field">
          <button type="submit" class="primary" disabled={busy}>
            {t('users.add_submit')}
          </button>
        </div>
      </div>
      <AdminError error={error} conflict={t('users.taken', { name: form.name.trim() })} />
    </form>
  );
}

function Tokens({ name }) {
  useLang();
  const list = useApi(`/users/${enc(name)}/tokens`);
  const [label, setLabel] = useState('');
  const [fresh, setFresh] = useState(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState(null);
  const [note, setNote] = useState(null);
  const create = async (ev) => {
    ev.preventDefault();
    setError(null);
    setNote(null);
    try {
      const tok = await post(`/users/${enc(name)}/tokens`, { label: label.trim() });
      setFresh(tok);
      setCopied(false);
      setLabel('');
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  const revoke = async (id) => {
    setError(null);
    try {
      await del(`/users/${enc(name)}/tokens/${id}`);
      if (fresh && fresh.id === id) setFresh(null);
      setNote(t('users.token_revoked', { id }));
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(fresh.token);
      setCopied(true);
    } catch {
      /* no clipboard (plain http): the token stays selected for a manual copy */
      const el = document.querySelector('.adm-token-value');
      if (el) getSelection().selectAllChildren(el);
    }
  };
  const items = (list.data && list.data.items) || [];
  return (
    <div class="card adm-tokens" data-user={name}>
      <h3>{t('users.tokens_of', { name })}</h3>
      <form class="row" onSubmit={create}>
        <AField label={t('users.token_label')} path="label" error={error}>
          <input name="token-label" value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
        </AField>
        <div class="field">
          <button type="submit" class="primary">
            {t('users.token_create')}
          </button>
        </div>
      </form>
      {fresh && (
        <div class="ok-box adm-token-fresh">
          <div>{t('users.token_once')}</div>
          <div class="adm-token-line">
            <code class="adm-token-value">{fresh.token}</code>
            <button type="button" class="adm-token-copy" onClick={copy}>
              {copied ? t('users.token_copied') : t('users.token_copy')}
            </button>
          </div>
        </div>
      )}
      {note && <div class="ok-box">{note}</div>}
      <AdminError error={error || list.error} />
      <Loading when={list.loading && !list.data} />
      {list.data && items.length === 0 && <div class="empty">{t('users.no_tokens')}</div>}
      {items.length > 0 && (
        <table class="adm-token-table">
          <thead>
            <tr>
              <th>{t('users.token_id')}</th>
              <th>{t('users.token_label')}</th>
              <th>{t('users.created')}</th>
              <th>{t('users.token_created_by')}</th>
              <th>{t('users.token_last_used')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((tok) => (
              <tr key={tok.id} data-token-id={tok.id}>
                <td>{tok.id}</td>
                <td>{tok.label}</td>
                <td>{formatTime(tok.created_at)}</td>
                <td>{tok.created_by}</td>
                <td>{tok.last_used_at ? formatTime(tok.last_used_at) : t('users.token_never')}</td>
                <td>
                  <button class="danger adm-revoke" onClick={() => revoke(tok.id)}>
                    {t('users.token_revoke')}
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

function UserRow({ user, onChanged, onTokens, tokensOpen, self }) {
  useLang();
  const [pw, setPw] = useState(null); // null: not resetting
  const [error, setError] = useState(null);
  const change = async (body, doneKey) => {
    setError(null);
    try {
      const u = await patch(`/users/${enc(user.name)}`, body);
      onChanged(t(doneKey, { name: u.name, role: tCode('role', u.role) }));
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };
  const savePw = async (ev) => {
    ev.preventDefault();
    if (await change({ password: pw }, 'users.password_done')) setPw(null);
  };
  return (
    <>
      <tr data-user={user.name} class={user.disabled ? 'adm-disabled' : ''}>
        <td>
          <strong>{user.name}</strong>
        </td>
        <td>
          <select
            class="adm-role"
            value={user.role}
            disabled={self}
            onChange={(e) => change({ role: e.currentTarget.value }, 'users.role_changed')}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {tCode('role', r)}
              </option>
            ))}
          </select>
        </td>
        <td>
          {user.disabled ? (
            <span class="badge badge-red adm-state">{t('users.disabled')}</span>
          ) : (
            <span class="badge badge-delivered adm-state">{t('users.active')}</span>
          )}
        </td>
        <td class="muted">
          {formatTime(user.created_at)} {user.created_by ? '· ' + user.created_by : ''}
        </td>
        <td>
          <div class="adm-actions">
            {user.disabled ? (
              <button class="adm-enable" onClick={() => change({ disabled: false }, 'users.enabled_done')}>
                {t('users.enable')}
              </button>
            ) : (
              <button class="adm-disable" disabled={self} onClick={() => change({ disabled: true }, 'users.disabled_done')}>
                {t('users.disable')}
              </button>
            )}
            <button class="adm-reset" onClick={() => setPw(pw === null ? '' : null)}>
              {t('users.reset_password')}
            </button>
            <button class={'adm-tokens-open' + (tokensOpen ? ' primary' : '')} onClick={onTokens}>
              {t('users.tokens')}
            </button>
          </div>
        </td>
      </tr>
      {(pw !== null || error) && (
        <tr class="adm-subrow">
          <td colSpan={5}>
            {pw !== null && (
              <form class="row" onSubmit={savePw}>
                <AField label={t('users.new_password')} path="password" error={error}>
                  <input type="password" name="new-password" value={pw} autocomplete="new-password" onInput={(e) => setPw(e.currentTarget.value)} />
                </AField>
                <div class="field">
                  <button type="submit" class="primary">
                    {t('action.save')}
                  </button>
                </div>
                <div class="field">
                  <button type="button" onClick={() => setPw(null)}>
                    {t('action.cancel')}
                  </button>
                </div>
              </form>
            )}
            <AdminError error={error} />
          </td>
        </tr>
      )}
    </>
  );
}

export function UsersScreen({ session }) {
  useLang();
  const users = useApi('/users');
  const [note, setNote] = useState(null);
  const [generation, setGeneration] = useState(0);
  const [tokensOf, setTokensOf] = useState(null);
  const items = (users.data && users.data.items) || [];
  const changed = (msg) => {
    setNote(msg);
    setGeneration((g) => g + 1);
    users.reload();
  };
  return (
    <div class="adm-users">
      <h1>{t('users.title')}</h1>
      <AddUser generation={generation} onAdded={(u) => changed(t('users.added', { name: u.name }))} />
      {note && (
        <div class="ok-box adm-note" role="status">
          {note}
        </div>
      )}
      <div class="card">
        <h2>{t('users.list')}</h2>
        <AdminError error={users.error} />
        <Loading when={users.loading && !users.data} />
        <Empty when={users.data && items.length === 0} />
        {items.length > 0 && (
          <table class="adm-user-table">
            <thead>
              <tr>
                <th>{t('users.name')}</th>
                <th>{t('users.role')}</th>
                <th>{t('users.state')}</th>
                <th>{t('users.created')}</th>
                <th>{t('users.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((u) => (
                <UserRow
                  key={u.name}
                  user={u}
                  self={u.name === session.user}
                  tokensOpen={tokensOf === u.name}
                  onTokens={() => setTokensOf(tokensOf === u.name ? null : u.name)}
                  onChanged={changed}
                />
              ))}
            </tbody>
          </table>
        )}
      </div>
      {tokensOf && <Tokens key={tokensOf} name={tokensOf} />}
    </div>
  );
}
