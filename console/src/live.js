// The live event stream (GET /v1/events/stream, Server-Sent Events), opened once and shared
// by every screen that listens. EventSource reconnects by itself with Last-Event-ID.
import { useEffect, useState } from 'preact/hooks';

let source = null;
const handlers = new Map(); // type -> Set(fn)
const stateListeners = new Set();
let connected = false;

function setConnected(v) {
  connected = v;
  stateListeners.forEach((fn) => fn(v));
}

function ensureOpen() {
  if (source) return;
  source = new EventSource('/v1/events/stream?types=*', { withCredentials: true });
  source.onopen = () => setConnected(true);
  source.onerror = () => setConnected(false);
  for (const type of handlers.keys()) attach(type);
}

function attach(type) {
  source.addEventListener(type, (ev) => {
    let msg = null;
    try {
      msg = JSON.parse(ev.data);
    } catch {
      return;
    }
    (handlers.get(type) || []).forEach((fn) => fn(msg));
  });
}

export function closeLive() {
  if (source) source.close();
  source = null;
  setConnected(false);
}

// Calls fn(message) for each event of type while the component is mounted.
export function useLiveEvent(type, fn) {
  useEffect(() => {
    let set = handlers.get(type);
    const isNew = !set;
    if (!set) handlers.set(type, (set = new Set()));
    set.add(fn);
    if (source && isNew) attach(type);
    ensureOpen();
    return () => set.delete(fn);
  }, [type, fn]);
}

export function useLiveState() {
  const [v, setV] = useState(connected);
  useEffect(() => {
    stateListeners.add(setV);
    return () => stateListeners.delete(setV);
  }, []);
  return v;
}
