// A fetch-shaped reader of local files, so the one model loader (src/model) also runs in Node
// (tests, scripts). Node-only: never import it from browser code.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export function fileFetch(url: string) {
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  return readFile(path).then(
    (buf) => ({
      ok: true,
      status: 200,
      json: async () => JSON.parse(buf.toString('utf8')) as unknown,
      arrayBuffer: async () => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer,
    }),
    () => ({ ok: false, status: 404, json: async () => { throw new Error('not found'); }, arrayBuffer: async () => { throw new Error('not found'); } }),
  );
}
