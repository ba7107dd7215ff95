// Chinese first (the default), English second. Each screen registers its own words next to
// its code, so a screen is one file; common words live in i18n_common.js.
import { useEffect, useState } from 'preact/hooks';

const dictionaries = { zh: {}, en: {} };
const listeners = new Set();
let lang = readSavedLang();

function readSavedLang() {
  try {
    const saved = localStorage.getItem('ordo.lang');
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    /* storage may be off; the default stands */
  }
  return 'zh';
}

// words: { key: [chinese, english] }. A key registered twice keeps the last.
export function register(words) {
  for (const [key, [zh, en]] of Object.entries(words)) {
    dictionaries.zh[key] = zh;
    dictionaries.en[key] = en;
  }
}

export function getLang() {
  return lang;
}

export function setLang(next) {
  if (next !== 'zh' && next !== 'en') return;
  lang = next;
  try {
    localStorage.setItem('ordo.lang', next);
  } catch {
    /* not remembered, still switched */
  }
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  listeners.forEach((fn) => fn(next));
}

// t('orders.count', {n: 3}) with "{n} 个订单" in the dictionary. An unknown key shows
// itself, so a missing word is visible on screen rather than blank.
export function t(key, vars) {
  let s = dictionaries[lang][key] ?? dictionaries.zh[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

// A word that comes from the server (a status, a reason code): its translation when one is
// registered under prefix.code, else the code itself.
export function tCode(prefix, code) {
  if (code === null || code === undefined) return '';
  const key = prefix + '.' + code;
  return key in dictionaries[lang] || key in dictionaries.zh ? t(key) : String(code);
}

// Re-renders the calling component when the language changes.
export function useLang() {
  const [current, setCurrent] = useState(lang);
  useEffect(() => {
    listeners.add(setCurrent);
    return () => listeners.delete(setCurrent);
  }, []);
  return current;
}

export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}
