// Stand-ins for the browser pieces DreamClient uses (Worker, ImageBitmap), shared by its unit tests.
import type { DreamEvent } from '../../../src/dream/protocol';

export class FakeWorker {
  static all: FakeWorker[] = [];
  posted: { type: string; [k: string]: unknown }[] = [];
  terminated = false;
  onmessage: ((ev: { data: DreamEvent }) => void) | null = null;
  onerror: ((ev: { message: string; preventDefault(): void }) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  constructor() { FakeWorker.all.push(this); }
  postMessage(m: { type: string }) { this.posted.push(m); }
  terminate() { this.terminated = true; }
  types() { return this.posted.map((m) => m.type); }
  emit(e: DreamEvent) { this.onmessage?.({ data: e }); }
  crash(message = 'boom') { this.onerror?.({ message, preventDefault() {} }); }
}
/** A keyframe event as the worker posts it: an 8×8 bitmap stand-in and its pixels (every byte `fill`). */
export const keyframeEvent = (id: string, fill: number, index = 1): Extract<DreamEvent, { type: 'keyframe' }> => ({
  type: 'keyframe', bitmap: bitmap(id) as unknown as ImageBitmap, pixels: new Uint8ClampedArray(8 * 8 * 4).fill(fill),
  index, stepZoom: index === 1 ? 1 : 1.05, reset: index === 1, focus: [0.5, 0.5], width: 8, height: 8, recipe: 'faces', ms: 1,
});
export interface RgbaLike { data: Uint8ClampedArray; width: number; height: number }
export interface FakeBitmap { id: string; closed: boolean; close(): void }
export const bitmap = (id: string): FakeBitmap => ({ id, closed: false, close() { this.closed = true; } });
/** Lets pending promise callbacks (createImageBitmap copies) run. */
export const flush = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };
