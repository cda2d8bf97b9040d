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

/** Viewports (in CSS pixels, origin bottom-left as in GL) for each eye in a mode; mono shows the left eye. */
export function eyeViewports(mode: ViewMode, width: number, height: number): { eye: 'left' | 'right'; x: number; y: number; w: number; h: number }[] {
  if (mode === 'side-by-side') {
    const half = Math.floor(width / 2);
    return [
      { eye: 'left', x: 0, y: 0, w: half, h: height },
      { eye: 'right', x: half, y: 0, w: width - half, h: height },
    ];
  }
  return [{ eye: 'left', x: 0, y: 0, w: width, h: height }];
}
