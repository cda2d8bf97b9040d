"""Export a checkpoint to the TF.js runtime format and write the reference fixture.

    /usr/bin/python3 training/depth/export.py --ckpt training/depth/runs/main/ckpt-last.pt

Writes models/depth/model.json (+ weights.bin: float16, tf.io weights-manifest format, BatchNorm
folded into the convs) and tests/unit/depth/fixtures/depth-reference.json (a formula-defined input
and the output of the *exported* float16 graph, which src/depth must reproduce within 1e-3).
"""
import argparse
import json
import math
import os
import sys

os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import net_for, folded_convs, count_params, INPUT_MEAN, INPUT_STD  # noqa: E402

FORMAT = 'dream-goggles/depth-unet@1'


def reference_input(size):
    """[size,size,3] float32 in [0.05,0.95]; the same formula lives in tests/unit/depth/loader.test.ts."""
    y, x, c = np.meshgrid(np.arange(size), np.arange(size), np.arange(3), indexing='ij')
    v = 0.5 + 0.45 * np.sin(0.11 * x * (c + 1) + 0.07 * y + c) * np.cos(0.05 * y - 0.03 * x * c)
    return v.astype(np.float32)


def run_exported(layers, channels, x):
    """Forward pass of the exported graph (folded convs) in NCHW torch; x: [n,3,h,w]."""
    x = (x - INPUT_MEAN) / INPUT_STD
    L = {name: (w, b, s) for name, w, b, s in layers}

    def conv(name, t, relu=True):
        w, b, s = L[name]
        y = F.conv2d(t, w, b, stride=s, padding=w.shape[-1] // 2)
        return F.relu(y) if relu else y

    skips = []
    for i in range(len(channels)):
        x = conv(f'enc{i}.1', conv(f'enc{i}.0', x))
        skips.append(x)
    x = skips.pop()
    for j in range(len(channels) - 1):
        x = F.interpolate(x, scale_factor=2, mode='nearest')
        x = conv(f'dec{j}.0', torch.cat([x, skips.pop()], 1))
        if f'dec{j}.1' in L:  # a 1-conv decoder (slim.py) has none
            x = conv(f'dec{j}.1', x)
    return conv('head', x, relu=False)[:, 0]


def recalibrate_bn(model, data_dirs, batches=40, batch=16, seed=0):
    """Recompute BatchNorm statistics for the given weights (the EMA weights otherwise carry the raw
    model's running statistics) on un-augmented training batches."""
    from dataset import ShardPool
    pool = ShardPool(data_dirs)
    rng = np.random.default_rng(seed)
    for mod in model.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.reset_running_stats()
            mod.momentum = None  # cumulative average over all recalibration batches
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            model(pool.batch(rng, batch)[0])
    model.eval()


def export(ckpt_path, out_dir, fixture_path, use_ema=True, size=96, recal_dirs=None):
    ck = torch.load(ckpt_path, map_location='cpu')
    model = net_for(ck)
    model.load_state_dict(ck['ema' if use_ema else 'model'])
    if recal_dirs:
        recalibrate_bn(model, recal_dirs)
    model.eval()
    layers = []
    specs, blobs = [], []
    for name, w, b, stride in folded_convs(model):
        w16, b16 = w.half().float(), b.half().float()  # what the runtime will see
        layers.append((name, w16, b16, stride))
        kernel = w16.permute(2, 3, 1, 0).contiguous()  # torch [out,in,kh,kw] → TF HWIO
        for suffix, t in (('kernel', kernel), ('bias', b16)):
            specs.append({'name': f'{name}/{suffix}', 'shape': list(t.shape), 'dtype': 'float32', 'quantization': {'dtype': 'float16'}})
            blobs.append(t.numpy().astype('<f2').tobytes())
    os.makedirs(out_dir, exist_ok=True)
    weights = b''.join(blobs)
    with open(os.path.join(out_dir, 'weights.bin'), 'wb') as f:
        f.write(weights)
    strides = {name: s for name, _, _, s in layers}
    manifest = {
        'format': FORMAT,
        'description': 'Relative monocular depth U-Net trained on synthetic scenes (dream-goggles). Output: disparity up to an unknown scale and shift, larger = nearer.',
        'inputSize': size,
        'sizeMultiple': 2 ** (len(model.channels) - 1),
        'channels': list(model.channels),
        'decoderConvs': model.dec_convs,
        'input': {'layout': 'NHWC', 'range': [0, 1], 'mean': INPUT_MEAN, 'std': INPUT_STD},
        'strides': strides,
        'upsample': 'nearest2x',
        'params': count_params(model),
        'trainingStep': int(ck['step']),
        'weights': ('ema' if use_ema else 'raw') + ('+bn-recalibrated' if recal_dirs else ''),
        'weightsManifest': [{'paths': ['weights.bin'], 'weights': specs}],
    }
    with open(os.path.join(out_dir, 'model.json'), 'w') as f:
        json.dump(manifest, f, indent=1)

    x = torch.from_numpy(reference_input(size)).permute(2, 0, 1)[None]
    with torch.no_grad():
        ref = run_exported(layers, model.channels, x)[0]
        direct = model(x)[0]
    fold_err = (ref - direct).abs().max().item()
    step = size // 12
    grid = ref[step // 2::step, step // 2::step]
    fixture = {
        'format': FORMAT,
        'trainingStep': int(ck['step']),
        'inputSize': size,
        'input': 'reference_input(size) in training/depth/export.py',
        'sampleStride': step,
        'sampleOffset': step // 2,
        'samples': [[round(float(v), 6) for v in row] for row in grid],
        'mean': float(ref.mean()),
        'min': float(ref.min()),
        'max': float(ref.max()),
    }
    os.makedirs(os.path.dirname(fixture_path), exist_ok=True)
    with open(fixture_path, 'w') as f:
        json.dump(fixture, f, indent=1)
    print(f'exported step {ck["step"]} ({count_params(model)} params, {len(weights)} bytes) to {out_dir}; '
          f'fold+fp16 max diff vs torch model {fold_err:.2e}')
    return manifest, fixture, fold_err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', default='training/depth/runs/main/ckpt-last.pt')
    ap.add_argument('--out', default='models/depth')
    ap.add_argument('--fixture', default='tests/unit/depth/fixtures/depth-reference.json')
    ap.add_argument('--ema', action='store_true',
                    help='export the EMA weights instead of the raw ones (the EMA uses the raw model\'s BatchNorm statistics; '
                         'on this run it scored worse on validation, see val.csv)')
    ap.add_argument('--recalibrate', nargs='*', metavar='DATA_DIR',
                    help='recompute BatchNorm statistics on these shard folders (default training/depth/data/train)')
    ap.add_argument('--input-size', type=int, default=96,
                    help="the square size the runtime runs the net at (model.json's inputSize; train.py --input-size)")
    a = ap.parse_args()
    recal = None if a.recalibrate is None else (a.recalibrate or ['training/depth/data/train'])
    export(a.ckpt, a.out, a.fixture, use_ema=a.ema, size=a.input_size, recal_dirs=recal)


if __name__ == '__main__':
    main()
