// The model compiler: model files in (manifest, graph JSON, weight shards, through one FetchLike for the browser
// and Node), a graph compiled for a backend's pass profile out, loaded as a DreamModel. Used by the dream engine
// (src/dream) and, for fetching, by the depth net (src/depth). Imports TF.js: never from page code.
export { fetchShards, folderOf, joinShards, type FetchLike, type FetchResponse } from './fetch';
export { fetchManifest, validateManifest, type Manifest, type ModelEntry } from './manifest';
export { expectedWeightBytes, type AttrValue, type GraphArtifacts, type GraphNode, type WeightSpec } from './graph';
export {
  compileGraph, passProfile, GRAPH_FIXES, GRAPH_PASSES, NAIVE_PROFILE, PASS_PROFILES, UNFOLDED_PROFILE,
  type GraphFix, type GraphPass, type GraphSpec, type PassProfile,
} from './compile';
export { foldPads, fuseBiasRelu6, fuseConvAct, fuseHardSigmoid, fuseHardSwish, globalAvgPoolToMean, relaxPlaceholders, unfuse } from './passes';
export { nhwcIslands, nhwcTwinName, nhwcTwins } from './graph-layout';
export { registerGraphOps } from './custom-ops';
export { loadDreamModel, type DreamModel } from './dream-model';
