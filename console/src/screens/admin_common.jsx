// What the admin screens (users, settings) and the inventory screen share: server errors in
// the user's language, a field with its error under it, tabs, and number conversions that
// keep what the user typed when it is not a number (so the server names the field).
import { ErrorBox } from '../ui/components.jsx';
import { getLang, register, t, useLang } from '../i18n.js';
import './admin.css';

register({
  'admin.err.invalid': ['有 {n} 处输入有误，未做任何更改', '{n} invalid field(s); nothing changed'],
  'admin.err.forbidden': ['你的角色不能执行此操作', 'Your role may not do this'],
  'admin.err.not_found': ['找不到', 'Not found'],
  'admin.err.network': ['无法连接服务器', 'Cannot reach the server'],
  'admin.err.code.required': ['必填', 'required'],
  'admin.err.code.wrong_type': ['类型不对', 'wrong type'],
  'admin.err.code.out_of_range': ['超出允许范围', 'out of range'],
  'admin.err.code.too_short': ['太短', 'too short'],
  'admin.err.code.too_long': ['太长', 'too long'],
  'admin.err.code.invalid_characters': ['含有不允许的字符', 'has characters not allowed'],
  'admin.err.code.reserved': ['这是系统保留的名字', 'a name ordo keeps for itself'],
  'admin.err.code.invalid_value': ['取值无效', 'invalid value'],
  'admin.err.code.unknown_field': ['未知字段', 'unknown field'],
  'admin.err.code.duplicate': ['重复', 'duplicate'],
  'admin.err.code.invalid_url': ['网址无效', 'invalid URL'],
  'admin.err.code.invalid_code': ['编码无效', 'invalid code'],
  'admin.err.field.password.too_short': ['密码至少 8 个字符', 'A password has at least 8 characters'],
  'admin.err.field.password.too_long': ['密码最多 256 个字符', 'A password has at most 256 characters'],
  'admin.err.field.name.invalid_characters': [
    '用户名只能含 a-z 0-9 . _ -，以字母或数字开头',
    'Use a-z 0-9 . _ - only, starting with a letter or digit',
  ],
  'admin.err.field.name.reserved': ['这是 ordo 自己使用的名字，请换一个', 'ordo acts under this name itself; choose another'],
  'admin.saved': ['已保存', 'Saved'],
  'admin.yes': ['是', 'yes'],
  'admin.no': ['否', 'no'],
});

// A field error's words: ours for the field and code when registered ("password too short"),
// else the server's own message (which names the values involved), else the code.
export function fieldMessage(fe) {
  const generic = fe.field.replace(/\[\d+\]/g, '').split('.').pop();
  const k1 = `admin.err.field.${generic}.${fe.code}`;
  if (t(k1) !== k1) return t(k1);
  const k2 = `admin.err.code.${fe.code}`;
  const word = t(k2) !== k2 ? t(k2) : fe.code;
  if (!fe.message) return word;
  return getLang() === 'en' ? fe.message : `${word}（${fe.message}）`;
}

// The server's error shown in the user's language: the 422's field errors each with its
// path, a 409's or 404's summary passed in by the screen (conflict), else the server's detail.
export function AdminError({ error, conflict, notFound }) {
  useLang();
  if (!error) return null;
  let message = error.message;
  if (error.status === 422 && error.fields.length) message = t('admin.err.invalid', { n: error.fields.length });
  else if (error.status === 409 && conflict) message = conflict;
  else if (error.status === 404) message = notFound || t('admin.err.not_found');
  else if (error.status === 403) message = t('admin.err.forbidden') + ' (' + error.message + ')';
  else if (error.status === 0) message = t('admin.err.network');
  const fields = error.fields.map((f) => ({ ...f, message: fieldMessage(f) }));
  return <ErrorBox error={{ message, fields }} />;
}

// A labelled input with its field error (by JSON path; a list's input also takes its
// elements' errors, "ips[2]") under it, in the user's language.
export function AField({ label, path, error, children, class: cls }) {
  const fe =
    error && error.fields && path ? error.fields.find((f) => f.field === path || f.field.startsWith(path + '[')) : null;
  return (
    <label class={'field' + (fe ? ' field-invalid' : '') + (cls ? ' ' + cls : '')} data-path={path}>
      {label && <span class="field-label">{label}</span>}
      {children}
      {fe && <span class="field-error">{fieldMessage(fe)}</span>}
    </label>
  );
}

// Tabs as links, so a tab is an address a page can be reloaded at.
export function Tabs({ tabs, current }) {
  useLang();
  return (
    <nav class="adm-tabs">
      {tabs.map((tab) => (
        <a key={tab.key} href={'#' + tab.href} class={tab.key === current ? 'active' : ''} data-tab={tab.key}>
          {t(tab.label)}
        </a>
      ))}
    </nav>
  );
}

// "12" → 12; anything that is not a whole number goes to the server as typed, so its field
// error names it instead of the console guessing.
export function intOrRaw(s) {
  const v = String(s ?? '').trim();
  return /^-?\d+$/.test(v) ? Number(v) : v;
}

// Yuan typed ("12.5") → fen (1250); not a number → as typed.
export function fenOrRaw(s) {
  const v = String(s ?? '').trim();
  if (!/^-?\d+(\.\d{1,2})?$/.test(v)) return v;
  const neg = v.startsWith('-');
  const [i, f = ''] = v.replace('-', '').split('.');
  const fen = Number(i) * 100 + Number((f + '00').slice(0, 2));
  return neg ? -fen : fen;
}

// fen → "12.50" for an input.
export function yuanText(fen) {
  if (fen === null || fen === undefined || fen === '') return '';
  if (typeof fen !== 'number') return String(fen);
  const neg = fen < 0;
  const a = Math.abs(fen);
  return (neg ? '-' : '') + Math.floor(a / 100) + '.' + String(a % 100).padStart(2, '0');
}

// Lines of a textarea → a list without blanks; a list → lines.
export function linesToList(s) {
  return String(s || '')
    .split(/[\n,，]/)
    .map((x) => x.trim())
    .filter(Boolean);
}

export function listToLines(list) {
  return (list || []).map(String).join('\n');
}
