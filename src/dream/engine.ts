// The dream engine (TF.js): used inside the worker, by Node scripts and tests. Pages use ./index instead.
export { Dreamer, colourCare, channelStats, recipeObjective, recipeTransform, type Keyframe } from './dreamer';
export { loadDreamModel, validateManifest, type DreamModel, type FetchLike, type Manifest, type ModelEntry } from './model';
export { layer, channel, guide, sum, scale, evaluate, type Objective, type Activations } from './objectives';
export { jitter, randomScale, randomRotate, compose, roll, identity, seededRng, type Transform, type Warp, type Rng } from './transforms';
export { ascentStep, dreamOctaves, gradient, type StepConfig, type OctaveConfig } from './step';
export { zoom, zoomSourceCoord, type Focus } from './zoom';
export { noiseSeed } from './seed';
export { applyGraphFixes, type GraphFix } from './graph';
