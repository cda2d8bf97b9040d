// A strided conv's input gradient as one stride-1 conv per output phase, instead of one conv over dy with
// s−1 zeros inserted after each sample (src/tf/overrides/compose.ts's dilateAndPad), which multiplies by zero in
// (s²−1)/s² of its taps: 3/4 of the work at stride 2. Per spatial axis (input H, dy length oh, filter K, stride
// s, forward leading pad p), the dx samples i = s·q + r of phase r only ever meet the filter taps
// k ≡ r + p (mod s):
//   dx[s·q + r] = Σ_m dy[q + t − m] · w[c + s·m],   c = (r + p) mod s,  t = (r + p − c) / s,  m < ⌈(K − c) / s⌉
// which is a VALID stride-1 conv of dy (padded M − 1 − t before) with those taps flipped. The phases' outputs are
// then interleaved into dx on the wasm heap. Dilated convs keep the zero-insertion path.
import type { BackpropGeometry, ConvPad, Info, KernelFn, kernelScope } from '../../overrides/compose';
import { wasmBackend } from '../internals';
import { interleavePhasesOnHeap, type PhasePart } from '../heap/copy';

/** One phase r of one axis: the dx samples s·q + r (q < count), from `taps` filter taps c, c + s, … */
export interface AxisPhase {
  r: number;
  /** The first filter tap of this phase, and how many taps it has (0: this phase's dx is zero). */
  c: number; taps: number;
  /** How many dx samples the phase has. */
  count: number;
  /** Padding of dy before / after for the VALID conv (negative: crop that many samples). */
  before: number; after: number;
  /** Zero taps in front of the flipped taps (`phasedInputGrad`'s `evenTaps`), counted in `before`. */
  lead: number;
}

/** The s phases of one axis: dx length H, dy length oh, filter K, stride s, the forward conv's leading pad p. */
export function axisPhases(H: number, oh: number, K: number, s: number, p: number): AxisPhase[] {
  const out: AxisPhase[] = [];
  for (let r = 0; r < s; r++) {
    const c = (((r + p) % s) + s) % s;
    const t = (r + p - c) / s;
    const taps = c < K ? Math.ceil((K - c) / s) : 0;
    const count = H > r ? Math.ceil((H - r) / s) : 0;
    out.push({ r, c, taps, count, before: taps - 1 - t, after: count + t - oh, lead: 0 });
  }
  return out;
}

/** Whether the phase path applies: a stride above 1 and no dilation. */
export const phasesApply = (g: BackpropGeometry): boolean => (g.sh > 1 || g.sw > 1) && g.dh === 1 && g.dw === 1;

/** The phases with every one widened to the most taps any has, by zero taps in front (`lead`). */
function evenOut(phases: AxisPhase[]): AxisPhase[] {
  const most = Math.max(...phases.map((p) => p.taps));
  return phases.map((p) => (p.taps === 0 ? p : { ...p, lead: most - p.taps, before: p.before + most - p.taps }));
}

/**
 * dx [b,H,W,outC] of a strided conv from dy, one `conv(z, pad, py, px)` per phase pair with taps (z: dy, cropped
 * where a pad is negative; the conv must be VALID stride 1 over z padded by `pad`, with phase (py, px)'s taps
 * flipped, after `lead` zero taps). `evenTaps`: every phase gets the same filter size (XNNPACK's depthwise conv
 * has fast kernels for 2×2 but not for 2×1 or 1×2: 1.1 ms vs 0.06 ms on 32²×96).
 */
export function phasedInputGrad(
  scope: ReturnType<typeof kernelScope>, slice: KernelFn, backend: unknown, dy: Info, g: BackpropGeometry, outC: number,
  conv: (z: Info, pad: ConvPad, py: AxisPhase, px: AxisPhase) => Info, evenTaps = false,
): Info {
  const { b, H, W, oh, ow } = g;
  let ys = axisPhases(H, oh, g.kh, g.sh, g.padTop), xs = axisPhases(W, ow, g.kw, g.sw, g.padLeft);
  if (evenTaps) { ys = evenOut(ys); xs = evenOut(xs); }
  const parts: PhasePart[] = [];
  for (const py of ys) {
    for (const px of xs) {
      if (py.taps === 0 || px.taps === 0 || py.count === 0 || px.count === 0) continue;
      let z = dy;
      const [t0, b0, l0, r0] = [-py.before, -py.after, -px.before, -px.after].map((v) => Math.max(v, 0));
      if (t0 + b0 + l0 + r0 > 0) z = scope.run(slice, { x: dy }, { begin: [0, t0, l0, 0], size: [b, oh - t0 - b0, ow - l0 - r0, g.C] });
      const pad: ConvPad = [[0, 0], [Math.max(py.before, 0), Math.max(py.after, 0)], [Math.max(px.before, 0), Math.max(px.after, 0)], [0, 0]];
      parts.push({ part: conv(z, pad, py, px), ry: py.r, rx: px.r });
    }
  }
  const full = ys.every((p) => p.taps > 0 || p.count === 0) && xs.every((p) => p.taps > 0 || p.count === 0);
  return scope.run(() => interleavePhasesOnHeap(wasmBackend(backend), parts, [b, H, W, outC], g.sh, g.sw, !full), {});
}
