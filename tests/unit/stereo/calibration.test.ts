import { describe, it, expect } from 'vitest';
import { calibrationPattern, decodeCalibrationPixel, isGridTexel, CALIBRATION_SIZE, LEFT_EYE_MARK, RIGHT_EYE_MARK } from '../../../src/stereo/calibration';

describe('calibrationPattern', () => {
  it('encodes texel column and row in R and G, eye in B', () => {
    const px = calibrationPattern('left', 0);
    expect(px.length).toBe(CALIBRATION_SIZE * CALIBRATION_SIZE * 4);
    const at = (x: number, y: number) => Array.from(px.slice((y * CALIBRATION_SIZE + x) * 4, (y * CALIBRATION_SIZE + x) * 4 + 4));
    expect(at(37, 201)).toEqual([37, 201, LEFT_EYE_MARK, 255]);
    expect(at(32, 5)[2]).toBe(255); // grid line
  });

  it('right-eye copy is the left pattern moved right by exactly shiftPx, wrapping', () => {
    for (const shift of [0, 1, 8, -5, 300]) {
      const l = calibrationPattern('left', shift);
      const r = calibrationPattern('right', shift);
      for (const [x, y] of [[0, 0], [10, 40], [255, 255], [128, 77]]) {
        const sx = (((x - shift) % 256) + 256) % 256;
        const ro = (y * 256 + x) * 4, lo = (y * 256 + sx) * 4;
        expect(r[ro]).toBe(l[lo]);
        expect(r[ro + 1]).toBe(l[lo + 1]);
        expect(r[ro + 2]).toBe(isGridTexel(sx, y) ? 255 : RIGHT_EYE_MARK);
      }
    }
  });

  it('rejects non-integer shifts and bad sizes with exact messages', () => {
    expect(() => calibrationPattern('right', 1.5)).toThrow('calibrationPattern: shiftPx must be an integer, got 1.5');
    expect(() => calibrationPattern('left', 0, 512)).toThrow('size must be an integer in [2, 256], got 512');
  });
});

describe('decodeCalibrationPixel', () => {
  it('tells eyes apart and ignores grid lines and foreign colours', () => {
    expect(decodeCalibrationPixel(12, 34, LEFT_EYE_MARK)).toEqual({ eye: 'left', column: 12, row: 34 });
    expect(decodeCalibrationPixel(12, 34, RIGHT_EYE_MARK + 3)).toEqual({ eye: 'right', column: 12, row: 34 });
    expect(decodeCalibrationPixel(12, 34, 255)).toBeNull();
    expect(decodeCalibrationPixel(5, 6, 10)).toBeNull();
  });
});
