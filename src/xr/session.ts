// Immersive session lifecycle. Reference space: 'local-floor' (screen at standing eye height)
// with a fallback to 'local' (origin at the head), which every immersive session supports.

export type RefSpaceType = 'local-floor' | 'local';
export const REFERENCE_SPACE_ORDER: readonly RefSpaceType[] = ['local-floor', 'local'];

/** First reference space type the session grants, in order of preference. */
export async function pickReferenceSpace(
  session: Pick<XRSession, 'requestReferenceSpace'>,
  order: readonly RefSpaceType[] = REFERENCE_SPACE_ORDER,
): Promise<RefSpaceType> {
  for (const type of order) {
    try {
      await session.requestReferenceSpace(type);
      return type;
    } catch {
      // not granted: try the next one
    }
  }
  throw new Error(`The XR session grants none of the reference spaces ${order.join(', ')}`);
}

/** Standing eye height used to place content when the space has no floor ('local'). */
export const DEFAULT_EYE_HEIGHT = 1.6;

/** Height of the content origin so the screen centre is at eye level in either space. */
export function contentHeight(type: RefSpaceType, eyeHeight = DEFAULT_EYE_HEIGHT): number {
  return type === 'local-floor' ? eyeHeight : 0;
}

export const SESSION_INIT: XRSessionInit = {
  // 'layers' is deliberately not asked for: visionOS lacks the Layers API, and the per-eye
  // content uses three.js camera layers, which work everywhere.
  optionalFeatures: ['local-floor', 'hand-tracking'],
};
