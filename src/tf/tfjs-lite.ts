// What `@tensorflow/tfjs` is in the browser build (vite.config.ts aliases it here): the same API minus
// tfjs-layers and tfjs-data, which nothing here uses (~370 kB less for the dream worker to load before
// its first keyframe). Gradients and chained ops are registered as the full package does. The WebGL and
// WebGPU backends are imported only when asked for (src/tf/backend.ts), wasm there too. Node (tests, scripts)
// uses the full package.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-converter';
export * from '@tensorflow/tfjs-backend-cpu';
