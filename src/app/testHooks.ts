// The test API (testApi.ts) over the wired page. Loaded (a dynamic import) and installed only under the test
// switch. Reading pixels happens right after the render of the frame asked for, while its pixels are still
// in the framebuffer; only on request, never per frame.
import * as THREE from 'three';
import type { DreamClient, FrameGuard } from '../dream';
import type { GazeController } from '../gaze';
import type { MeshStereoMethod, StereoMethodSwitch, StereoScreen } from '../stereo';
import type { ProductControls } from '../ui';
import type { Emulator, Viewer } from '../xr';
import type { ZoomFocus } from './focus';
import type { FramePoint, HeadsetApi, TestApi } from './testApi';

/** The page's parts the API reads and drives. Absent parts make their part of the API throw. */
export interface TestParts {
  viewer: Viewer;
  emulator: Emulator | null;
  gaze: GazeController;
  focus: ZoomFocus;
  /** The dream view: absent on the calibration page. */
  view: { stereo: StereoScreen; methods: StereoMethodSwitch; controls: ProductControls } | null;
  /** The dream engine: absent without one (calibration, ?dream=off). */
  dream: { client: DreamClient; guard: FrameGuard } | null;
}

type Frame = { width: number; height: number; pixels: number[] };

export function installTestApi(p: TestParts): TestApi {
  const { viewer, gaze, focus } = p;
  const gl = viewer.renderer.getContext() as WebGL2RenderingContext;
  const probes: { points: FramePoint[]; resolve: (rgba: number[][]) => void }[] = [];
  const frames: ((f: Frame) => void)[] = [];
  const px = new Uint8Array(4);
  viewer.onAfterRender(() => {
    if (probes.length === 0 && frames.length === 0) return;
    const w = gl.drawingBufferWidth, h = gl.drawingBufferHeight;
    while (probes.length) {
      const q = probes.shift()!;
      q.resolve(q.points.map(([fx, fy]) => {
        const x = Math.min(w - 1, Math.max(0, Math.floor(fx * w)));
        const y = Math.min(h - 1, Math.max(0, Math.floor((1 - fy) * h)));
        gl.readPixels(x, y, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
        return Array.from(px);
      }));
    }
    if (frames.length) {
      const all = new Uint8Array(w * h * 4);
      gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, all);
      const f = { width: w, height: h, pixels: Array.from(all) };
      while (frames.length) frames.shift()!(f);
    }
  });

  const view = () => {
    if (!p.view) throw new Error('test API: no dream view on this page (?source=calibration)');
    return p.view;
  };
  const dream = () => {
    if (!p.dream) throw new Error('test API: no dream engine on this page (?source=calibration or ?dream=off)');
    return p.dream;
  };
  const device = () => {
    if (!p.emulator) throw new Error('test API: no emulated headset on this page (?emulate=off, or a real headset)');
    return p.emulator.device;
  };
  const session = () => viewer.renderer.xr.getSession();

  const headset: HeadsetApi = {
    ipd: () => device().ipd,
    setIpd: (m) => { device().ipd = m; },
    orientation: () => { const q = device().quaternion; return [q.x, q.y, q.z, q.w]; },
    setOrientation: (x, y, z, w) => { device().quaternion.set(x, y, z, w); },
    look: async (yawDeg, pitchDeg) => {
      await device().remote.dispatch('set_transform', { device: 'headset', orientation: { yaw: yawDeg, ...(pitchDeg === undefined ? {} : { pitch: pitchDeg }) } });
    },
    button: (hand, button, value) => { device().controllers[hand]!.updateButtonValue(button, value); },
    thumbstick: (hand, x, y) => { device().controllers[hand]!.updateAxes('thumbstick', x, y); },
    useHands: () => { device().primaryInputMode = 'hand'; },
    pinch: (hand, value) => { device().hands[hand]!.updatePinchValue(value); },
  };

  const api: TestApi = {
    state: () => {
      const sources = session()?.inputSources;
      let hands = 0;
      for (let i = 0; i < (sources?.length ?? 0); i++) if (sources![i].hand) hands++;
      return {
        presenting: viewer.presenting,
        refSpace: viewer.refSpace,
        mode: viewer.mode,
        frameCount: viewer.frameCount,
        width: gl.drawingBufferWidth,
        height: gl.drawingBufferHeight,
        contextLost: viewer.contextLost,
        stereoMethod: p.view?.methods.current.name ?? null,
        displacedShown: viewer.screen.displacedShown,
        inputSources: sources?.length ?? 0,
        hands,
      };
    },
    readPixels: (points) => new Promise((resolve) => probes.push({ points, resolve })),
    readFrame: () => new Promise((resolve) => frames.push(resolve)),
    gl: () => gl,
    onFrame: (cb) => viewer.onFrame((t) => cb(t)),
    onAfterRender: (cb) => viewer.onAfterRender((t) => cb(t)),
    onContextChange: (cb) => viewer.onContextChange(cb),
    eyes: () => viewer.renderer.xr.getCamera().cameras.map((c) => ({ projection: [...c.projectionMatrix.elements], view: [...c.matrixWorldInverse.elements] })),
    endSession: async () => { await session()?.end(); },
    headset,

    pushKeyframe: (k) => view().stereo.push({ ...k, reset: k.reset ?? false }, performance.now() / 1000),
    playback: () => {
      const { stereo } = view();
      const b = stereo.playback, c = b.config;
      return {
        hasKeyframe: stereo.hasKeyframe, showingDepth: stereo.showingDepth,
        current: { cx: b.current.cx, cy: b.current.cy, w: b.current.w },
        logZoom: b.logZoom, logSpeed: b.logSpeed, queued: b.queued, fade: b.fade,
        currentSlot: b.currentSlot, previousSlot: b.previousSlot, paused: b.isPaused,
        config: { speedScale: c.speedScale, fadeSeconds: c.fadeSeconds, maxLogSpeed: c.maxLogSpeed, maxLogAccel: c.maxLogAccel, maxLogOvershoot: c.maxLogOvershoot },
      };
    },
    setPlayback: (o) => {
      const b = view().stereo.playback;
      if (o.paused !== undefined) b.setPaused(o.paused);
      if (o.logSpeed !== undefined) b.logSpeed = o.logSpeed;
      if (o.fade !== undefined) b.fade = o.fade;
      if (o.fadeSeconds !== undefined) b.config.fadeSeconds = o.fadeSeconds;
    },
    comfort: () => {
      const { stereo } = view();
      const c = stereo.comfort;
      return { scale: c.scale, z0: c.z0, strength: c.config.strength, maxDisparityDeg: c.config.maxDisparityDeg, override: stereo.override && { ...stereo.override } };
    },
    overrideComfort: (o) => { view().stereo.override = o && { z0: o.z0, scale: o.scale }; },
    uniforms: () => {
      const { stereo, methods } = view();
      const u = stereo.left.uniforms;
      const m = methods.current.name === 'mesh' ? (methods.current as MeshStereoMethod).material.uniforms : null;
      return { scale: u.scale.value as number, fade: u.fade.value as number, z0: u.z0.value as number, angleScale: m ? (m.angleScale.value as number) : null };
    },

    focus: () => ({ u: focus.u, v: focus.v, manual: focus.manual }),
    setFocus: (u, v) => focus.set(u, v),
    releaseFocus: () => focus.release(),
    gaze: () => {
      const g = gaze.current;
      return { locked: g.locked, source: g.source, raw: g.raw ? [g.raw[0], g.raw[1]] : null, focus: [g.focus[0], g.focus[1]] };
    },

    controls: () => {
      const c = view().controls;
      const r = c.workerRecipe;
      return {
        state: { ...c.state },
        workerRecipe: r && { name: r.name, steps: r.steps, stepSize: r.stepSize, octaves: r.octaves },
        loads: Object.fromEntries([...c.loads].map(([k, v]) => [k, { ...v }])),
        shareSearch: c.shareSearch(),
      };
    },
    setPanel: (name, value) => view().controls.panel.set(name, value),
    label: () => {
      const l = view().controls.label;
      const pos = new THREE.Vector3().setFromMatrixPosition(l.mesh.matrixWorld);
      return { text: l.text, shown: l.shown, visible: l.visible, draws: l.draws, position: [pos.x, pos.y, pos.z] };
    },
    showLabel: (text) => view().controls.label.show(text),
    setLabelTiming: (t) => {
      const o = view().controls.label.options;
      const before = { holdSec: o.holdSec, fadeSec: o.fadeSec };
      if (t.holdSec !== undefined) o.holdSec = t.holdSec;
      if (t.fadeSec !== undefined) o.fadeSec = t.fadeSec;
      return before;
    },
    capture: () => {
      const c = view().controls.capture;
      return { eyeWidth: c.options.eyeWidth, eyeHeight: c.options.eyeHeight, recording: c.recording };
    },
    snapshot: () => view().controls.capture.snapshot(),
    startRecording: (bitsPerSecond) => view().controls.capture.startRecording(bitsPerSecond),
    stopRecording: () => view().controls.capture.stopRecording(),

    onDreamEvent: (type, handler) => dream().client.on(type, handler),
    dream: () => {
      const c = dream().client;
      return { running: c.running, pausedBy: c.pausedBy, restartAttempts: c.restartAttempts, requestedBackend: c.requestedBackend };
    },
    startDream: () => dream().client.start(),
    stopDream: () => dream().client.stop(),
    pauseDream: (reason) => dream().client.pause(reason),
    resumeDream: (reason) => dream().client.resume(reason),
    injectFault: (fault) => dream().client.injectFault(fault),
    memory: (opts) => dream().client.memory(opts),
    frameGuard: () => {
      if (!p.dream) return null;
      const g = p.dream.guard;
      return { active: g.active, duty: g.duty, probeMs: g.probeMs, fpsRatio: g.last.fpsRatio };
    },
  };
  window.__dreamGoggles = api;
  return api;
}
