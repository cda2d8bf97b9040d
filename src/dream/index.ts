// Public contract of the dream engine for the rest of the app: the worker client, its protocol and the
// recipes. No TF.js here: the page stays light, the worker owns every tensor. The engine itself (DreamSession,
// Dreamer, objectives, transforms, step, zoom) is imported file by file by the worker, Node scripts and tests.
export { DreamClient, DEFAULT_CLIENT_OPTIONS } from './client';
export { FrameGuard, WorkPacer, DEFAULT_FRAME_GUARD, DEFAULT_PACER } from './pace';
export type { DreamCommand, DreamEvent, InitOptions, KeyframeDepth, KeyframeMessage, RgbaPixels } from './protocol';
export { RECIPES, DEFAULT_RECIPE, validateRecipe, type Recipe, type RecipeTerm } from './recipes';
export type { Focus } from './protocol';
