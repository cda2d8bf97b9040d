// Wording for the status line.

/**
 * The keyframe rate as a person reads it: "2.8 keyframes/s", or, when keyframes are many seconds apart (a slow
 * backend, or the dream paced down in VR), "a keyframe every 17 s" rather than "0.0 keyframes/s".
 */
export function keyframeRateText(perSecond: number): string {
  if (!(perSecond > 0 && Number.isFinite(perSecond))) return '– keyframes/s';
  if (perSecond >= 0.095) return `${perSecond.toFixed(1)} keyframes/s`;
  const s = 1 / perSecond;
  if (s < 99.5) return `a keyframe every ${s.toFixed(0)} s`;
  return `a keyframe every ${(s / 60).toFixed(1)} min`;
}
