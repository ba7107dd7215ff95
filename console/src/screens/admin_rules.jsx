// Settings → review rules: every rule of the stored set with its switch and parameters,
// edited in place and saved as one set (the server checks it whole: a bad set changes
// nothing, and each bad parameter is shown under its input).
import { useEffect, useState } from 'preact/hooks';
import { get, put } from '../api.js';
import { formatTime, register, t, tCode, useLang } from '../i18n.js';
import { Loading } from '../ui/components.jsx';
import { AdminError, AField, fenOrRaw, intOrRaw, linesToList, listToLines, yuanText } from './admin_common.jsx';

register({
  'rules.title': ['审核规则', 'Review rules'],
  'rules.intro': [
    '已付款订单进入系统时逐条检查以下规则；命中的规则会以其原因码挂起订单待人工审核。规则集整体保存：任一参数有误则全部不改。',
    'Every paid order is checked against these rules at intake; a rule that hits holds the order for review under its reason code. The set is saved whole: one bad parameter and nothing changes.',
  ],
  'rules.version': ['版本 {v}', 'Version {v}'],
  'rules.default_set': ['内置默认规则（尚未保存过）', 'The built-in default set (never saved)'],
  'rules.updated': ['{who} 于 {when} 修改', 'changed by {who} at {when}'],
  'rules.enabled': ['启用', 'Enabled'],
  'rules.reason': ['挂起原因码', 'Hold reason'],
  'rules.no_params': ['无参数', 'No parameters'],
  'rules.save': ['保存规则集', 'Save the rule set'],
  'rules.reset': ['放弃修改', 'Discard changes'],
  'rules.saved': ['规则集已保存（版本 {v}）', 'Rule set saved (version {v})'],
  'rules.dirty': ['有未保存的修改', 'Unsaved changes'],
  'rules.one_per_line': ['每行一个', 'one per line'],
  'rules.space_between': ['用空格分开', 'separated by spaces'],

  'rules.type.address_precision': ['地址精确度', 'Address precision'],
  'rules.type.remote_area': ['偏远地区', 'Remote areas'],
  'rules.type.velocity': ['下单频率', 'Order velocity'],
  'rules.type.high_value': ['大额订单', 'High value'],
  'rules.type.remark': ['买家备注', 'Buyer remark'],
  'rules.type.blocklist': ['黑名单', 'Blocklist'],
  'rules.type.payment_unverified': ['付款未核实', 'Payment unverified'],
  'rules.type.stock_short': ['库存不足', 'Stock short'],

  'rules.p.min_detail_chars': ['详细地址最少字数（0 不检查）', 'Fewest characters in the detail (0: no check)'],
  'rules.p.room_min_digits': ['门牌后房号最少位数（0–9）', 'Fewest digits of a room number (0–9)'],
  'rules.p.house_markers': ['门牌标记', 'House-number markers'],
  'rules.p.unit_markers': ['楼栋/单元标记', 'Building and unit markers'],
  'rules.p.areas': ['地区（行政区划代码或名称）', 'Areas (division codes or names)'],
  'rules.p.key': ['按何计数', 'Count by'],
  'rules.p.threshold': ['订单数阈值（含本单）', 'Orders threshold (this one included)'],
  'rules.p.window_seconds': ['时间窗口（秒）', 'Window (seconds)'],
  'rules.p.threshold_fen': ['金额阈值（元）', 'Amount threshold (yuan)'],
  'rules.p.first_order_threshold_fen': ['首单金额阈值（元，可空）', 'First-order threshold (yuan, optional)'],
  'rules.p.phones': ['手机号', 'Phones'],
  'rules.p.addresses': ['地址键', 'Address keys'],
  'rules.p.ips': ['IP 或网段（CIDR）', 'IPs or CIDR blocks'],
  'rules.p.json': ['参数（JSON）', 'Parameters (JSON)'],
  'rules.key.phone': ['手机号', 'phone'],
  'rules.key.address': ['地址', 'address'],
  'rules.key.ip': ['IP', 'IP'],
});

// How each type's params are edited: [name, kind], kind int | fen | key | words (a short list
// on one line, split at spaces) | list (one per line).
const PARAMS = {
  address_precision: [
    ['min_detail_chars', 'int'],
    ['room_min_digits', 'int'],
    ['house_markers', 'words'],
    ['unit_markers', 'words'],
  ],
  remote_area: [['areas', 'words']],
  velocity: [
    ['key', 'key'],
    ['threshold', 'int'],
    ['window_seconds', 'int'],
  ],
  high_value: [
    ['threshold_fen', 'fen'],
    ['first_order_threshold_fen', 'fen'],
  ],
  blocklist: [
    ['phones', 'list'],
    ['addresses', 'list'],
    ['ips', 'list'],
  ],
  remark: [],
  payment_unverified: [],
  stock_short: [],
};

// The stored rule → what the inputs hold (text), and back.
function toForm(rule) {
  const spec = PARAMS[rule.type];
  const params = rule.params || {};
  const form = { ...rule, text: {} };
  if (!spec) form.text.json = JSON.stringify(params, null, 2);
  else
    for (const [name, kind] of spec) {
      const v = params[name];
      form.text[name] =
        kind === 'list' ? listToLines(v) : kind === 'words' ? (v || []).join(' ') : kind === 'fen' ? yuanText(v) : v === undefined || v === null ? '' : String(v);
    }
  return form;
}

function fromForm(form) {
  const spec = PARAMS[form.type];
  let params;
  if (!spec) {
    try {
      params = JSON.parse(form.text.json || '{}');
    } catch {
      params = form.text.json; // the server names it: params is not an object
    }
  } else {
    params = {};
    for (const [name, kind] of spec) {
      const s = form.text[name];
      if (kind === 'list' || kind === 'words') params[name] = linesToList(String(s || '').replace(/\s+/g, ','));
      else if (kind === 'key') params[name] = s;
      else if (String(s).trim() === '' && name === 'first_order_threshold_fen') continue;
      else params[name] = kind === 'fen' ? fenOrRaw(s) : intOrRaw(s);
    }
  }
  return { id: form.id, enabled: form.enabled, type: form.type, reason: form.reason, params };
}

function RuleCard({ rule, index, error, onChange }) {
  useLang();
  const spec = PARAMS[rule.type];
  const path = (name) => `rules[${index}].params.${name}`;
  const setText = (name) => (e) => onChange({ ...rule, text: { ...rule.text, [name]: e.currentTarget.value } });
  const ruleErr = error && error.fields.find((f) => f.field === `rules[${index}]` || f.field === `rules[${index}].params`);
  return (
    <div class={'card adm-rule' + (rule.enabled ? '' : ' adm-rule-off')} data-rule={rule.id}>
      <div class="adm-rule-head">
        <label class="adm-switch">
          <input
            type="checkbox"
            name="enabled"
            checked={rule.enabled}
            onChange={(e) => onChange({ ...rule, enabled: e.currentTarget.checked })}
          />
          {t('rules.enabled')}
        </label>
        <strong>{tCode('rules.type', rule.type)}</strong>
        <code class="muted">{rule.id}</code>
        <span class="muted adm-rule-reason">
          {t('rules.reason')}: <code>{rule.reason}</code>
        </span>
      </div>
      {ruleErr && <div class="field-error">{ruleErr.message}</div>}
      {spec && spec.length === 0 && <div class="muted">{t('rules.no_params')}</div>}
      <div class="adm-params">
        {!spec && (
          <AField label={t('rules.p.json')} path={`rules[${index}].params`} error={error} class="adm-wide">
            <textarea name="json" value={rule.text.json} onInput={setText('json')} />
          </AField>
        )}
        {spec &&
          spec.map(([name, kind]) => (
            <AField
              key={name}
              label={t('rules.p.' + name) + (kind === 'list' ? ' · ' + t('rules.one_per_line') : kind === 'words' ? ' · ' + t('rules.space_between') : '')}
              path={path(name)}
              error={error}
              class={kind === 'list' ? 'adm-third' : kind === 'words' ? 'adm-grow' : ''}
            >
              {kind === 'words' && <input name={name} value={rule.text[name]} onInput={setText(name)} />}
              {kind === 'list' && <textarea name={name} rows={2} value={rule.text[name]} onInput={setText(name)} />}
              {kind === 'key' && (
                <select name={name} value={rule.text[name]} onChange={setText(name)}>
                  {['phone', 'address', 'ip'].map((k) => (
                    <option key={k} value={k}>
                      {tCode('rules.key', k)}
                    </option>
                  ))}
                </select>
              )}
              {(kind === 'int' || kind === 'fen') && (
                <input name={name} inputMode="decimal" value={rule.text[name]} onInput={setText(name)} />
              )}
            </AField>
          ))}
      </div>
    </div>
  );
}

export function RulesTab() {
  useLang();
  const [stored, setStored] = useState(null);
  const [forms, setForms] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(null);
  const [busy, setBusy] = useState(false);
  const load = () =>
    get('/review/rules').then(
      (doc) => {
        setStored(doc);
        setForms(doc.rules.map(toForm));
      },
      (e) => setLoadError(e),
    );
  useEffect(() => {
    load();
  }, []);
  if (loadError) return <AdminError error={loadError} />;
  if (!forms) return <Loading when />;
  const dirty = JSON.stringify(forms.map(fromForm)) !== JSON.stringify(stored.rules.map((r) => fromForm(toForm(r))));
  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const doc = await put('/review/rules', { rules: forms.map(fromForm) });
      setStored(doc);
      setForms(doc.rules.map(toForm));
      setSaved(doc.version);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const bar = (
    <div class="toolbar adm-rules-bar">
      <button class="primary adm-rules-save" disabled={busy} onClick={save}>
        {t('rules.save')}
      </button>
      <button
        class="adm-rules-reset"
        disabled={busy || !dirty}
        onClick={() => {
          setForms(stored.rules.map(toForm));
          setError(null);
        }}
      >
        {t('rules.reset')}
      </button>
      {dirty && <span class="badge badge-yellow">{t('rules.dirty')}</span>}
      <span class="muted">
        {stored.version ? t('rules.version', { v: stored.version }) : t('rules.default_set')}
        {stored.updated_at && ' · ' + t('rules.updated', { who: stored.updated_by, when: formatTime(stored.updated_at) })}
      </span>
    </div>
  );
  return (
    <div class="adm-rules">
      <p class="muted">{t('rules.intro')}</p>
      {bar}
      {saved !== null && (
        <div class="ok-box adm-saved" role="status">
          {t('rules.saved', { v: saved })}
        </div>
      )}
      <AdminError error={error} />
      {forms.map((r, i) => (
        <RuleCard key={r.id + i} rule={r} index={i} error={error} onChange={(next) => setForms(forms.map((x, j) => (j === i ? next : x)))} />
      ))}
      {bar}
    </div>
  );
}
