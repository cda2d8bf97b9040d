// The affine warp's module, now built with the module builder: src/tf/accel/warp/module.ts.
export { affineWarp3, warpModuleBytes } from './accel/warp/module';
