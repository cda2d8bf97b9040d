/// <reference lib="webworker" />
// The dream worker: transport between DreamClient (the page) and one DreamSession (session.ts), which owns the
// backend, the models and every tensor. Messages in → session.receive; session events → postMessage. What the
// session needs of a worker is provided here: bitmaps, a canvas to read a bitmap seed, a macrotask yield,
// crashing and closing.
import { DreamSession } from './session';
import type { DreamCommand } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

/** A macrotask yield (MessageChannel: setTimeout(0) is clamped to ≥ 4 ms when nested). */
const yieldTask = (() => {
  let ch: MessageChannel | null = null;
  const waiting: (() => void)[] = [];
  return () => new Promise<void>((resolve) => {
    if (!ch) { ch = new MessageChannel(); ch.port1.onmessage = () => waiting.shift()?.(); }
    waiting.push(resolve);
    ch.port2.postMessage(0);
  });
})();

const session = new DreamSession({
  post: (e, transfer = []) => self.postMessage(e, transfer),
  fetch: (url) => fetch(url),
  baseUrl: self.location.href,
  toBitmap: (rgba, width, height) => createImageBitmap(new ImageData(new Uint8ClampedArray(rgba.buffer as ArrayBuffer, rgba.byteOffset, rgba.length), width, height)),
  readBitmap: (image, width, height) => {
    // A CPU-backed canvas: a GPU one reads back through the GPU process, which the page's WebGL shares (seconds on SwiftShader).
    const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('setSeedImage: no 2D canvas in this worker');
    ctx.drawImage(image, 0, 0, width, height);
    const pixels = ctx.getImageData(0, 0, width, height);
    image.close();
    return pixels;
  },
  yieldTask,
  // uncaught, outside any handler: the page's Worker.onerror sees it, as it would a real crash
  crash: (error) => setTimeout(() => { throw error; }),
  close: () => self.close(),
});

self.onmessage = (ev: MessageEvent<DreamCommand>) => void session.receive(ev.data);
