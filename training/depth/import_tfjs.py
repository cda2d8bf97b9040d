"""A trainer checkpoint from an exported TF.js depth net (model.json + weights.bin), to go on training the shipped
net when its PyTorch checkpoint is gone (runs/ is not kept), optionally one level deeper.

    OMP_NUM_THREADS=1 /usr/bin/python3 training/depth/import_tfjs.py models/depth/model.json training/depth/runs/deep \
        --calibrate training/depth/data/val5 --deepen 192

The export folds BatchNorm into the convs (conv weight·γ/σ, bias β − μ·γ/σ). Unfolding: each conv keeps the folded
weight, and its BatchNorm is set to the statistics (μ, σ²) of that conv's output on real images with γ = √(σ²+ε),
β = b + μ, so that in eval mode BN(conv(x)) = conv(x) + b exactly (the exported net), and in training mode, where
BatchNorm normalises by the batch's own statistics, nearly so (a batch's statistics are near the calibration's).

--deepen C adds a sixth encoder level (two 3×3 convs with C channels, stride 2, then one decoder level back),
doubling the receptive field (≈125 → ≈250 px) at ~1.1× the multiply-adds at 96²: context for inputs above 96²,
and the runtime (src/depth/unet.ts) runs any number of levels. The new decoder level starts as the identity on
the old bottleneck (centre tap 1 on the skip channels, BatchNorm calibrated to pass it through, the upsampled new
path near 0), so the deepened net starts with the shipped net's output and learns to use the new level.
"""
import argparse
import json
import os
import sys

os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import ConvBN, DepthUNet, count_params  # noqa: E402


def read_tfjs(model_json):
    """→ (manifest, {name: float32 array in TF's HWIO / [c] layout}) from model.json + its float16 weights."""
    with open(model_json) as f:
        manifest = json.load(f)
    base = os.path.dirname(model_json)
    weights = {}
    for group in manifest['weightsManifest']:
        blob = b''.join(open(os.path.join(base, p), 'rb').read() for p in group['paths'])
        off = 0
        for spec in group['weights']:
            n = int(np.prod(spec['shape']))
            dt = spec.get('quantization', {}).get('dtype', spec['dtype'])
            if dt == 'float16':
                arr, size = np.frombuffer(blob, '<f2', n, off).astype(np.float32), 2 * n
            elif dt == 'float32':
                arr, size = np.frombuffer(blob, '<f4', n, off).copy(), 4 * n
            else:
                raise ValueError(f'{spec["name"]}: weights of dtype {dt} are not supported')
            weights[spec['name']] = arr.reshape(spec['shape'])
            off += size
    return manifest, weights


def conv_bns(net):
    """(exported name, ConvBN) of every conv but the head, in export order (model.folded_convs' names)."""
    for i, block in enumerate(net.enc):
        yield f'enc{i}.0', block[0]
        yield f'enc{i}.1', block[1]
    for j, block in enumerate(net.dec):
        for k, cb in enumerate(block):
            yield f'dec{j}.{k}', cb


def net_from_tfjs(manifest, weights):
    """A DepthUNet whose eval-mode output is the exported net's, with BatchNorm as conv + bias (to calibrate)."""
    net = DepthUNet(manifest['channels'], manifest.get('decoderConvs', 2))
    with torch.no_grad():
        for name, cb in conv_bns(net):
            cb.conv.weight.copy_(torch.from_numpy(weights[f'{name}/kernel']).permute(3, 2, 0, 1))
            bn = cb.bn
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
            bn.weight.fill_(1.0)
            bn.bias.copy_(torch.from_numpy(weights[f'{name}/bias']))
        net.head.weight.copy_(torch.from_numpy(weights['head/kernel']).permute(3, 2, 0, 1))
        net.head.bias.copy_(torch.from_numpy(weights['head/bias']))
    return net.eval()


@torch.no_grad()
def calibrate(net, x, convs=None):
    """Set each listed ConvBN's (all by default) BatchNorm to μ, σ² of its conv's output on images x [n,3,h,w],
    γ = √(σ²+ε), β = bias + μ, keeping the eval-mode function (bias = the BatchNorm's current eval-mode offset,
    which must be a pure bias: running_mean 0, running_var 1 − ε, γ 1)."""
    targets = dict(convs if convs is not None else conv_bns(net))
    stats, hooks = {}, []
    for name, cb in targets.items():
        def hook(_m, _i, out, name=name):
            s = stats.setdefault(name, [0.0, 0.0, 0])
            s[0] = s[0] + out.double().sum((0, 2, 3))
            s[1] = s[1] + (out.double() ** 2).sum((0, 2, 3))
            s[2] += out.shape[0] * out.shape[2] * out.shape[3]
        hooks.append(cb.conv.register_forward_hook(hook))
    net.eval()
    for i in range(0, len(x), 16):
        net(x[i:i + 16])
    for h in hooks:
        h.remove()
    for name, cb in targets.items():
        s1, s2, n = stats[name]
        mean = s1 / n
        var = (s2 / n - mean ** 2).clamp_min(1e-8)
        bn = cb.bn
        bias = bn.bias.detach().clone()
        bn.running_mean.copy_(mean.float())
        bn.running_var.copy_(var.float())
        bn.weight.copy_((var + bn.eps).sqrt().float())
        bn.bias.copy_(bias + mean.float())
    return net


def deepen(net, c_new, x, seed=0):
    """A copy of net with one more level (channels + (c_new,)) and, in eval mode, nearly the same output (see the
    module docstring). x: calibration images."""
    torch.manual_seed(seed)
    c = tuple(net.channels)
    deep = DepthUNet(c + (c_new,), net.dec_convs)
    with torch.no_grad():
        for i in range(len(c)):
            deep.enc[i].load_state_dict(net.enc[i].state_dict())
        for j in range(len(net.dec)):
            deep.dec[j + 1].load_state_dict(net.dec[j].state_dict())
        deep.head.load_state_dict(net.head.state_dict())
        first: ConvBN = deep.dec[0][0]
        w = first.conv.weight  # [c4, c_new + c4, 3, 3]: input channels = [upsampled new level | old bottleneck]
        w.normal_(0, 2e-4)
        w[:, c_new:] = 0
        w[:, c_new:, 1, 1] = torch.eye(c[-1])
        bn = first.bn
        bn.running_mean.zero_(); bn.running_var.fill_(1.0 - bn.eps); bn.weight.fill_(1.0); bn.bias.zero_()
        for extra in deep.dec[0][1:]:  # a 2-conv decoder's second conv: identity too (its input is ≥ 0)
            extra.conv.weight.zero_()
            extra.conv.weight[:, :, 1, 1] = torch.eye(c[-1])
            extra.bn.running_mean.zero_(); extra.bn.running_var.fill_(1.0 - extra.bn.eps); extra.bn.weight.fill_(1.0); extra.bn.bias.zero_()
        # the new encoder level: trained-like BatchNorm statistics from the calibration images
        deep.eval()
        deep.enc[len(c)].train()  # only the new level's statistics change
        for mod in deep.enc[len(c)].modules():
            if isinstance(mod, torch.nn.BatchNorm2d):
                mod.reset_running_stats(); mod.momentum = None
        for i in range(0, len(x), 16):
            t = (x[i:i + 16] - 0.5) / 0.25
            for blk in deep.enc:
                t = blk(t)
        deep.eval()
        calibrate(deep, x, [(f'dec0.{k}', cb) for k, cb in enumerate(deep.dec[0])])
    return deep.eval()


def load_images(dirs, count, size=96):
    from dataset import ShardPool
    import torch.nn.functional as F
    x, _ = ShardPool(dirs).all(count)
    return F.interpolate(x, size=(size, size), mode='area') if x.shape[-1] != size else x


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model_json')
    ap.add_argument('run', help='run folder: writes <run>/ckpt-last.pt')
    ap.add_argument('--calibrate', nargs='+', default=['training/depth/data/val5'], help='shard folders for the BatchNorm statistics')
    ap.add_argument('--count', type=int, default=256, help='calibration images')
    ap.add_argument('--deepen', type=int, default=0, help='add a level with this many channels (0: none)')
    a = ap.parse_args()
    torch.set_num_threads(1)
    manifest, weights = read_tfjs(a.model_json)
    net = net_from_tfjs(manifest, weights)
    x = load_images(a.calibrate, a.count, manifest['inputSize'])
    with torch.no_grad():
        before = net(x[:32])
    calibrate(net, x)
    if a.deepen:
        net = deepen(net, a.deepen, x)
    with torch.no_grad():
        after = net.eval()(x[:32])
    diff = (after - before).abs().max().item() / before.abs().max().item()
    os.makedirs(a.run, exist_ok=True)
    rng, g = np.random.default_rng(0), torch.Generator().manual_seed(0)
    sd = net.state_dict()
    ck = {'model': sd, 'ema': {k: v.clone() for k, v in sd.items()}, 'step': int(manifest.get('trainingStep', 0)),
          'rng': (rng.bit_generator.state, g.get_state()), 'channels': tuple(net.channels), 'dec_convs': net.dec_convs,
          'imported_from': {'model': a.model_json, 'deepen': a.deepen}}
    torch.save(ck, os.path.join(a.run, 'ckpt-last.pt'))
    print(f'{a.model_json} (step {ck["step"]}) → {a.run}/ckpt-last.pt: channels {net.channels}, {count_params(net)} params; '
          f'eval output vs the export: max |Δ| {diff:.2e} of its range')


if __name__ == '__main__':
    main()
