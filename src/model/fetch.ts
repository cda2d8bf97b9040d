// How model files are read, for both loaders (the dream networks' and the depth net's): one fetch-shaped
// function — the browser's fetch, the worker's progress-counting wrapper (src/dream/progress.ts), or Node's
// file reader (src/tf/file-fetch.ts) — and the weight shards of a TF.js weights manifest, fetched and joined.

/** What the loaders read from a response: fetch's shape, as far as they use it. */
export interface FetchResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Anything with fetch's shape: window.fetch, a progress-counting wrapper of it, or the fs-backed one in Node. */
export type FetchLike = (url: string) => Promise<FetchResponse>;

/** The folder of a file's URL, with its trailing '/' ('' when the URL names no folder). */
export const folderOf = (url: string): string => url.slice(0, url.lastIndexOf('/') + 1);

/**
 * The shards of every group of a weights manifest, in the manifest's order, each fetched relative to the folder of
 * `modelUrl` through `open` (the loader's own fetch, which says in its words what is wrong with a missing file).
 */
export async function fetchShards(modelUrl: string, groups: readonly { paths: readonly string[] }[], open: (url: string) => Promise<FetchResponse>): Promise<ArrayBuffer[]> {
  const dir = folderOf(modelUrl);
  const shards: ArrayBuffer[] = [];
  for (const group of groups) for (const p of group.paths) shards.push(await (await open(dir + p)).arrayBuffer());
  return shards;
}

/** The shards as one buffer, in order: the layout tf.io's weight decoding expects. */
export function joinShards(shards: readonly ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(shards.reduce((n, b) => n + b.byteLength, 0));
  shards.reduce((off, b) => (out.set(new Uint8Array(b), off), off + b.byteLength), 0);
  return out.buffer;
}
