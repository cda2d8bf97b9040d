import { describe, it, expect } from 'vitest';
import * as THREE from 'three';
import {
  createStereoMethod, StereoMethodSwitch, StereoScreen, MeshStereoMethod, WarpStereoMethod, parseStereoMethod, STEREO_METHODS,
  DEFAULT_IPD_M, MIN_IPD_M, meshAngleScale, type StereoMethod, type StereoView,
} from '../../../src/stereo';

// The dream screen as a method sees it: records which materials it was given (no WebGL needed).
function fakeView(): StereoView & { eyes: [THREE.Material | null, THREE.Material | null]; displaced: THREE.Material | null; calls: string[] } {
  const v = {
    eyes: [null, null] as [THREE.Material | null, THREE.Material | null],
    displaced: null as THREE.Material | null,
    calls: [] as string[],
    flatEyeSeparation: -1,
    screen: {
      setEyeMaterials(l: THREE.Material | null, r: THREE.Material | null) { v.eyes = [l, r]; v.calls.push('eyes'); },
      setDisplacedMaterial(m: THREE.Material | null) { v.displaced = m; v.calls.push(m ? 'displaced' : 'undisplaced'); },
    },
  };
  return v;
}

function keyframe(depth: number) {
  const W = 8;
  return { image: { data: new Uint8Array(W * W * 4).fill(200), width: W, height: W }, depth: { data: new Float32Array(W * W).fill(depth), width: W, height: W }, stepZoom: 1, focus: [0.5, 0.5] as const, reset: true };
}

describe('stereo methods', () => {
  it('parses the method names and nothing else', () => {
    expect(STEREO_METHODS).toEqual(['warp', 'mesh']);
    expect(parseStereoMethod('mesh')).toBe('mesh');
    expect(parseStereoMethod(' Warp ')).toBe('warp');
    expect(parseStereoMethod('meshy')).toBeNull();
    expect(parseStereoMethod(null)).toBeNull();
  });

  it('the factory makes each method by name', () => {
    const stereo = new StereoScreen();
    expect(createStereoMethod('warp', stereo)).toBeInstanceOf(WarpStereoMethod);
    expect(createStereoMethod('mesh', stereo)).toBeInstanceOf(MeshStereoMethod);
    stereo.dispose();
  });

  it('warp: the per-eye warp materials on the per-eye meshes, no displaced screen, one flat-preview viewpoint', () => {
    const stereo = new StereoScreen();
    const v = fakeView();
    createStereoMethod('warp', stereo).attach(v);
    expect(v.eyes).toEqual([stereo.left, stereo.right]);
    expect(v.displaced).toBeNull();
    expect(v.flatEyeSeparation).toBe(0);
    stereo.dispose();
  });

  it('mesh: its own displaced material sharing the stereo screen\'s uniforms, two flat-preview viewpoints an IPD apart', () => {
    const stereo = new StereoScreen();
    const v = fakeView();
    const mesh = createStereoMethod('mesh', stereo) as MeshStereoMethod;
    mesh.attach(v);
    expect(v.displaced).toBe(mesh.material);
    expect(v.eyes).toEqual([stereo.left, stereo.right]); // hidden, ready for the warp
    expect(v.flatEyeSeparation).toBe(DEFAULT_IPD_M);
    const u = mesh.material.uniforms;
    for (const k of ['colorA', 'depthA', 'winA', 'colorB', 'depthB', 'winB', 'fade', 'z0']) expect(u[k], k).toBe(stereo.uniforms[k]);
    expect(u.scale).not.toBe(stereo.uniforms.scale); // its colour is the warp shader with no warp
    expect(u.scale.value).toBe(0);
    expect(mesh.material.side).toBe(THREE.DoubleSide);
    expect(mesh.material.defines).toBe(stereo.defines);
    stereo.dispose();
    mesh.dispose();
  });

  it('mesh: per frame, the governor\'s disparity as an angle per depth unit and the eyes\' separation (never below MIN_IPD_M)', () => {
    const stereo = new StereoScreen();
    const mesh = createStereoMethod('mesh', stereo) as MeshStereoMethod;
    const u = mesh.material.uniforms;
    mesh.frame(0.07);
    expect(u.ipd.value).toBe(DEFAULT_IPD_M); // nothing before the first keyframe
    stereo.push(keyframe(0.2), 0);
    stereo.override = { z0: 0.5, scale: 0.02 };
    stereo.update(0.016, 0.5, 0.5);
    mesh.frame(0.07);
    expect(u.angleScale.value).toBeCloseTo(meshAngleScale(0.02, stereo.comfort.config.screenFovDeg), 12);
    expect(u.ipd.value).toBe(0.07);
    mesh.frame(0); // an emulator with IPD 0
    expect(u.ipd.value).toBe(MIN_IPD_M);
    stereo.dispose();
    mesh.dispose();
  });

  it('the switch makes each method once, attaches the one asked for, and frames only the one shown', () => {
    const stereo = new StereoScreen();
    const v = fakeView();
    const made: string[] = [];
    const framed: string[] = [];
    const fake = (name: 'warp' | 'mesh'): StereoMethod => ({
      name, attach: (view) => { view.flatEyeSeparation = name === 'mesh' ? 1 : 0; }, frame: () => framed.push(name), dispose: () => made.push(`dispose ${name}`),
    });
    const sw = new StereoMethodSwitch(stereo, v, 'mesh', (name) => { made.push(name); return fake(name); });
    expect(sw.current.name).toBe('mesh');
    expect(v.flatEyeSeparation).toBe(1);
    sw.frame(0.06);
    sw.use('warp');
    sw.frame(0.06);
    const again = sw.use('mesh');
    expect(sw.current).toBe(again);
    expect(v.flatEyeSeparation).toBe(1);
    expect(made).toEqual(['mesh', 'warp']);
    expect(framed).toEqual(['mesh', 'warp']);
    sw.dispose();
    expect(made.slice(2).sort()).toEqual(['dispose mesh', 'dispose warp']);
    stereo.dispose();
  });

  it('switching live with the real methods: mesh shows the displaced screen, warp the per-eye meshes again', () => {
    const stereo = new StereoScreen();
    const v = fakeView();
    const sw = new StereoMethodSwitch(stereo, v, 'warp');
    expect(v.calls).toEqual(['eyes', 'undisplaced']);
    sw.use('mesh');
    expect(v.displaced).toBe((sw.current as MeshStereoMethod).material);
    sw.use('warp');
    expect(v.displaced).toBeNull();
    expect(v.flatEyeSeparation).toBe(0);
    sw.dispose();
    stereo.dispose();
  });
});
