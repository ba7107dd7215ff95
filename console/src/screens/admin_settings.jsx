// Settings (admin): review rules, carriers and their rate cards, webhooks and their delivery
// log, one tab each (#/settings/rules, /carriers, /webhooks).
import { register, t, useLang } from '../i18n.js';
import { queryOf } from '../router.js';
import { Tabs } from './admin_common.jsx';
import { CarriersTab } from './admin_carriers.jsx';
import { RulesTab } from './admin_rules.jsx';
import { WebhooksTab } from './admin_webhooks.jsx';

register({
  'settings.title': ['设置', 'Settings'],
  'settings.tab.rules': ['审核规则', 'Review rules'],
  'settings.tab.carriers': ['承运商与运费', 'Carriers and rates'],
  'settings.tab.webhooks': ['Webhook 推送', 'Webhooks'],
});

const TABS = [
  { key: 'rules', href: '/settings/rules', label: 'settings.tab.rules' },
  { key: 'carriers', href: '/settings/carriers', label: 'settings.tab.carriers' },
  { key: 'webhooks', href: '/settings/webhooks', label: 'settings.tab.webhooks' },
];

export function SettingsScreen({ params, path }) {
  useLang();
  const tab = TABS.some((x) => x.key === params.tab) ? params.tab : 'rules';
  const query = queryOf(path);
  return (
    <div class="adm-settings" data-tab={tab}>
      <h1>{t('settings.title')}</h1>
      <Tabs tabs={TABS} current={tab} />
      {tab === 'rules' && <RulesTab />}
      {tab === 'carriers' && <CarriersTab query={query} />}
      {tab === 'webhooks' && <WebhooksTab query={query} />}
    </div>
  );
}
