import { describe, it, expect } from 'vitest';
import { decodeShareParams, encodeShareParams, RNG_MAX, type ShareParams } from '../../../src/ui/recipeUrl';

const known = { recipes: ['crowds', 'faces'], seeds: ['noise', 'rings', 'waves'] };
const full: ShareParams = { recipe: 'faces', seed: 'rings', zoom: 1.5, rng: 42, mode: 'side-by-side' };

describe('recipe URL', () => {
  it('round-trips every parameter', () => {
    const { search, warnings } = encodeShareParams(full);
    expect(warnings).toEqual([]);
    const d = decodeShareParams(search, known);
    expect(d.warnings).toEqual([]);
    expect(d.params).toEqual(full);
  });

  it('is a fixed point: decode → encode of an encoded URL gives the same URL', () => {
    const a = encodeShareParams(full, '?emulate=quest3&backend=wasm').search;
    const d = decodeShareParams(a, known);
    const b = encodeShareParams({ ...full, ...d.params }, a).search;
    expect(b).toBe(a);
  });

  it('keeps unrelated parameters in place', () => {
    const { search } = encodeShareParams(full, '?emulate=quest3&recipe=crowds&dream=off');
    const q = new URLSearchParams(search);
    expect(q.get('emulate')).toBe('quest3');
    expect(q.get('dream')).toBe('off');
    expect(q.get('recipe')).toBe('faces');
    expect([...q.keys()].slice(0, 2)).toEqual(['emulate', 'recipe']);
  });

  it('leaves a user image out of the URL and says why', () => {
    const { search, warnings } = encodeShareParams({ ...full, seed: 'user' });
    expect(new URLSearchParams(search).has('seed')).toBe(false);
    expect(warnings[0]).toMatch(/stays on this device/);
    expect(decodeShareParams('?seed=user', known).warnings[0]).toMatchObject({ param: 'seed', text: expect.stringMatching(/never leaves/) });
  });

  it('rounds the zoom speed to two decimals', () => {
    expect(new URLSearchParams(encodeShareParams({ ...full, zoom: 1.23456 }).search).get('zoom')).toBe('1.23');
  });

  it('accepts view-mode aliases', () => {
    expect(decodeShareParams('?mode=sbs', known).params.mode).toBe('side-by-side');
  });

  it.each([
    ['?recipe=nope', 'recipe', /Unknown recipe "nope"/],
    ['?seed=cat.jpg', 'seed', /Unknown seed "cat.jpg"/],
    ['?zoom=9', 'zoom', /Zoom speed "9"/],
    ['?zoom=-1', 'zoom', /Zoom speed/],
    ['?zoom=', 'zoom', /Zoom speed ""/],
    ['?zoom=fast', 'zoom', /Zoom speed "fast"/],
    ['?zoom=Infinity', 'zoom', /Zoom speed/],
    ['?rng=1.5', 'rng', /Random seed "1.5"/],
    ['?rng=-3', 'rng', /Random seed/],
    [`?rng=${RNG_MAX + 1}`, 'rng', /Random seed/],
    ['?mode=3d', 'mode', /Unknown view mode "3d"/],
  ])('reports %s without throwing and drops the value', (search, param, message) => {
    const d = decodeShareParams(search, known);
    expect(d.params).toEqual({});
    expect(d.warnings).toHaveLength(1);
    expect(d.warnings[0].param).toBe(param);
    expect(d.warnings[0].text).toMatch(message);
  });

  it('keeps the valid parameters next to invalid ones', () => {
    const d = decodeShareParams('?recipe=faces&zoom=abc&rng=7', known);
    expect(d.params).toEqual({ recipe: 'faces', rng: 7 });
    expect(d.warnings).toHaveLength(1);
  });

  it('handles an empty query', () => {
    expect(decodeShareParams('', known)).toEqual({ params: {}, warnings: [] });
  });
});
