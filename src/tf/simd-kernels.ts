// The element-wise SIMD module, now built with the module builder: src/tf/accel/heap/simd.ts.
export { RELU, RELU6, simdKernels, simdModuleBytes, type SimdKernels } from './accel/heap/simd';
