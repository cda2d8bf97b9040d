// Loads and runs the exported depth U-Net (format 'dream-goggles/depth-unet@1', written by
// training/depth/export.py): float16 weights in the tf.io weights-manifest format, BatchNorm
// already folded into the convs, so the graph is conv → relu, nearest ×2 upsampling and concat. Each decoder
// level's first conv runs without the upsampling and the concat (see `phaseKernels`): same output, less work.
import * as tf from '@tensorflow/tfjs';
import { fetchShards, joinShards, type FetchLike } from '../model';
import { interleave2x2, type ConvPad } from '../tf';

export const DEPTH_MODEL_FORMAT = 'dream-goggles/depth-unet@1';

export interface DepthModelManifest {
  format: string;
  inputSize: number;
  sizeMultiple: number;
  channels: number[];
  /** 3×3 convs per decoder level: 2 (absent in older exports) or 1 (the lighter net, training/depth/slim.py). */
  decoderConvs?: 1 | 2;
  input: { mean: number; std: number };
  strides: Record<string, number>;
  trainingStep?: number;
  weightsManifest: tf.io.WeightsManifestConfig;
}

export interface DepthNet {
  readonly manifest: DepthModelManifest;
  /** x: [n,h,w,3] RGB in [0,1], h and w multiples of manifest.sizeMultiple → [n,h,w] relative
   *  disparity (larger = nearer, arbitrary scale and shift). The caller owns the result. */
  predict(x: tf.Tensor4D): tf.Tensor3D;
  dispose(): void;
}

export async function loadDepthNet(modelUrl: string, fetchFn: FetchLike): Promise<DepthNet> {
  const res = await fetchFn(modelUrl);
  if (!res.ok) throw new Error(`depth model: ${modelUrl} answered ${res.status}`);
  const manifest = (await res.json()) as DepthModelManifest;
  if (manifest.format !== DEPTH_MODEL_FORMAT) {
    throw new Error(`depth model: ${modelUrl} has format ${JSON.stringify(manifest.format)}, expected ${JSON.stringify(DEPTH_MODEL_FORMAT)}`);
  }
  const shards = await fetchShards(modelUrl, manifest.weightsManifest, async (url) => {
    const r = await fetchFn(url);
    if (!r.ok) throw new Error(`depth model: ${url} answered ${r.status}`);
    return r;
  });
  const weights = tf.io.decodeWeights(joinShards(shards), manifest.weightsManifest.flatMap((g) => g.weights));
  return createDepthNet(manifest, weights);
}

/**
 * A 3×3 'same' conv of a nearest ×2 upsampled map, as four 2×2 convs of the map itself, one per output phase:
 * output row 2i uses upsampled rows 2i−1, 2i, 2i+1 = coarse rows i−1, i, i (taps w0 | w1+w2), row 2i+1 coarse
 * rows i, i, i+1 (w0+w1 | w2); columns likewise. 4/9 of the multiply-adds, no upsampled copy, no concat.
 * kernel [3,3,cin,cout] → four [2,2,cin,cout] kernels in phase order (0,0), (0,1), (1,0), (1,1) and the coarse
 * padding each needs (phase 0 looks one row back, phase 1 one row ahead).
 */
export function phaseKernels(kernel: tf.Tensor4D): { kernels: tf.Tensor4D[]; pads: ConvPad[] } {
  return tf.tidy(() => {
    const [k0, k1, k2] = tf.split(kernel, 3, 0);
    const rows = [tf.concat([k0, tf.add(k1, k2)], 0), tf.concat([tf.add(k0, k1), k2], 0)];
    const kernels: tf.Tensor4D[] = [], pads: ConvPad[] = [];
    for (const [a, r] of rows.entries()) {
      const [c0, c1, c2] = tf.split(r, 3, 1);
      const cols = [tf.concat([c0, tf.add(c1, c2)], 1), tf.concat([tf.add(c0, c1), c2], 1)];
      for (const [b, k] of cols.entries()) {
        kernels.push(tf.keep(k) as tf.Tensor4D);
        pads.push([[0, 0], a === 0 ? [1, 0] : [0, 1], b === 0 ? [1, 0] : [0, 1], [0, 0]]);
      }
    }
    return { kernels, pads };
  });
}

/** conv3×3 'same'(upsample×2 nearest(coarse)) from `phaseKernels`' output, without the upsampled map. */
export function convOfUpsampled(coarse: tf.Tensor4D, phases: ReturnType<typeof phaseKernels>): tf.Tensor4D {
  return tf.tidy(() => {
    const [p00, p01, p10, p11] = phases.kernels.map((k, p) => tf.conv2d(coarse, k, 1, phases.pads[p]));
    // the four phases interleaved: on wasm one strided copy per phase row (src/tf/ops/portable.ts, src/tf/accel/heap/copy.ts)
    return interleave2x2(p00, p01, p10, p11);
  });
}

export function createDepthNet(manifest: DepthModelManifest, weights: tf.NamedTensorMap): DepthNet {
  const c = manifest.channels;
  const decoderConvs = manifest.decoderConvs ?? 2;
  if (decoderConvs !== 1 && decoderConvs !== 2) throw new Error(`depth model: decoderConvs is ${JSON.stringify(decoderConvs)}, expected 1 or 2`);
  const get = (name: string, kind: 'kernel' | 'bias'): tf.Tensor => {
    const t = weights[`${name}/${kind}`];
    if (!t) throw new Error(`depth model: missing weight ${name}/${kind}`);
    return t;
  };
  // check shapes up front so a mismatched export fails at load, not mid-dream
  const expectConv = (name: string, cin: number, cout: number, k: number) => {
    const shape = get(name, 'kernel').shape.join(',');
    if (shape !== [k, k, cin, cout].join(',')) throw new Error(`depth model: ${name}/kernel has shape [${shape}], expected [${[k, k, cin, cout]}]`);
  };
  c.forEach((ch, i) => { expectConv(`enc${i}.0`, i === 0 ? 3 : c[i - 1], ch, 3); expectConv(`enc${i}.1`, ch, ch, 3); });
  for (let j = 0; j < c.length - 1; j++) {
    const i = c.length - 2 - j;
    expectConv(`dec${j}.0`, c[i + 1] + c[i], c[i], 3);
    if (decoderConvs === 2) expectConv(`dec${j}.1`, c[i], c[i], 3);
  }
  expectConv('head', c[0], 1, 1);

  // decoder level j's first conv split by its input channels: [upsampled coarse | skip]
  const dec0 = Array.from({ length: c.length - 1 }, (_, j) => {
    const i = c.length - 2 - j;
    const [up, skip] = tf.split(get(`dec${j}.0`, 'kernel'), [c[i + 1], c[i]], 2) as tf.Tensor4D[];
    const phases = phaseKernels(up);
    up.dispose();
    return { skip, bias: get(`dec${j}.0`, 'bias'), ...phases };
  });
  /** relu(conv3×3(concat(upsample×2(coarse), skip))) for decoder level j, by phases. */
  const decoderIn = (j: number, coarse: tf.Tensor4D, skip: tf.Tensor4D): tf.Tensor4D => {
    const d = dec0[j];
    const up = convOfUpsampled(coarse, d);
    const fromSkip = tf.fused.conv2d({ x: skip, filter: d.skip, bias: d.bias, strides: 1, pad: 'same' });
    return tf.relu(tf.add(fromSkip, up)) as tf.Tensor4D;
  };

  const conv = (name: string, x: tf.Tensor4D, relu: boolean): tf.Tensor4D => {
    const stride = manifest.strides[name] ?? 1;
    // PyTorch pads 1 on every side for its stride-2 convs; TF 'same' would pad only bottom/right
    return tf.fused.conv2d({
      x, filter: get(name, 'kernel') as tf.Tensor4D, bias: get(name, 'bias'),
      strides: stride, pad: stride === 2 ? [[0, 0], [1, 1], [1, 1], [0, 0]] : 'same', activation: relu ? 'relu' : 'linear',
    });
  };

  return {
    manifest,
    predict(x: tf.Tensor4D): tf.Tensor3D {
      const [, h, w] = x.shape;
      const m = manifest.sizeMultiple;
      if (h % m !== 0 || w % m !== 0) throw new Error(`depth model: input ${h}×${w} is not a multiple of ${m}`);
      return tf.tidy(() => {
        let t = x.sub(manifest.input.mean).div(manifest.input.std) as tf.Tensor4D;
        const skips: tf.Tensor4D[] = [];
        for (let i = 0; i < c.length; i++) {
          t = conv(`enc${i}.1`, conv(`enc${i}.0`, t, true), true);
          skips.push(t);
        }
        t = skips.pop()!;
        for (let j = 0; j < c.length - 1; j++) {
          t = decoderIn(j, t, skips.pop()!);
          if (decoderConvs === 2) t = conv(`dec${j}.1`, t, true);
        }
        return conv('head', t, false).squeeze([3]) as tf.Tensor3D;
      });
    },
    dispose() {
      for (const t of Object.values(weights)) t.dispose();
      for (const d of dec0) tf.dispose([d.skip, ...d.kernels]);
    },
  };
}
