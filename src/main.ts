// Wiring only: each folder under src/ owns one concern; this file connects them.
import { FramePacing } from './app/framePacing';
import { ZoomFocus } from './app/focus';
import { Hud, ProductControls, resolveShareParams, SEED_IDS, NOISE_SEED, StatusLine, statusWhere, restartMessage } from './ui';
import {
  calibrationPattern, CALIBRATION_SIZE, DEFAULT_VIEW_MODE, StereoScreen, LiveDream, StereoMethodSwitch,
  parseStereoMethod, DEFAULT_STEREO_METHOD, DEFAULT_IPD_M,
} from './stereo';
import {
  Viewer, pixelTexture, hasWebGL2, emulationChoice, installEmulator, nativeImmersiveVRSupported,
  bindVRButton, bindDragLook, applyDrag, lookQuaternion, installTestHooks, bindLifecycle, xrScaleChoice, webglRendererName,
  type Emulator, type LookAngles,
} from './xr';
import { DreamClient, FrameGuard, RECIPES, DEFAULT_RECIPE, DEFAULT_CLIENT_OPTIONS } from './dream';
import { createGazeController, FocusMarker } from './gaze';

const DEFAULT_CALIBRATION_SHIFT_PX = 8;

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const hud = new Hud(document.getElementById('app')!);

  if (!hasWebGL2()) {
    hud.setVRState('VR NOT SUPPORTED');
    hud.message('error', 'This viewer needs WebGL2, which this browser or its graphics driver does not provide. Try a current Chrome, Edge, Firefox or Safari with hardware acceleration on.', 'webgl2');
    hud.setStatus('no WebGL2');
    return;
  }

  // Shareable settings (recipe, seed, zoom speed, random seed, view mode) from the URL; src/ui/recipeUrl.ts.
  const share = resolveShareParams(location.search, { recipes: Object.keys(RECIPES), seeds: SEED_IDS }, {
    recipe: DEFAULT_RECIPE, seed: NOISE_SEED, zoom: 1, rng: DEFAULT_CLIENT_OPTIONS.seed, mode: DEFAULT_VIEW_MODE,
  });
  // ?source=calibration: the calibration pattern (no dream); ?dream=off: the stereo screen without
  // the dream engine (keyframes come from elsewhere, e.g. the e2e tests' hooks).
  const calibration = params.get('source') === 'calibration';
  const dreamOff = params.get('dream') === 'off';

  // The dream worker starts loading first thing (its script, backend and network take seconds: time to
  // first keyframe, issue 6 B4); its events wait until the page below has subscribed (releaseEvents).
  // ?size=N: keyframe size in px (32–512; the bench measures 128²), else the client's default.
  const size = Number.parseInt(params.get('size') ?? '', 10);
  // ?dreamLimit=S: seconds a keyframe may take before the dream is lowered (graceful degradation; 0 = never).
  const limitS = Number.parseFloat(params.get('dreamLimit') ?? '');
  const client = calibration || dreamOff ? null : new DreamClient({
    recipe: share.params.recipe, seed: share.params.rng, ...(size >= 32 && size <= 512 ? { size: [size, size] as [number, number] } : {}),
    ...(Number.isFinite(limitS) && limitS >= 0 ? { keyframeLimitMs: limitS * 1000 } : {}),
  }).holdEvents();

  // The emulator must be installed before the renderer exists, and never over a real headset.
  let emulator: Emulator | null = null;
  try {
    const choice = emulationChoice({ search: location.search, nativeImmersiveVR: await nativeImmersiveVRSupported(navigator.xr), secureContext: window.isSecureContext });
    if (choice) emulator = await installEmulator(choice);
  } catch (err) {
    hud.message('warning', `Headset emulator not started: ${(err as Error).message}`, 'emulator');
  }

  const mode = share.params.mode;
  const shift = Number.parseInt(params.get('shift') ?? '', 10);
  const shiftPx = Number.isFinite(shift) ? shift : DEFAULT_CALIBRATION_SHIFT_PX;

  const left = pixelTexture(calibrationPattern('left', shiftPx), CALIBRATION_SIZE, CALIBRATION_SIZE);
  const right = pixelTexture(calibrationPattern('right', shiftPx), CALIBRATION_SIZE, CALIBRATION_SIZE);
  const viewer = new Viewer({ container: hud.viewport, left, right, mode, antialias: emulator === null, emulated: emulator !== null });
  // XR framebuffer size: the device's own, or half of it on a CPU rasteriser (src/xr/resolution.ts).
  const xrScale = xrScaleChoice(location.search, webglRendererName(viewer.renderer.getContext()));
  viewer.xrScale = xrScale.scale;
  if (xrScale.error) hud.message('warning', `${xrScale.error}; using ${xrScale.scale}.`, 'xr-scale');
  hud.setMode(mode);
  hud.onModeChange((m) => viewer.setMode(m));

  // Mouse drag looks around: the desktop camera outside XR, the emulated head inside it.
  let look: LookAngles = { yaw: 0, pitch: 0 };
  bindDragLook(viewer.renderer.domElement, (dx, dy) => {
    look = applyDrag(look, dx, dy);
    if (viewer.presenting && emulator) {
      const [x, y, z, w] = lookQuaternion(look);
      emulator.device.quaternion.set(x, y, z, w);
    } else {
      viewer.camera.rotation.set(look.pitch, look.yaw, 0);
    }
  });

  // Gaze: head ray in XR, a moving controller or a Vision Pro pinch, mouse hover on the desktop.
  // Created before any session so three.js reports the controllers when they connect.
  const gaze = createGazeController({
    renderer: viewer.renderer, camera: viewer.camera, screenObject: viewer.screen.group,
    layout: viewer.screen.layout, domElement: viewer.renderer.domElement, viewMode: () => viewer.mode,
  });
  const marker = new FocusMarker(viewer.screen.layout);
  marker.mesh.layers.enableAll();
  marker.mesh.visible = false;
  viewer.screen.group.add(marker.mesh);

  const xrState = await bindVRButton(hud, viewer);
  const status = new StatusLine(statusWhere(emulator !== null, xrState));
  const extras: Record<string, unknown> = { gaze };

  if (calibration) {
    hud.setStatus(status.calibration(shiftPx));
  } else {
    // Reduced motion (the OS setting, or ?motion=reduced): half the zoom speed and half the depth.
    const reducedMotion = params.get('motion') === 'reduced' || matchMedia('(prefers-reduced-motion: reduce)').matches;
    const stereo = new StereoScreen({ playback: { speedScale: reducedMotion ? 0.5 : 1 }, comfort: { reducedMotion } });
    stereo.playback.expectKeyframes = !!client; // ?dream=off: the seed alone zooms on
    // Stereo method (?stereo=warp|mesh, the panel): src/stereo/methods.ts.
    const methodParam = params.get('stereo');
    const method = parseStereoMethod(methodParam) ?? DEFAULT_STEREO_METHOD;
    if (methodParam !== null && parseStereoMethod(methodParam) === null) {
      hud.message('warning', `Unknown stereo method "${methodParam}" (warp, mesh); using ${method}.`, 'stereo-method');
    }
    const methods = new StereoMethodSwitch(stereo, viewer, method);
    // Frame guard (src/dream/pace.ts, src/app/framePacing.ts): in XR the dream rests between steps when it
    // slows the frames (?frameGuard=off: never; the flat preview never paces).
    const frameGuard = new FrameGuard();
    const pacing = new FramePacing(frameGuard, { setPace: (duty, probeMs) => client?.setPace(duty, probeMs) }, params.get('frameGuard') !== 'off', performance.timeOrigin);
    if (client) {
      client.on('rest', (e) => pacing.rest(e.atEpochMs, e.ms));
      viewer.onAfterRender((timeMs) => pacing.frame(timeMs, viewer.presenting));
      extras.frameGuard = frameGuard;
    }
    const live = client && new LiveDream(client, stereo, () => performance.now() / 1000, {
      onKeyframe: (k) => {
        hud.clearMessage('dream-restart');
        hud.setStatus(status.keyframe(performance.now() / 1000, !!k.depth, pacing.pacedDuty(viewer.presenting)));
      },
      onError: (err) => hud.message('error', err.message, 'feed'),
    });
    client?.on('ready', (e) => {
      stereo.playback.expectKeyframes = true;
      hud.setStatus(status.ready(e.backend));
      client.start();
    });
    client?.on('error', (e) => {
      hud.message('error', `Dream engine: ${e.message}`, 'dream');
      if (e.command === 'init') {
        hud.setStatus(status.failed()); // a failed start leaves no dream: the line must not keep saying "loading"
        stereo.playback.expectKeyframes = false; // none will come: don't hold the seed waiting for one
      }
    });
    client?.on('notice', (e) => hud.message('warning', e.message)); // keyed by text: several notices stack
    client?.on('degraded', (e) => hud.setStatus(status.degraded(e.message)));
    // src/dream/client.ts restarts a dead worker (the last keyframe stays on screen); pauses (hidden tab,
    // background window, lost graphics context) are src/xr/lifecycle.ts's.
    client?.on('restarting', (e) => {
      hud.message('warning', restartMessage(e.reason, e.attempt, e.fallback), 'dream-restart');
      hud.setStatus(status.restarting(e.attempt, e.fallback));
    });
    bindLifecycle({ viewer, dream: client, view: hud });
    hud.setStatus(status.loading(!!client));
    // Panel, seeds, drop target, capture, share URL and in-VR buttons (src/ui/controls.ts).
    const controls = new ProductControls({
      hud, viewer, stereo, client, recipes: Object.keys(RECIPES), initial: share, method, setStereoMethod: (m) => methods.use(m),
      frameGuard: () => pacing.enabled, setFrameGuard: (on) => { pacing.enabled = on; },
      size: DEFAULT_CLIENT_OPTIONS.size, showInitialSeed: share.given.seed !== undefined,
    });
    client?.releaseEvents(); // everything that listens to the dream exists now
    let lastT = -1;
    const focus = new ZoomFocus();
    viewer.onFrame((tMs) => {
      const dt = lastT < 0 ? 0 : Math.min(0.1, (tMs - lastT) / 1000);
      lastT = tMs;
      const g = gaze.update(dt);
      focus.follow(g.focus);
      marker.mesh.visible = g.locked; // an amber ring says "focus locked here"
      if (g.locked) marker.set(g.focus, true); // placed only while it is seen
      stereo.update(dt, focus.u, focus.v);
      methods.frame(viewer.presenting ? viewer.xrEyeSeparation() : DEFAULT_IPD_M);
      live?.frame(dt, focus.u, focus.v);
      controls.frame(dt, g.locked);
    });
    Object.assign(extras, { stereo, client, focus, controls });
  }
  if (emulator) installTestHooks(viewer, emulator, extras);
}

main().catch((err) => {
  console.error(err);
  const p = document.createElement('p');
  p.setAttribute('role', 'alert');
  p.textContent = `dream-goggles could not start: ${(err as Error).message}`;
  document.body.appendChild(p);
});
