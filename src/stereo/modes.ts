// How the stereo pair is shown outside a headset. Inside XR the compositor shows each eye its own
// layer; on a flat screen the viewer picks one of these.
export const VIEW_MODES = ['mono', 'side-by-side', 'anaglyph'] as const;
export type ViewMode = (typeof VIEW_MODES)[number];
export const DEFAULT_VIEW_MODE: ViewMode = 'mono';

const ALIASES: Record<string, ViewMode> = { mono: 'mono', sbs: 'side-by-side', 'side-by-side': 'side-by-side', anaglyph: 'anaglyph', 'red-cyan': 'anaglyph' };

/** Parses a user-supplied mode name (URL parameter, menu); unknown names give null, not a guess. */
export function parseViewMode(value: string | null | undefined): ViewMode | null {
  if (!value) return null;
  return ALIASES[value.trim().toLowerCase()] ?? null;
}

export interface EyeViewport { eye: 'left' | 'right'; x: number; y: number; w: number; h: number }

/**
 * Viewports (in CSS pixels, origin bottom-left as in GL) for each eye in a mode; mono shows the left
 * eye. Writes into `out` (two reusable entries) and returns how many are used, so the frame loop
 * allocates nothing.
 */
export function eyeViewportsInto(mode: ViewMode, width: number, height: number, out: [EyeViewport, EyeViewport]): number {
  if (mode === 'side-by-side') {
    const half = Math.floor(width / 2);
    set(out[0], 'left', 0, half, height);
    set(out[1], 'right', half, width - half, height);
    return 2;
  }
  set(out[0], 'left', 0, width, height);
  return 1;
}

function set(v: EyeViewport, eye: 'left' | 'right', x: number, w: number, h: number): void {
  v.eye = eye; v.x = x; v.y = 0; v.w = w; v.h = h;
}

/** Allocating convenience form of eyeViewportsInto (tests, tools). */
export function eyeViewports(mode: ViewMode, width: number, height: number): EyeViewport[] {
  const out: [EyeViewport, EyeViewport] = [{ eye: 'left', x: 0, y: 0, w: 0, h: 0 }, { eye: 'right', x: 0, y: 0, w: 0, h: 0 }];
  return out.slice(0, eyeViewportsInto(mode, width, height, out));
}
