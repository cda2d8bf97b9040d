// Procedural calibration pattern: the stand-in for dream frames until the dream worker feeds
// the screen. It is built so a read-back pixel says exactly where it came from:
//   R = texel column x (0..255), G = texel row y (0..255), B = eye marker.
// The visible result is a red/green colour ramp with a white grid and a target ring, which also
// makes a stereo pair easy to judge by eye. The right-eye copy is the left pattern moved right by
// `shiftPx` texels (wrapping), i.e. uniform uncrossed disparity: the screen appears behind itself.

export const CALIBRATION_SIZE = 256;
/** B channel of the left-eye pattern (off the grid lines). */
export const LEFT_EYE_MARK = 100;
/** B channel of the right-eye pattern (off the grid lines). */
export const RIGHT_EYE_MARK = 124;
/** B channel of grid lines and the target ring, in both eyes. */
export const GRID_MARK = 255;
export const GRID_SPACING = 32;

export type Eye = 'left' | 'right';

/** Is texel (x, y) of the unshifted pattern on a grid line or the centre ring? */
export function isGridTexel(x: number, y: number, size = CALIBRATION_SIZE): boolean {
  if (x % GRID_SPACING === 0 || y % GRID_SPACING === 0) return true;
  const c = size / 2;
  const r = Math.hypot(x + 0.5 - c, y + 0.5 - c);
  return Math.abs(r - size * 0.18) < 1;
}

/**
 * RGBA8 pixels of the calibration pattern for one eye, rows top to bottom.
 * @param shiftPx content shift of the right eye in texels (positive = moved right); ignored for the left eye.
 */
export function calibrationPattern(eye: Eye, shiftPx: number, size = CALIBRATION_SIZE): Uint8Array {
  if (!Number.isInteger(shiftPx)) throw new Error(`calibrationPattern: shiftPx must be an integer, got ${shiftPx}`);
  if (size < 2 || size > 256 || !Number.isInteger(size)) {
    throw new Error(`calibrationPattern: size must be an integer in [2, 256], got ${size}`);
  }
  const shift = eye === 'right' ? shiftPx : 0;
  const mark = eye === 'right' ? RIGHT_EYE_MARK : LEFT_EYE_MARK;
  const out = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sx = (((x - shift) % size) + size) % size; // source texel of the left pattern
      const o = (y * size + x) * 4;
      out[o] = sx;
      out[o + 1] = y;
      out[o + 2] = isGridTexel(sx, y, size) ? GRID_MARK : mark;
      out[o + 3] = 255;
    }
  }
  return out;
}

/**
 * Decodes a read-back pixel of the pattern: which eye's copy it is and which left-pattern column it shows.
 * Returns null on grid lines (they are shared by both eyes) or for colours the pattern never produces.
 */
export function decodeCalibrationPixel(r: number, g: number, b: number): { eye: Eye; column: number; row: number } | null {
  const near = (v: number, t: number) => Math.abs(v - t) <= 8;
  if (near(b, LEFT_EYE_MARK)) return { eye: 'left', column: r, row: g };
  if (near(b, RIGHT_EYE_MARK)) return { eye: 'right', column: r, row: g };
  return null;
}
