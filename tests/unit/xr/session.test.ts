import { describe, it, expect } from 'vitest';
import { pickReferenceSpace, contentHeight, DEFAULT_EYE_HEIGHT } from '../../../src/xr/session';

const fakeSession = (granted: string[]) => ({
  requestReferenceSpace: async (t: XRReferenceSpaceType) => {
    if (!granted.includes(t)) throw new DOMException('not supported', 'NotSupportedError');
    return {} as XRReferenceSpace;
  },
});

describe('pickReferenceSpace', () => {
  it('prefers local-floor and falls back to local', async () => {
    expect(await pickReferenceSpace(fakeSession(['local', 'local-floor']))).toBe('local-floor');
    expect(await pickReferenceSpace(fakeSession(['local']))).toBe('local');
    await expect(pickReferenceSpace(fakeSession([]))).rejects.toThrow('grants none of the reference spaces local-floor, local');
  });
  it('puts the screen at eye level in either space', () => {
    expect(contentHeight('local-floor')).toBe(DEFAULT_EYE_HEIGHT);
    expect(contentHeight('local')).toBe(0);
  });
});
