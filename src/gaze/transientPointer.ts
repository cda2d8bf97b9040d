// Vision Pro's transient pointer: no continuous eye gaze, but the target ray at the moment a pinch starts
// (selectstart) is where the eyes were looking; while the pinch is held the ray follows the hand, and it
// steers, even over a locked focus (an explicit "here"). The pinch ends at selectend, or when the source
// goes away. Per frame, XRFrame.getPose returns a fresh XRPose by the WebXR API's design, as three.js's own
// controller update does; nothing else allocates.
import * as THREE from 'three';
import type { ScreenUV } from './hit';
import { refToWorld, type GazeFrame, type GazeSource } from './gazeSource';
import type { SourceInputs } from './sources';

type SessionListener = (e: Event) => void;

export class TransientPointerSource implements GazeSource {
  readonly kind = 'transient-pointer' as const;
  hit: ScreenUV | null = null;
  private readonly out: ScreenUV = [0.5, 0.5];
  private session: XRSession | null = null;
  private held: XRInputSource | null = null;
  // The held pinch's latest world ray (kept when a frame has no pose for it).
  private readonly rayOrigin = new THREE.Vector3();
  private readonly rayDir = new THREE.Vector3(0, 0, -1);
  private readonly m = new THREE.Matrix4();
  private readonly sessionListeners: [string, SessionListener][];
  private readonly onSessionStart = () => this.attach();
  private readonly onSessionEnd = () => this.detach();

  constructor(private readonly renderer: THREE.WebGLRenderer, private readonly camera: THREE.Camera) {
    this.sessionListeners = [
      ['selectstart', (e) => this.onStart(e as XRInputSourceEvent)],
      ['selectend', (e) => this.onEnd((e as XRInputSourceEvent).inputSource)],
      ['inputsourceschange', (e) => { for (const s of (e as XRInputSourcesChangeEvent).removed) this.onEnd(s); }],
    ];
    renderer.xr.addEventListener('sessionstart', this.onSessionStart);
    renderer.xr.addEventListener('sessionend', this.onSessionEnd);
    if (renderer.xr.getSession()) this.attach();
  }

  update(frame: GazeFrame, inputs: SourceInputs): void {
    inputs.transientHeld = this.held !== null; // held, it steers even when it misses: the focus then waits
    this.hit = null;
    if (!frame.presenting || !this.held) return;
    this.follow(this.renderer.xr.getFrame());
    const { origin, dir } = frame.ray;
    origin.copy(this.rayOrigin);
    dir.copy(this.rayDir);
    if (frame.ray.hit(this.out)) this.hit = this.out;
  }

  /** This frame's pose of the held source's target ray, if the frame has one. */
  private follow(xrFrame: XRFrame | null): void {
    const ref = this.renderer.xr.getReferenceSpace();
    if (!this.held || !xrFrame || !ref) return;
    const pose = xrFrame.getPose(this.held.targetRaySpace, ref);
    if (pose) this.setRay(pose.transform.matrix);
  }

  private setRay(matrix: Float32Array): void {
    this.m.fromArray(matrix);
    this.rayOrigin.setFromMatrixPosition(this.m);
    this.rayDir.set(0, 0, -1).transformDirection(this.m);
    refToWorld(this.camera, this.rayOrigin, this.rayDir);
  }

  private attach(): void {
    const session = this.renderer.xr.getSession();
    if (!session || session === this.session) return;
    this.detach();
    this.session = session;
    for (const [type, fn] of this.sessionListeners) session.addEventListener(type, fn);
  }

  private detach(): void {
    if (this.session) for (const [type, fn] of this.sessionListeners) this.session.removeEventListener(type, fn);
    this.session = null;
    this.held = null;
  }

  /** The pinch's target ray at selectstart is where the eyes were looking at that moment. */
  private onStart(e: XRInputSourceEvent): void {
    const src = e.inputSource;
    if (src.targetRayMode !== 'transient-pointer') return;
    const ref = this.renderer.xr.getReferenceSpace();
    const pose = ref ? e.frame.getPose(src.targetRaySpace, ref) : null;
    if (!pose) return; // no ray, nothing to steer with
    this.setRay(pose.transform.matrix);
    this.held = src;
  }

  private onEnd(src: XRInputSource): void {
    if (src === this.held) this.held = null;
  }

  dispose(): void {
    this.renderer.xr.removeEventListener('sessionstart', this.onSessionStart);
    this.renderer.xr.removeEventListener('sessionend', this.onSessionEnd);
    this.detach();
  }
}
