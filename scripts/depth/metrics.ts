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

/** The "dream stands out" check on one image: do the figures (mask ≥ 128 of 255) come out nearer than the ring of
 *  pixels around them (within S/24 px, sky included: a figure against the sky must stand out too)? */
export interface StandOut { nearer: boolean; contrast: number }

const median = (xs: number[]): number => { const s = [...xs].sort((p, q) => p - q); return s.length % 2 ? s[s.length >> 1] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]); };

/** pred: disparity-like (larger = nearer) [S·S]; truth: true disparity (figures are judged only where they are
 *  surfaces); mask: figure coverage 0–255. contrast = (median over the figures − median over the ring) / the
 *  2–98 % range of the prediction over figures and ring together: how big a step the relief makes there, in [−1, 1]
 *  and comparable between net and truth (whose step is nearly all of its range). Null when
 *  the figures or the ring have fewer than 8 pixels. */
export function standsOut(pred: ArrayLike<number>, truth: ArrayLike<number>, mask: ArrayLike<number>, S: number): StandOut | null {
  const fig = new Uint8Array(S * S), grown = new Uint8Array(S * S), rad = Math.max(2, Math.round(S / 24));
  for (let p = 0; p < S * S; p++) fig[p] = mask[p] >= 128 && truth[p] >= 1 / MAX_DEPTH ? 1 : 0;
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    if (mask[y * S + x] < 128) continue;
    for (let dy = -rad; dy <= rad; dy++) for (let dx = -rad; dx <= rad; dx++) {
      const yy = y + dy, xx = x + dx;
      if (yy >= 0 && yy < S && xx >= 0 && xx < S && dx * dx + dy * dy <= rad * rad) grown[yy * S + xx] = 1;
    }
  }
  const inFig: number[] = [], inRing: number[] = [];
  for (let p = 0; p < S * S; p++) {
    if (fig[p]) inFig.push(pred[p]);
    else if (grown[p] && mask[p] === 0) inRing.push(pred[p]);
  }
  if (inFig.length < 8 || inRing.length < 8) return null;
  const all = [...inFig, ...inRing].sort((p, q) => p - q);
  const range = Math.max(1e-9, all[Math.floor(0.98 * (all.length - 1))] - all[Math.floor(0.02 * (all.length - 1))]);
  const step = median(inFig) - median(inRing);
  return { nearer: step > 0, contrast: step / range };
}

export function summariseStandOut(rows: StandOut[]): { images: number; nearer: number; contrast: number } {
  return { images: rows.length, nearer: rows.filter((r) => r.nearer).length / rows.length, contrast: rows.reduce((s, r) => s + r.contrast, 0) / rows.length };
}
