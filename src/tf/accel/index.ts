// The wasm accelerator's contract for the rest of src/tf (the facade, useBackend, scripts and tests): install it,
// take it out, ask what it is doing; program replay for the engines' pure functions.
export { acceleratorOptions, acceleratorStatus, DEFAULT_ACCELERATOR, installWasmAccelerator, removeWasmAccelerator, type AcceleratorOptions, type AcceleratorStatus } from './install';
export { checkInternals, readInternals, TFJS_VERSION, type InternalsView } from './internals';
export { MAX_PROGRAMS, programCount, programKeys, releasePrograms, replayed } from './replay/replay-cache';
