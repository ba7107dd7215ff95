// Sign-in: name and password for the session cookie. A wrong name and a wrong password get
// the same answer from the server, and so from this page.
import { useState } from 'preact/hooks';
import { signIn } from '../api.js';
import { getLang, setLang, t, useLang } from '../i18n.js';

export function SignIn({ onSignedIn }) {
  useLang();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(name.trim(), password));
    } catch (e) {
      setError(e.status === 401 ? t('signin.failed') : e.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="signin">
      <form class="card" onSubmit={submit}>
        <h1>{t('app.title')}</h1>
        <label class="field">
          <span class="field-label">{t('signin.name')}</span>
          <input name="name" autocomplete="username" value={name} onInput={(e) => setName(e.currentTarget.value)} required autofocus />
        </label>
        <label class="field">
          <span class="field-label">{t('signin.password')}</span>
          <input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </label>
        {error && <div class="error-box" role="alert">{error}</div>}
        <button type="submit" class="primary" disabled={busy}>
          {t('signin.submit')}
        </button>
        <button type="button" class="link lang" onClick={() => setLang(getLang() === 'zh' ? 'en' : 'zh')}>
          {t('app.language')}
        </button>
      </form>
    </div>
  );
}
