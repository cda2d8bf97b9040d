// Public contract of the dream engine. Other folders import only from here.
export { DreamClient, DEFAULT_CLIENT_OPTIONS } from './client';
export type { DreamCommand, DreamEvent, InitOptions, KeyframeDepth, KeyframeMessage, RgbaPixels } from './protocol';
export { RECIPES, DEFAULT_RECIPE, validateRecipe, type Recipe, type RecipeTerm } from './recipes';
export type { Focus } from './zoom';

// The engine itself (used by the worker, Node scripts and tests).
export { Dreamer, colourCare, channelStats, type Keyframe } from './dreamer';
export { loadDreamModel, validateManifest, type DreamModel, type FetchLike, type Manifest, type ModelEntry } from './model';
export { layer, channel, guide, sum, scale, evaluate, type Objective, type Activations } from './objectives';
export { jitter, randomScale, randomRotate, compose, roll, identity, seededRng, type Transform, type Warp, type Rng } from './transforms';
export { ascentStep, dreamOctaves, gradient, type StepConfig, type OctaveConfig } from './step';
export { zoom, zoomSourceCoord } from './zoom';
export { noiseSeed } from './seed';
