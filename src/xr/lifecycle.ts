// When the dream may work: not while nobody can see it (hidden tab, window in the background, the
// headset's system menu over the session) and not while the graphics context is gone. Also says so.
//
// Window `blur` pauses only outside XR: on Quest the page blurs when it enters VR (the immersive
// compositor takes focus), so a blur-pause there would stop the dream exactly when it is seen. Inside
// XR the session's own visibilityState is the signal: 'hidden' pauses, 'visible-blurred' (a system
// dialog over a still visible scene) keeps dreaming.
import type { Viewer } from './viewer';

export interface Pausable {
  pause(reason: string): void;
  resume(reason: string): void;
}

export interface LifecycleView {
  message(level: 'info' | 'warning' | 'error', text: string, key?: string): void;
  clearMessage(key: string): void;
}

export interface LifecycleOptions {
  viewer: Pick<Viewer, 'presenting' | 'onContextChange' | 'renderer'>;
  dream: Pausable | null;
  view: LifecycleView;
  /** After this long without the context, the message says it may not come back. */
  lostNoticeMs?: number;
  doc?: Document;
  win?: Window;
}

export const PAUSE_TEXT: Record<string, string> = {
  hidden: 'the tab is hidden',
  blur: 'the window is in the background',
  'xr-hidden': 'the headset is showing something else',
  context: 'the graphics context was lost',
};

/** Wires the pause reasons; returns an unbind. */
export function bindLifecycle(o: LifecycleOptions): () => void {
  const doc = o.doc ?? document, win = o.win ?? window;
  const reasons = new Set<string>();
  const set = (reason: string, on: boolean) => {
    if (on === reasons.has(reason)) return;
    if (on) { reasons.add(reason); o.dream?.pause(reason); } else { reasons.delete(reason); o.dream?.resume(reason); }
    if (reasons.size) o.view.message('info', `Dream paused: ${[...reasons].map((r) => PAUSE_TEXT[r] ?? r).join(', ')}.`, 'pause');
    else o.view.clearMessage('pause');
  };
  const offs: (() => void)[] = [];
  const listen = (t: EventTarget, type: string, f: () => void) => { t.addEventListener(type, f); offs.push(() => t.removeEventListener(type, f)); };

  listen(doc, 'visibilitychange', () => set('hidden', doc.visibilityState === 'hidden'));
  listen(win, 'blur', () => { if (!o.viewer.presenting) set('blur', true); });
  listen(win, 'focus', () => set('blur', false));
  set('hidden', doc.visibilityState === 'hidden');

  const xr = o.viewer.renderer.xr;
  let session: XRSession | null = null;
  const onXRVisibility = () => set('xr-hidden', session?.visibilityState === 'hidden');
  const onStart = () => {
    set('blur', false); // entering VR may blur the page; the session's visibility rules now
    session = xr.getSession();
    session?.addEventListener('visibilitychange', onXRVisibility);
  };
  const onEnd = () => {
    session?.removeEventListener('visibilitychange', onXRVisibility);
    session = null;
    set('xr-hidden', false);
  };
  xr.addEventListener('sessionstart', onStart);
  xr.addEventListener('sessionend', onEnd);
  offs.push(() => { xr.removeEventListener('sessionstart', onStart); xr.removeEventListener('sessionend', onEnd); });

  let lostTimer: ReturnType<typeof setTimeout> | null = null;
  offs.push(o.viewer.onContextChange((lost) => {
    set('context', lost);
    if (lostTimer) clearTimeout(lostTimer);
    lostTimer = null;
    if (!lost) { o.view.clearMessage('context'); return; }
    o.view.message('warning', 'The graphics context was lost; waiting for the browser to restore it. The dream resumes from its last picture.', 'context');
    lostTimer = setTimeout(() => {
      o.view.message('error', 'The graphics context was lost and has not come back. The dream is paused at its last picture; reload the page if the view stays dark.', 'context');
    }, o.lostNoticeMs ?? 2000);
  }));
  offs.push(() => { if (lostTimer) clearTimeout(lostTimer); });
  return () => offs.forEach((f) => f());
}
