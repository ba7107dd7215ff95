// The console's shell: signs the user in, shows the menu their role has, and renders the
// screen the address names.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentSession, onSignedOut, signOut } from './api.js';
import { getLang, setLang, t, tCode, useLang } from './i18n.js';
import './i18n_common.js';
import { closeLive } from './live.js';
import { menuFor } from './menu.js';
import { match, useRoute } from './router.js';
import { screens } from './screens/index.js';
import { SignIn } from './screens/signin.jsx';
import 'uplot/dist/uPlot.min.css';
import './style.css';

function findScreen(path) {
  for (const s of screens) {
    const params = match(s.path, path);
    if (params) return { screen: s, params };
  }
  return null;
}

function Shell({ session, onSignOut }) {
  useLang();
  const path = useRoute();
  const found = findScreen(path);
  const items = menuFor(session.role);
  const allowed = !found || !found.screen.roles || found.screen.roles.includes(session.role);
  const Screen = found && found.screen.component;
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href="#/">ordo</a>
        <nav class="menu">
          {items.map((m) => (
            <a
              key={m.path}
              href={'#' + m.path}
              class={path === m.path || path.startsWith(m.path + '/') ? 'active' : ''}
            >
              {t(m.label)}
            </a>
          ))}
        </nav>
        <span class="who" data-role={session.role}>
          {t('app.signed_in_as', { user: session.user, role: tCode('role', session.role) })}
        </span>
        <button class="link lang" onClick={() => setLang(getLang() === 'zh' ? 'en' : 'zh')}>
          {t('app.language')}
        </button>
        <button class="link signout" onClick={onSignOut}>
          {t('app.sign_out')}
        </button>
      </header>
      <main class="screen">
        {!found && <p class="empty">{t('app.not_found')}</p>}
        {found && !allowed && <p class="error-box">{t('app.forbidden')}</p>}
        {found && allowed && <Screen session={session} params={found.params} path={path} />}
      </main>
    </div>
  );
}

function App() {
  const [session, setSession] = useState(undefined); // undefined: asking; null: signed out
  useEffect(() => {
    currentSession().then(setSession, () => setSession(null));
    return onSignedOut(() => {
      closeLive();
      setSession(null);
    });
  }, []);
  useEffect(() => {
    document.documentElement.lang = getLang() === 'zh' ? 'zh-CN' : 'en';
  }, []);
  if (session === undefined) return null;
  if (session === null) return <SignIn onSignedIn={setSession} />;
  const doSignOut = () =>
    signOut().finally(() => {
      closeLive();
      setSession(null);
    });
  return <Shell session={session} onSignOut={doSignOut} />;
}

render(<App />, document.getElementById('app'));
