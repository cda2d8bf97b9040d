// Loads and runs the exported depth U-Net (format 'dream-goggles/depth-unet@1', written by
// training/depth/export.py): float16 weights in the tf.io weights-manifest format, BatchNorm
// already folded into the convs, so the graph is conv → relu, nearest ×2 upsampling and concat.
import * as tf from '@tensorflow/tfjs';

/** The subset of `fetch` the loader needs, so Node (fs) and the browser share one loader. */
export type FetchLike = (url: string) => Promise<{
  ok: boolean;
  status?: number;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

export const DEPTH_MODEL_FORMAT = 'dream-goggles/depth-unet@1';

export interface DepthModelManifest {
  format: string;
  inputSize: number;
  sizeMultiple: number;
  channels: number[];
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

function resolveUrl(base: string, path: string): string {
  const i = base.lastIndexOf('/');
  return i < 0 ? path : base.slice(0, i + 1) + path;
}

export async function loadDepthNet(modelUrl: string, fetchFn: FetchLike): Promise<DepthNet> {
  const res = await fetchFn(modelUrl);
  if (!res.ok) throw new Error(`depth model: ${modelUrl} answered ${res.status ?? 'an error'}`);
  const manifest = (await res.json()) as DepthModelManifest;
  if (manifest.format !== DEPTH_MODEL_FORMAT) {
    throw new Error(`depth model: ${modelUrl} has format ${JSON.stringify(manifest.format)}, expected ${JSON.stringify(DEPTH_MODEL_FORMAT)}`);
  }
  const buffers: ArrayBuffer[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest.weightsManifest) {
    for (const p of group.paths) {
      const r = await fetchFn(resolveUrl(modelUrl, p));
      if (!r.ok) throw new Error(`depth model: ${resolveUrl(modelUrl, p)} answered ${r.status ?? 'an error'}`);
      buffers.push(await r.arrayBuffer());
    }
    specs.push(...group.weights);
  }
  const total = buffers.reduce((s, b) => s + b.byteLength, 0);
  const joined = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) { joined.set(new Uint8Array(b), off); off += b.byteLength; }
  const weights = tf.io.decodeWeights(joined.buffer, specs);
  return createDepthNet(manifest, weights);
}

export function createDepthNet(manifest: DepthModelManifest, weights: tf.NamedTensorMap): DepthNet {
  const c = manifest.channels;
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
    expectConv(`dec${j}.1`, c[i], c[i], 3);
  }
  expectConv('head', c[0], 1, 1);

  const conv = (name: string, x: tf.Tensor4D, relu: boolean): tf.Tensor4D => {
    const stride = manifest.strides[name] ?? 1;
    // PyTorch pads 1 on every side for its stride-2 convs; TF 'same' would pad only bottom/right
    const input = stride === 2 ? tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]) : x;
    return tf.fused.conv2d({
      x: input, filter: get(name, 'kernel') as tf.Tensor4D, bias: get(name, 'bias'),
      strides: stride, pad: stride === 2 ? 'valid' : 'same', activation: relu ? 'relu' : 'linear',
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
          const up = tf.image.resizeNearestNeighbor(t, [t.shape[1] * 2, t.shape[2] * 2], false, false);
          t = conv(`dec${j}.1`, conv(`dec${j}.0`, tf.concat([up, skips.pop()!], 3), true), true);
        }
        return conv('head', t, false).squeeze([3]) as tf.Tensor3D;
      });
    },
    dispose() {
      for (const t of Object.values(weights)) t.dispose();
    },
  };
}
