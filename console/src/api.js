// The console's only way to the server: the public /v1 API, signed in by the session cookie.
// Changes carry the session's CSRF token; errors come back as ApiError with the server's
// problem document (code, detail and the field errors of a 422).

let csrfToken = null;
const signedOutListeners = new Set();

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || 'http_' + status;
    this.problem = problem;
    this.fields = Array.isArray(problem.errors) ? problem.errors : [];
  }

  // The error for one field path ("address.city"), or undefined.
  field(path) {
    return this.fields.find((e) => e.field === path);
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

// Called when the server says the session is gone (401), so the shell shows the sign-in.
export function onSignedOut(fn) {
  signedOutListeners.add(fn);
  return () => signedOutListeners.delete(fn);
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

// path is under /v1 ("/orders?status=paid"). Returns the parsed JSON body (or text for
// other types, null for an empty answer); throws ApiError for any status >= 400.
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let resp;
  try {
    resp = await fetch('/v1' + path, init);
  } catch (e) {
    throw new ApiError(0, { code: 'network', detail: String(e.message || e) });
  }
  const type = resp.headers.get('Content-Type') || '';
  const text = await resp.text();
  let data = text;
  if (type.includes('json') && text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text };
    }
  }
  if (!resp.ok) {
    const problem = typeof data === 'object' && data ? data : { detail: text };
    if (resp.status === 401 && path !== '/session') signedOutListeners.forEach((fn) => fn());
    throw new ApiError(resp.status, problem);
  }
  return text ? data : null;
}

export const get = (path, params) => api('GET', path + query(params));
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const put = (path, body) => api('PUT', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

export const enc = encodeURIComponent;

export async function currentSession() {
  const s = await get('/session');
  setCsrfToken(s.csrf_token || null);
  return s;
}

export async function signIn(name, password) {
  const s = await post('/session', { name, password });
  setCsrfToken(s.csrf_token);
  return s;
}

export async function signOut() {
  try {
    await del('/session');
  } finally {
    setCsrfToken(null);
  }
}
