import { afterEach, describe, expect, it, vi } from 'vitest';
import { bindLifecycle } from '../../../src/xr/lifecycle';

// The pause rules of src/xr/lifecycle.ts with stand-ins for the document, the window, the viewer and
// the XR session (the e2e faults test covers them in the browser).
function setup() {
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState });
  const win = new EventTarget();
  const session = Object.assign(new EventTarget(), { visibilityState: 'visible' as XRVisibilityState });
  const xr = Object.assign(new EventTarget(), { getSession: () => session });
  let contextCb: (lost: boolean) => void = () => undefined;
  const viewer = { presenting: false, renderer: { xr }, onContextChange: (cb: (lost: boolean) => void) => { contextCb = cb; return () => undefined; } };
  const calls: string[] = [];
  const dream = { pause: (r: string) => calls.push(`pause ${r}`), resume: (r: string) => calls.push(`resume ${r}`) };
  const messages = new Map<string, { level: string; text: string }>();
  const view = { message: (level: string, text: string, key = text) => messages.set(key, { level, text }), clearMessage: (key: string) => messages.delete(key) };
  const unbind = bindLifecycle({ viewer: viewer as never, dream, view, doc: doc as never, win: win as never, lostNoticeMs: 2000 });
  const fire = (t: EventTarget, type: string) => t.dispatchEvent(new Event(type));
  return { doc, win, session, xr, viewer, calls, messages, unbind, fire, loseContext: (lost: boolean) => contextCb(lost) };
}

afterEach(() => vi.useRealTimers());

describe('bindLifecycle', () => {
  it('pauses while the tab is hidden and says why; resumes when visible', () => {
    const t = setup();
    t.doc.visibilityState = 'hidden';
    t.fire(t.doc, 'visibilitychange');
    expect(t.calls).toEqual(['pause hidden']);
    expect(t.messages.get('pause')?.text).toBe('Dream paused: the tab is hidden.');
    t.doc.visibilityState = 'visible';
    t.fire(t.doc, 'visibilitychange');
    expect(t.calls).toEqual(['pause hidden', 'resume hidden']);
    expect(t.messages.has('pause')).toBe(false);
  });

  it('window blur pauses the flat preview but not an XR session (Quest blurs the page on entering VR)', () => {
    const t = setup();
    t.fire(t.win, 'blur');
    expect(t.calls).toEqual(['pause blur']);
    t.fire(t.xr, 'sessionstart'); // entering VR clears a blur
    t.viewer.presenting = true;
    expect(t.calls).toEqual(['pause blur', 'resume blur']);
    t.fire(t.win, 'blur');
    expect(t.calls).toHaveLength(2);
    // In XR the session's visibility rules: hidden pauses, visible-blurred keeps dreaming.
    t.session.visibilityState = 'visible-blurred';
    t.fire(t.session, 'visibilitychange');
    expect(t.calls).toHaveLength(2);
    t.session.visibilityState = 'hidden';
    t.fire(t.session, 'visibilitychange');
    expect(t.calls.at(-1)).toBe('pause xr-hidden');
    t.viewer.presenting = false;
    t.fire(t.xr, 'sessionend');
    expect(t.calls.at(-1)).toBe('resume xr-hidden');
  });

  it('a lost context pauses with a warning, an error after the notice time, and clears on restore', () => {
    vi.useFakeTimers();
    const t = setup();
    t.loseContext(true);
    expect(t.calls).toEqual(['pause context']);
    expect(t.messages.get('context')?.level).toBe('warning');
    vi.advanceTimersByTime(2000);
    expect(t.messages.get('context')).toMatchObject({ level: 'error', text: expect.stringContaining('has not come back') });
    t.loseContext(false);
    expect(t.calls).toEqual(['pause context', 'resume context']);
    expect(t.messages.has('context')).toBe(false);
    vi.advanceTimersByTime(5000);
    expect(t.messages.has('context')).toBe(false); // the timer went with the restore
  });

  it('two reasons: resumes only when both are gone; unbind stops listening', () => {
    const t = setup();
    t.doc.visibilityState = 'hidden';
    t.fire(t.doc, 'visibilitychange');
    t.fire(t.win, 'blur');
    expect(t.messages.get('pause')?.text).toBe('Dream paused: the tab is hidden, the window is in the background.');
    t.fire(t.win, 'focus');
    expect(t.messages.get('pause')?.text).toBe('Dream paused: the tab is hidden.');
    t.unbind();
    t.doc.visibilityState = 'visible';
    t.fire(t.doc, 'visibilitychange');
    expect(t.calls).toEqual(['pause hidden', 'pause blur', 'resume blur']);
  });
});
