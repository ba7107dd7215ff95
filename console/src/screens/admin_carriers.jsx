// Settings → carriers: each carrier's coverage (provinces), rate card per zone, tracking-number
// format and the channels that require it; open one to edit it and save it whole (PUT).
import { useEffect, useState } from 'preact/hooks';
import { enc, get, put } from '../api.js';
import { register, t, tCode, useLang } from '../i18n.js';
import { money } from '../ui/format.js';
import { Loading, useApi } from '../ui/components.jsx';
import { navigate } from '../router.js';
import { AdminError, AField, fenOrRaw, intOrRaw, yuanText } from './admin_common.jsx';

// Province-level division codes (the first two digits), as carriers' coverage names them.
const PROVINCES = [
  [11, '北京市'], [12, '天津市'], [13, '河北省'], [14, '山西省'], [15, '内蒙古自治区'],
  [21, '辽宁省'], [22, '吉林省'], [23, '黑龙江省'], [31, '上海市'], [32, '江苏省'],
  [33, '浙江省'], [34, '安徽省'], [35, '福建省'], [36, '江西省'], [37, '山东省'],
  [41, '河南省'], [42, '湖北省'], [43, '湖南省'], [44, '广东省'], [45, '广西壮族自治区'],
  [46, '海南省'], [50, '重庆市'], [51, '四川省'], [52, '贵州省'], [53, '云南省'],
  [54, '西藏自治区'], [61, '陕西省'], [62, '甘肃省'], [63, '青海省'], [64, '宁夏回族自治区'],
  [65, '新疆维吾尔自治区'], [71, '台湾省'], [81, '香港特别行政区'], [82, '澳门特别行政区'],
];
const ZONES = ['local', 'regional', 'national', 'remote'];
const CHANNELS = ['taobao', 'tmall', 'jd', 'douyin', 'web', 'store', 'phone'];

register({
  'carriers.title': ['承运商与运费', 'Carriers and rate cards'],
  'carriers.code': ['代码', 'Code'],
  'carriers.name': ['名称', 'Name'],
  'carriers.coverage': ['覆盖范围', 'Coverage'],
  'carriers.all_provinces': ['全国', 'everywhere'],
  'carriers.n_provinces': ['{n} 个省份', '{n} provinces'],
  'carriers.zones': ['服务区域', 'Zones served'],
  'carriers.quality': ['质量分', 'Quality'],
  'carriers.active': ['启用', 'Active'],
  'carriers.inactive': ['停用', 'inactive'],
  'carriers.tracking_left': ['可用运单号', 'Tracking numbers left'],
  'carriers.required_by': ['指定渠道', 'Required by channels'],
  'carriers.edit': ['编辑', 'Edit'],
  'carriers.new': ['新承运商', 'New carrier'],
  'carriers.new_code': ['新承运商代码', 'New carrier code'],
  'carriers.open': ['打开', 'Open'],
  'carriers.none': ['还没有承运商', 'No carriers yet'],
  'carriers.provinces_hint': ['不勾选任何省份表示全国', 'Tick none for everywhere'],
  'carriers.rate_card': ['运费表（按区域）', 'Rate card (by zone)'],
  'carriers.zone': ['区域', 'Zone'],
  'carriers.served': ['服务', 'Served'],
  'carriers.first_weight_g': ['首重（克）', 'First weight (g)'],
  'carriers.first_fen': ['首重价（元）', 'First price (yuan)'],
  'carriers.step_g': ['续重（克）', 'Step (g)'],
  'carriers.step_fen': ['续重价（元）', 'Step price (yuan)'],
  'carriers.promised_days': ['承诺天数', 'Promised days'],
  'carriers.volumetric_divisor': ['体积重除数（cm³/kg）', 'Volumetric divisor (cm³/kg)'],
  'carriers.quality_score': ['质量分（0–100）', 'Quality score (0–100)'],
  'carriers.pattern': ['运单号格式（正则）', 'Tracking number pattern (regex)'],
  'carriers.check': ['校验位', 'Check digit'],
  'carriers.check.none': ['无', 'none'],
  'carriers.check.s10': ['UPU S10', 'UPU S10'],
  'carriers.saved': ['承运商 {code} 已保存', 'Carrier {code} saved'],
  'carriers.back': ['返回承运商列表', 'Back to carriers'],
  'zone.local': ['同省', 'Local'],
  'zone.regional': ['邻近', 'Regional'],
  'zone.national': ['全国', 'National'],
  'zone.remote': ['偏远', 'Remote'],
});

function provinceCode(p) {
  const n = Number(p);
  return n >= 100 ? Math.floor(n / 10000) : n;
}

function toForm(c) {
  const rc = c.rate_card || {};
  const zones = {};
  for (const z of ZONES) {
    const r = rc[z];
    zones[z] = r
      ? {
          served: true,
          first_weight_g: String(r.first_weight_g ?? ''),
          first_fen: yuanText(r.first_fen),
          step_g: String(r.step_g ?? ''),
          step_fen: yuanText(r.step_fen),
          promised_days: String(r.promised_days ?? ''),
        }
      : { served: false, first_weight_g: '1000', first_fen: '', step_g: '1000', step_fen: '', promised_days: '' };
  }
  return {
    name: c.name || '',
    provinces: new Set((c.provinces || []).map(provinceCode)),
    zones,
    volumetric_divisor: String(c.volumetric_divisor ?? 6000),
    quality_score: String(c.quality_score ?? 80),
    pattern: (c.tracking_format && c.tracking_format.pattern) || '',
    check: (c.tracking_format && c.tracking_format.check) || 'none',
    channels: new Set(c.channels || []),
    active: c.active !== false,
  };
}

function fromForm(f) {
  const rate_card = {};
  for (const z of ZONES) {
    const r = f.zones[z];
    if (!r.served) continue;
    rate_card[z] = {
      first_weight_g: intOrRaw(r.first_weight_g),
      first_fen: fenOrRaw(r.first_fen),
      step_g: intOrRaw(r.step_g),
      step_fen: fenOrRaw(r.step_fen),
      promised_days: intOrRaw(r.promised_days),
    };
  }
  const body = {
    name: f.name.trim(),
    rate_card,
    volumetric_divisor: intOrRaw(f.volumetric_divisor),
    quality_score: intOrRaw(f.quality_score),
    channels: CHANNELS.filter((c) => f.channels.has(c)),
    active: f.active,
  };
  if (f.provinces.size) body.provinces = PROVINCES.map(([c]) => c).filter((c) => f.provinces.has(c));
  if (f.pattern.trim()) body.tracking_format = { pattern: f.pattern.trim(), check: f.check };
  return body;
}

function CarrierEditor({ code }) {
  useLang();
  const [form, setForm] = useState(null);
  const [isNew, setIsNew] = useState(false);
  const [tracking, setTracking] = useState(null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    get(`/carriers/${enc(code)}`).then(
      (c) => {
        setForm(toForm(c));
        setTracking(c.tracking_available);
      },
      (e) => {
        if (e.status === 404) {
          setIsNew(true);
          setForm(toForm({}));
        } else setError(e);
      },
    );
  }, [code]);
  if (!form) return error ? <AdminError error={error} /> : <Loading when />;
  const set = (patchObj) => setForm({ ...form, ...patchObj });
  const setZone = (z, k, v) => set({ zones: { ...form.zones, [z]: { ...form.zones[z], [k]: v } } });
  const toggle = (key, v) => {
    const s = new Set(form[key]);
    s.has(v) ? s.delete(v) : s.add(v);
    set({ [key]: s });
  };
  const save = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const c = await put(`/carriers/${enc(code)}`, fromForm(form));
      setForm(toForm(c));
      setTracking(c.tracking_available);
      setIsNew(false);
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="adm-carrier" data-carrier={code} onSubmit={save}>
      <div class="toolbar">
        <a href="#/settings/carriers">← {t('carriers.back')}</a>
      </div>
      <div class="card">
        <h2>
          {isNew ? t('carriers.new') + ' ' : ''}
          <code>{code}</code> {form.name}
          {tracking !== null && <span class="muted adm-small"> · {t('carriers.tracking_left')}: {tracking}</span>}
        </h2>
        <div class="row">
          <AField label={t('carriers.name')} path="name" error={error}>
            <input name="name" value={form.name} onInput={(e) => set({ name: e.currentTarget.value })} />
          </AField>
          <AField label={t('carriers.volumetric_divisor')} path="volumetric_divisor" error={error}>
            <input name="volumetric_divisor" value={form.volumetric_divisor} onInput={(e) => set({ volumetric_divisor: e.currentTarget.value })} />
          </AField>
          <AField label={t('carriers.quality_score')} path="quality_score" error={error}>
            <input name="quality_score" value={form.quality_score} onInput={(e) => set({ quality_score: e.currentTarget.value })} />
          </AField>
          <label class="field adm-switch-field">
            <span class="field-label">{t('carriers.active')}</span>
            <input type="checkbox" name="active" checked={form.active} onChange={(e) => set({ active: e.currentTarget.checked })} />
          </label>
        </div>
        <h3>{t('carriers.rate_card')}</h3>
        <AField path="rate_card" error={error}>
          <table class="adm-rate-card">
            <thead>
              <tr>
                <th>{t('carriers.zone')}</th>
                <th>{t('carriers.served')}</th>
                {['first_weight_g', 'first_fen', 'step_g', 'step_fen', 'promised_days'].map((k) => (
                  <th key={k}>{t('carriers.' + k)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ZONES.map((z) => (
                <tr key={z} data-zone={z} class={form.zones[z].served ? '' : 'adm-zone-off'}>
                  <td>{tCode('zone', z)}</td>
                  <td>
                    <input type="checkbox" name={`served-${z}`} checked={form.zones[z].served} onChange={(e) => setZone(z, 'served', e.currentTarget.checked)} />
                  </td>
                  {['first_weight_g', 'first_fen', 'step_g', 'step_fen', 'promised_days'].map((k) => (
                    <td key={k}>
                      <AField path={`rate_card.${z}.${k}`} error={error}>
                        <input
                          name={`${z}-${k}`}
                          class="adm-num"
                          disabled={!form.zones[z].served}
                          value={form.zones[z][k]}
                          onInput={(e) => setZone(z, k, e.currentTarget.value)}
                        />
                      </AField>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </AField>
        <h3>
          {t('carriers.coverage')} <span class="muted adm-small">{t('carriers.provinces_hint')}</span>
        </h3>
        <AField path="provinces" error={error}>
          <div class="adm-provinces">
            {PROVINCES.map(([c, name]) => (
              <label key={c} class="adm-check">
                <input type="checkbox" name={`province-${c}`} checked={form.provinces.has(c)} onChange={() => toggle('provinces', c)} />
                {name}
              </label>
            ))}
          </div>
        </AField>
        <h3>{t('carriers.required_by')}</h3>
        <div class="adm-checks">
          {CHANNELS.map((c) => (
            <label key={c} class="adm-check">
              <input type="checkbox" name={`channel-${c}`} checked={form.channels.has(c)} onChange={() => toggle('channels', c)} />
              {tCode('channel', c)}
            </label>
          ))}
        </div>
        <div class="row">
          <AField label={t('carriers.pattern')} path="tracking_format.pattern" error={error} class="adm-grow">
            <input name="pattern" value={form.pattern} onInput={(e) => set({ pattern: e.currentTarget.value })} />
          </AField>
          <AField label={t('carriers.check')} path="tracking_format.check" error={error}>
            <select name="check" value={form.check} onChange={(e) => set({ check: e.currentTarget.value })}>
              {['none', 's10'].map((c) => (
                <option key={c} value={c}>
                  {t('carriers.check.' + c)}
                </option>
              ))}
            </select>
          </AField>
        </div>
        <AdminError error={error} />
        {saved && (
          <div class="ok-box adm-saved" role="status">
            {t('carriers.saved', { code })}
          </div>
        )}
        <button type="submit" class="primary adm-carrier-save" disabled={busy}>
          {t('action.save')}
        </button>
      </div>
    </form>
  );
}

function CarrierList() {
  useLang();
  const list = useApi('/carriers');
  const [code, setCode] = useState('');
  const items = (list.data && list.data.items) || [];
  return (
    <div class="adm-carriers">
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (code.trim()) navigate('/settings/carriers?code=' + enc(code.trim()));
        }}
      >
        <input name="new-code" placeholder={t('carriers.new_code')} value={code} onInput={(e) => setCode(e.currentTarget.value)} />
        <button type="submit">{t('carriers.open')}</button>
      </form>
      <AdminError error={list.error} />
      <Loading when={list.loading && !list.data} />
      {list.data && items.length === 0 && <div class="empty">{t('carriers.none')}</div>}
      {items.length > 0 && (
        <table class="adm-carrier-table">
          <thead>
            <tr>
              <th>{t('carriers.code')}</th>
              <th>{t('carriers.name')}</th>
              <th>{t('carriers.coverage')}</th>
              <th>{t('carriers.zones')}</th>
              <th class="num">{t('carriers.quality')}</th>
              <th>{t('carriers.required_by')}</th>
              <th class="num">{t('carriers.tracking_left')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.code} class="clickable" data-carrier={c.code} onClick={() => navigate('/settings/carriers?code=' + enc(c.code))}>
                <td>
                  <code>{c.code}</code>
                </td>
                <td>
                  {c.name} {c.active === false && <span class="badge">{t('carriers.inactive')}</span>}
                </td>
                <td>{c.provinces && c.provinces.length ? t('carriers.n_provinces', { n: c.provinces.length }) : t('carriers.all_provinces')}</td>
                <td>
                  {ZONES.filter((z) => c.rate_card && c.rate_card[z]).map((z) => (
                    <span key={z} class="badge adm-zone" title={`${money(c.rate_card[z].first_fen)} / ${c.rate_card[z].first_weight_g} g`}>
                      {tCode('zone', z)} {money(c.rate_card[z].first_fen)}
                    </span>
                  ))}
                </td>
                <td class="num">{c.quality_score ?? 80}</td>
                <td>{(c.channels || []).map((ch) => tCode('channel', ch)).join('、')}</td>
                <td class="num">{c.tracking_available}</td>
                <td>
                  <a href={'#/settings/carriers?code=' + enc(c.code)}>{t('carriers.edit')}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function CarriersTab({ query }) {
  const code = query.get('code');
  return code ? <CarrierEditor key={code} code={code} /> : <CarrierList />;
}
