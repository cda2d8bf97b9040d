// Depth evaluation metrics, identical to training/depth/losses.py (depth_metrics): per image,
// least-squares scale (≥ 0) and shift from predicted to true disparity on valid pixels (not sky,
// true depth ≤ MAX_DEPTH), aligned disparity clamped to the smallest valid true disparity, then
// AbsRel and δ<1.25 in depth.
export const MAX_DEPTH = 100;

export interface ImageMetrics { absRel: number; delta1: number; freeScale: number }

export function depthMetrics(pred: ArrayLike<number>, trueDisp: ArrayLike<number>, maxDepth = MAX_DEPTH): ImageMetrics | null {
  const idx: number[] = [];
  let minTrue = Infinity;
  for (let i = 0; i < trueDisp.length; i++) if (trueDisp[i] >= 1 / maxDepth) { idx.push(i); minTrue = Math.min(minTrue, trueDisp[i]); }
  if (idx.length < 16) return null;
  let pm = 0, tm = 0;
  for (const i of idx) { pm += pred[i]; tm += trueDisp[i]; }
  pm /= idx.length; tm /= idx.length;
  let cov = 0, varP = 0;
  for (const i of idx) { cov += (pred[i] - pm) * (trueDisp[i] - tm); varP += (pred[i] - pm) ** 2; }
  const freeScale = varP > 1e-18 ? cov / varP : 0;
  const s = Math.max(freeScale, 0), b = tm - s * pm;
  let absRel = 0, good = 0;
  for (const i of idx) {
    const zp = 1 / Math.max(pred[i] * s + b, minTrue), zt = 1 / trueDisp[i];
    absRel += Math.abs(zp - zt) / zt;
    if (Math.max(zp / zt, zt / zp) < 1.25) good++;
  }
  return { absRel: absRel / idx.length, delta1: good / idx.length, freeScale };
}

export interface Summary { absRel: number; delta1: number; positiveScale: number; images: number }

export function summarise(rows: (ImageMetrics | null)[]): Summary {
  const ok = rows.filter((r): r is ImageMetrics => r !== null);
  const mean = (f: (r: ImageMetrics) => number) => ok.reduce((s, r) => s + f(r), 0) / ok.length;
  return { absRel: mean((r) => r.absRel), delta1: mean((r) => r.delta1), positiveScale: mean((r) => (r.freeScale > 0 ? 1 : 0)), images: ok.length };
}
