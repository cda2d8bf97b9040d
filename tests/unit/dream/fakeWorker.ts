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
export interface FakeBitmap { id: string; closed: boolean; close(): void }
export const bitmap = (id: string): FakeBitmap => ({ id, closed: false, close() { this.closed = true; } });
/** Lets pending promise callbacks (createImageBitmap copies) run. */
export const flush = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };
