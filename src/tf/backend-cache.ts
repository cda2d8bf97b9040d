// The auto backend choice, remembered per browser: timing every candidate costs seconds at start-up (on
// SwiftShader the WebGL warm-up alone takes several), and the answer rarely changes. Stored in IndexedDB,
// which workers have (localStorage they do not). Any failure to read or write is a cache miss, never an error.
import type { BackendName } from '../platform';

export interface CachedChoice { backend: BackendName; timingsMs: Partial<Record<BackendName, number>>; at: number; agent: string }

const DB = 'dream-goggles', STORE = 'backend', KEY = 'choice';
/** Re-time after a week, or when the browser (user agent) changed. */
export const CHOICE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

function open(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return new Promise((resolve) => {
    try {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => { if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE); };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
      req.onblocked = () => resolve(null);
    } catch { resolve(null); }
  });
}

const agent = () => (typeof navigator !== 'undefined' ? navigator.userAgent : 'node');

/** Whether a stored choice may be used now. */
export function choiceValid(c: unknown, now: number, ua: string): c is CachedChoice {
  const x = c as CachedChoice | null;
  return !!x && typeof x.backend === 'string' && typeof x.at === 'number' && now - x.at >= 0 && now - x.at < CHOICE_MAX_AGE_MS && x.agent === ua;
}

export async function loadChoice(): Promise<CachedChoice | null> {
  const db = await open();
  if (!db) return null;
  return new Promise((resolve) => {
    try {
      const req = db.transaction(STORE, 'readonly').objectStore(STORE).get(KEY);
      req.onsuccess = () => { db.close(); resolve(choiceValid(req.result, Date.now(), agent()) ? req.result : null); };
      req.onerror = () => { db.close(); resolve(null); };
    } catch { db.close(); resolve(null); }
  });
}

export async function saveChoice(backend: BackendName, timingsMs: Partial<Record<BackendName, number>>): Promise<void> {
  const db = await open();
  if (!db) return;
  await new Promise<void>((resolve) => {
    try {
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put({ backend, timingsMs, at: Date.now(), agent: agent() } satisfies CachedChoice, KEY);
      tx.oncomplete = tx.onerror = tx.onabort = () => { db.close(); resolve(); };
    } catch { db.close(); resolve(); }
  });
}

export async function clearChoice(): Promise<void> {
  const db = await open();
  if (!db) return;
  await new Promise<void>((resolve) => {
    try {
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).delete(KEY);
      tx.oncomplete = tx.onerror = tx.onabort = () => { db.close(); resolve(); };
    } catch { db.close(); resolve(); }
  });
}
