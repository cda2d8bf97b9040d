import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkInternals, readInternals, TFJS_VERSION, WASM_KERNELS, type InternalsView } from '../../../../src/tf/accel/internals';
import { ROOT, wasm } from '../../dream/helpers';

/**
 * `o` seen through a proxy that lacks `path` (dot-separated) and otherwise reads `o`: nothing global is patched,
 * other tests see TF.js as it is. (The proxy's target is a blank object: wasm's exports are frozen, and a proxy of a
 * frozen object must show all of it.)
 */
function without<T extends object>(o: T, path: string): T {
  const [key, ...rest] = path.split('.');
  return new Proxy({}, {
    get: (_t, k) => (k === key ? (rest.length ? without(Reflect.get(o, k) as object, rest.join('.')) : undefined) : Reflect.get(o, k)),
    has: (_t, k) => (k === key && !rest.length ? false : Reflect.has(o, k)),
  }) as T;
}
/** `o` with `key` read as `value` instead. */
const replaced = <T extends object>(o: T, key: string, value: unknown): T =>
  new Proxy({}, { get: (_t, k) => (k === key ? value : Reflect.get(o, k)), has: (_t, k) => Reflect.has(o, k) }) as T;

let live: InternalsView;
beforeAll(async () => {
  await wasm();
  live = readInternals()!;
});

describe('the internals the wasm accelerator reads', () => {
  it('are all there in the installed TF.js (this fails if the check is wrong about the pinned version)', () => {
    expect(live.versions).toEqual({ core: TFJS_VERSION, wasm: TFJS_VERSION });
    expect(checkInternals(live)).toBeNull();
  });

  // Each internal taken away in turn: the check names it, in one sentence that says what to do.
  const missing: [string, (v: InternalsView) => InternalsView, RegExp][] = [
    ['the heap bytes', (v) => ({ ...v, backend: without(v.backend as object, 'wasm.HEAPU8') }), /backend\.wasm\.HEAPU8/],
    ['the heap memory object', (v) => ({ ...v, backend: without(v.backend as object, 'wasm.asm.memory') }), /backend\.wasm\.asm\.memory/],
    ['the emscripten module\'s exports', (v) => ({ ...v, backend: without(v.backend as object, 'wasm.asm') }), /backend\.wasm\.asm\.memory/],
    ['the data map', (v) => ({ ...v, backend: without(v.backend as object, 'dataIdMap') }), /backend\.dataIdMap/],
    ['makeOutput', (v) => ({ ...v, backend: without(v.backend as object, 'makeOutput') }), /backend\.makeOutput\(\)/],
    ['disposeData', (v) => ({ ...v, backend: without(v.backend as object, 'disposeData') }), /backend\.disposeData\(\)/],
    ['incRef', (v) => ({ ...v, backend: without(v.backend as object, 'incRef') }), /backend\.incRef\(\)/],
    ['makeTensorFromTensorInfo', (v) => ({ ...v, engine: without(v.engine as object, 'makeTensorFromTensorInfo') }), /makeTensorFromTensorInfo/],
    ['the profiling flag', (v) => ({ ...v, engine: without(v.engine as object, 'state.profiling') }), /state\.profiling/],
    ['the gradient tape', (v) => ({ ...v, stateDuringGrad: without(v.stateDuringGrad as object, 'activeTape') }), /state\.activeTape/],
    ['a kernel it wraps', (v) => ({ ...v, hasKernel: (k) => k !== 'Transform' && v.hasKernel(k) }), /wasm kernel Transform/],
    ['memoryOffset in the data map\'s entries', (v) => {
      const map = (v.backend as { dataIdMap: { get(id: object): object } }).dataIdMap;
      let first = true; // the check's own lookup finds no offset; freeing its probe then finds the real entry
      const get = (id: object) => { const e = map.get(id); if (!first) return e; first = false; return { ...e, memoryOffset: undefined }; };
      return { ...v, backend: replaced(v.backend as object, 'dataIdMap', replaced(map, 'get', get)) };
    }, /memoryOffset/],
    ['the heap bytes being the memory\'s', (v) => {
      const b = v.backend as { wasm: { HEAPU8: Uint8Array } };
      return { ...v, backend: replaced(b, 'wasm', replaced(b.wasm, 'HEAPU8', new Uint8Array(b.wasm.HEAPU8.length))) };
    }, /tensor data at memoryOffset in wasm\.asm\.memory/],
  ];
  it.each(missing)('without %s, the check says so', (_what, take, named) => {
    const reason = checkInternals(take(live));
    expect(reason).toMatch(named);
    expect(reason).toMatch(/^the wasm accelerator is off: .*npm ci.*$/);
    expect(reason).not.toMatch(/\.\s+\S/); // one sentence
  });

  it('another TF.js version is named, with the pinned one', () => {
    expect(checkInternals({ ...live, versions: { ...live.versions, wasm: '4.23.0' } })).toMatch(/written for TF\.js 4\.22\.0 and @tensorflow\/tfjs-backend-wasm is 4\.23\.0.*npm ci/);
    expect(checkInternals({ ...live, versions: { ...live.versions, core: '5.0.0' } })).toMatch(/tfjs-core is 5\.0\.0/);
    expect(checkInternals(null)).toMatch(/wasm backend is not running/);
  });

  it('leaves no tensor or heap data behind', () => {
    const before = tf.memory();
    checkInternals(readInternals());
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
  });

  it('are read nowhere in src/ but src/tf/accel/internals.ts', () => {
    // the members of TF.js's objects that are not its public API (the check's list); makeOutput, disposeData and
    // incRef are methods of the WasmBackend type internals.ts declares, so the type keeps them in one place
    const internal = /\b(HEAPU8|dataIdMap|memoryOffset|activeTape|makeTensorFromTensorInfo)\b|\.asm\b|state\.profiling/;
    const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => { const p = join(dir, f); return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []; });
    const readers = files(join(ROOT, 'src')).filter((f) => !f.endsWith(join('accel', 'internals.ts')))
      .filter((f) => readFileSync(f, 'utf8').split('\n').some((line) => !/^\s*(\/\/|\*|\/\*)/.test(line) && internal.test(line)));
    expect(readers.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('the wasm kernels the check asks for are the ones the accelerator wraps', () => {
    for (const k of ['Slice', 'Transform', 'Identity', 'Cast', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D', 'Conv2D']) expect(WASM_KERNELS).toContain(k);
    for (const k of WASM_KERNELS) expect(tf.getKernel(k, 'wasm'), k).toBeDefined();
  });
});

describe('the TF.js packages src/tf reads the internals of', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; dependencies?: Record<string, string> }> };
  // every @tensorflow package src/ imports, by name
  const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => { const p = join(dir, f); return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []; });
  const imported = [...new Set(files(join(ROOT, 'src')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/['"](@tensorflow\/[\w-]+)/g)].map((m) => m[1])))].sort();

  it('are pinned exactly to the version the accelerator is written for, in package.json and the lock file, and installed at it', () => {
    expect(imported).toEqual(expect.arrayContaining(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-core']));
    for (const name of [...imported, '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-webgpu']) {
      expect(pkg.dependencies[name], name).toBe(TFJS_VERSION);
      expect(lock.packages[''].dependencies?.[name], name).toBe(TFJS_VERSION);
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(TFJS_VERSION);
      expect(JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version, name).toBe(TFJS_VERSION);
    }
  });
});
