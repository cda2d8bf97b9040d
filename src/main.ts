// Wiring only: each folder under src/ owns one concern, src/app the page's configuration and its small
// policies; this file creates the parts in the order they need each other and connects them.
import { configMessageText, messagesInUse, parseAppConfig, type AppConfig } from './app/config';
import { FramePacing } from './app/framePacing';
import { ZoomFocus } from './app/focus';
import type { TestParts } from './app/testHooks';
import { Hud, ProductControls, StatusLine, statusWhere, restartMessage } from './ui';
import { calibrationPattern, CALIBRATION_SIZE, StereoScreen, LiveDream, StereoMethodSwitch, DEFAULT_IPD_M } from './stereo';
import {
  Viewer, pixelTexture, hasWebGL2, emulationChoice, installEmulator, nativeImmersiveVRSupported, bindVRButton, bindViewerLook,
  bindLifecycle, xrScaleChoice, webglRendererName, type Emulator,
} from './xr';
import { DreamClient, FrameGuard, RECIPES, DEFAULT_CLIENT_OPTIONS } from './dream';
import { createGazeController, FocusMarker, type GazeController } from './gaze';

async function main(): Promise<void> {
  const parsed = parseAppConfig(location.search);
  const { config } = parsed;
  const hud = new Hud(document.getElementById('app')!);

  if (!hasWebGL2()) {
    hud.setVRState('VR NOT SUPPORTED');
    hud.message('error', 'This viewer needs WebGL2, which this browser or its graphics driver does not provide. Try a current Chrome, Edge, Firefox or Safari with hardware acceleration on.', 'webgl2');
    hud.setStatus('no WebGL2');
    return;
  }

  // The dream worker starts loading first thing (its script, backend and network take seconds); its events
  // wait until the page below has subscribed (releaseEvents).
  const client = config.source === 'dream' && !config.dreamOff ? new DreamClient({
    recipe: config.share.recipe, seed: config.share.rng, backend: config.backend,
    ...(config.size ? { size: config.size } : {}),
    ...(config.keyframeLimitMs !== null ? { keyframeLimitMs: config.keyframeLimitMs } : {}),
    accelerator: config.accelerator, testHooks: config.testHooks,
  }).holdEvents() : null;

  // The emulator must be installed before the renderer exists, and never over a real headset.
  let emulator: Emulator | null = null;
  try {
    const choice = emulationChoice({ asked: config.emulate, nativeImmersiveVR: await nativeImmersiveVRSupported(navigator.xr), secureContext: window.isSecureContext });
    if (choice) emulator = await installEmulator(choice);
  } catch (err) {
    hud.message('warning', `Headset emulator not started: ${(err as Error).message}`, 'emulator');
  }

  const shift = config.calibrationShiftPx;
  const left = pixelTexture(calibrationPattern('left', shift), CALIBRATION_SIZE, CALIBRATION_SIZE);
  const right = pixelTexture(calibrationPattern('right', shift), CALIBRATION_SIZE, CALIBRATION_SIZE);
  const viewer = new Viewer({ container: hud.viewport, left, right, mode: config.share.mode, antialias: emulator === null, emulated: emulator !== null });
  const xrScale = xrScaleChoice(config.xrScale, webglRendererName(viewer.renderer.getContext()));
  viewer.xrScale = xrScale.scale;
  for (const m of messagesInUse(parsed)) hud.message('warning', configMessageText(m, xrScale.scale), m.key);
  hud.setMode(config.share.mode);
  hud.onModeChange((m) => viewer.setMode(m));
  bindViewerLook(viewer, emulator?.device ?? null);

  // Created before any session so three.js reports the controllers when they connect.
  const gaze = createGazeController({
    renderer: viewer.renderer, camera: viewer.camera, screenObject: viewer.screen.group,
    layout: viewer.screen.layout, domElement: viewer.renderer.domElement, viewMode: () => viewer.mode,
  });
  const xrState = await bindVRButton(hud, viewer);
  const status = new StatusLine(statusWhere(emulator !== null, xrState));
  const focus = new ZoomFocus();
  const parts: TestParts = { viewer, emulator, gaze, focus, view: null, dream: null };

  if (config.source === 'calibration') {
    hud.setStatus(status.calibration(shift));
  } else {
    Object.assign(parts, wireDreamView(config, { hud, viewer, gaze, focus, client, status }));
  }
  if (config.testHooks) (await import('./app/testHooks')).installTestApi(parts);
}

interface PageParts {
  hud: Hud; viewer: Viewer; gaze: GazeController; focus: ZoomFocus; client: DreamClient | null; status: StatusLine;
}

/** The stereo dream screen, fed by the dream client (if any), steered by the gaze, with the page's controls. */
function wireDreamView(config: AppConfig, { hud, viewer, gaze, focus, client, status }: PageParts): Pick<TestParts, 'view' | 'dream'> {
  const marker = new FocusMarker(viewer.screen.layout);
  marker.mesh.layers.enableAll();
  marker.mesh.visible = false;
  viewer.screen.group.add(marker.mesh);

  // Reduced motion (the OS setting, or ?motion=reduced): half the zoom speed and half the depth.
  const reducedMotion = config.reducedMotion || matchMedia('(prefers-reduced-motion: reduce)').matches;
  const stereo = new StereoScreen({ playback: { speedScale: reducedMotion ? 0.5 : 1 }, comfort: { reducedMotion } });
  stereo.playback.expectKeyframes = !!client; // without a dream the seed alone zooms on
  const methods = new StereoMethodSwitch(stereo, viewer, config.stereoMethod);

  const guard = new FrameGuard();
  const pacing = new FramePacing(guard, { setPace: (duty, probeMs) => client?.setPace(duty, probeMs) }, config.frameGuard, performance.timeOrigin);
  if (client) {
    client.on('rest', (e) => pacing.rest(e.atEpochMs, e.ms));
    viewer.onAfterRender((timeMs) => pacing.frame(timeMs, viewer.presenting));
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

  const controls = new ProductControls({
    hud, viewer, stereo, client, recipes: Object.keys(RECIPES), initial: { params: config.share, given: config.given },
    backend: config.backend, method: config.stereoMethod, setStereoMethod: (m) => methods.use(m),
    frameGuard: () => pacing.enabled, setFrameGuard: (on) => { pacing.enabled = on; },
    size: DEFAULT_CLIENT_OPTIONS.size, showInitialSeed: config.given.seed !== undefined,
  });
  client?.releaseEvents(); // everything that listens to the dream exists now

  let lastT = -1;
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
  return { view: { stereo, methods, controls }, dream: client && { client, guard } };
}

main().catch((err) => {
  console.error(err);
  const p = document.createElement('p');
  p.setAttribute('role', 'alert');
  p.textContent = `dream-goggles could not start: ${(err as Error).message}`;
  document.body.appendChild(p);
});
