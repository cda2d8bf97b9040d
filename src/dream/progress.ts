// Byte-level loading progress of the real model files. `trackedFetch` wraps fetch for one model: it reads
// each body itself, counting bytes as they arrive, and reports {loaded, total}. The total is known as soon
// as model.json is in: its own size plus the size of every weight its weightsManifest lists (the shards
// hold exactly those bytes, in order). Should a shard hold more than that (an unknown dtype), the total
// grows to what arrived, so the bar always ends at loaded = total.
// No TF.js import: the page's tests and the worker share it.

export interface WeightSpecLike {
  shape: number[];
  dtype: string;
  quantization?: { dtype?: string };
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, float16: 2, uint16: 2, int16: 2, uint8: 1, int8: 1, bool: 1, complex64: 8 };

/** Bytes the shards of a TF.js weightsManifest hold (quantized weights at their stored width). */
export function weightsByteLength(manifest: readonly { weights: readonly WeightSpecLike[] }[]): number {
  let n = 0;
  for (const group of manifest) {
    for (const w of group.weights) {
      const bytes = DTYPE_BYTES[w.quantization?.dtype ?? w.dtype];
      if (bytes === undefined) continue; // strings etc.: the arrived bytes correct the total
      n += w.shape.reduce((a, b) => a * b, 1) * bytes;
    }
  }
  return n;
}

export interface LoadProgress { what: string; loaded: number; total: number }

/** What the wrapped fetch returns: fetch's shape, as far as the model loaders use it. */
export interface TrackedResponse { ok: boolean; status: number; json(): Promise<unknown>; arrayBuffer(): Promise<ArrayBuffer> }

/** What it reads: a Response, or anything with its shape; without a body stream each file counts in one piece. */
export interface FetchedBody extends TrackedResponse { body?: ReadableStream<Uint8Array> | null }

/**
 * A fetch for one model's files that reports progress. `report` is called when model.json is in (with
 * the total), then as shard bytes arrive (at most every `stepFraction` of the total), and always when
 * loaded reaches total.
 */
export function trackedFetch(what: string, report: (p: LoadProgress) => void, fetchFn: (url: string) => Promise<FetchedBody> = (u) => fetch(u), stepFraction = 0.01): (url: string) => Promise<TrackedResponse> {
  const p: LoadProgress = { what, loaded: 0, total: 0 };
  let lastReported = -Infinity;
  const tell = (force: boolean) => {
    if (p.loaded > p.total) p.total = p.loaded;
    if (!force && p.loaded === lastReported) return;
    if (force || p.loaded >= p.total || p.loaded - lastReported >= stepFraction * p.total) {
      lastReported = p.loaded;
      report({ ...p });
    }
  };
  return async (url) => {
    const res = await fetchFn(url);
    if (!res.ok) return { ok: false, status: res.status, json: () => res.json(), arrayBuffer: () => res.arrayBuffer() };
    const isJson = /\.json(\?|#|$)/.test(url);
    const bytes = await readCounting(res, (n) => { p.loaded += n; if (!isJson) tell(false); });
    if (isJson) {
      // model.json is read whole before anything is reported: its decoded size is exact (Content-Length
      // would be the compressed size when the server compresses).
      p.total += bytes.byteLength;
      let parsed: unknown;
      try { parsed = JSON.parse(new TextDecoder().decode(bytes)); } catch { parsed = undefined; }
      const wm = (parsed as { weightsManifest?: unknown } | undefined)?.weightsManifest;
      if (Array.isArray(wm)) p.total += weightsByteLength(wm as { weights: WeightSpecLike[] }[]);
      tell(true);
      return { ok: true, status: res.status, json: async () => { if (parsed === undefined) throw new Error(`${url} is not valid JSON`); return parsed; }, arrayBuffer: async () => bytes.buffer as ArrayBuffer };
    }
    tell(false);
    return { ok: true, status: res.status, json: async () => JSON.parse(new TextDecoder().decode(bytes)), arrayBuffer: async () => bytes.buffer as ArrayBuffer };
  };
}

/** The whole body, counting chunks as they arrive (one count when the body cannot be streamed). */
async function readCounting(res: FetchedBody, onBytes: (n: number) => void): Promise<Uint8Array> {
  const reader = res.body?.getReader();
  if (!reader) {
    const b = new Uint8Array(await res.arrayBuffer());
    onBytes(b.byteLength);
    return b;
  }
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    n += value.byteLength;
    onBytes(value.byteLength);
  }
  const out = new Uint8Array(n);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.byteLength; }
  return out;
}
