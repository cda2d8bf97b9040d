"""Widen a trained DepthUNet without changing what it computes, so training can go on with more capacity.

    OMP_NUM_THREADS=1 /usr/bin/python3 training/depth/widen.py SRC_CKPT RUN_DIR --channels 16,32,64,128,192

Each conv keeps its trained filters in its first (old) output channels; the added output channels get fresh
filters, and every weight that reads an added channel starts at zero, so the widened net's output equals the old
one's exactly (eval and train mode) and the added channels grow from there (Net2Net-style widening with a zero
fan-out). The decoder's concatenated inputs ([upsampled deeper features, skip]) are remapped to the new layout.
Writes RUN_DIR/ckpt-last.pt (raw and EMA weights widened alike, a fresh optimiser, the same step and data RNG):
resume it with train.py --run RUN_DIR.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import DepthUNet, count_params, net_for  # noqa: E402


def _copy_block(old, new, in_map):
    """ConvBN old → new: old filters into the first outputs, reading the inputs at in_map (new index of each old
    input channel); the added outputs keep their fresh filters, but nothing they feed reads them yet."""
    co, ci = old.conv.weight.shape[:2]
    w = new.conv.weight
    with torch.no_grad():
        w[:co].zero_()
        w[:co, in_map] = old.conv.weight
        for name in ('weight', 'bias', 'running_mean', 'running_var'):
            getattr(new.bn, name)[:co] = getattr(old.bn, name)
        new.bn.num_batches_tracked.copy_(old.bn.num_batches_tracked)


def widen(old: DepthUNet, channels) -> DepthUNet:
    c0, c1 = old.channels, tuple(channels)
    if old.dec_convs != 2:
        raise ValueError('widen: only nets with two convs per decoder level')
    if len(c0) != len(c1) or any(b < a for a, b in zip(c0, c1)) or c1[0] != c0[0]:
        raise ValueError(f'can only widen {c0} level by level (same depth, same first level), not to {c1}')
    new = DepthUNet(c1)
    levels = len(c0)
    for i in range(levels):
        first_in = torch.arange(3 if i == 0 else c0[i - 1])
        _copy_block(old.enc[i][0], new.enc[i][0], first_in)
        _copy_block(old.enc[i][1], new.enc[i][1], torch.arange(c0[i]))
    for j in range(levels - 1):
        i = levels - 2 - j  # this decoder block's level: input = [up(c[i+1]), skip(c[i])]
        up, skip = torch.arange(c0[i + 1]), c1[i + 1] + torch.arange(c0[i])
        _copy_block(old.dec[j][0], new.dec[j][0], torch.cat([up, skip]))
        _copy_block(old.dec[j][1], new.dec[j][1], torch.arange(c0[i]))
    with torch.no_grad():
        new.head.weight.copy_(old.head.weight)
        new.head.bias.copy_(old.head.bias)
    return new


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('src')
    ap.add_argument('run')
    ap.add_argument('--channels', required=True, help='e.g. 16,32,64,128,192')
    a = ap.parse_args()
    channels = tuple(int(c) for c in a.channels.split(','))
    ck = torch.load(a.src, map_location='cpu')
    out = {'step': ck['step'], 'rng': ck['rng'], 'channels': channels, 'widened_from': {'ckpt': a.src, 'channels': ck.get('channels')}}
    for key in ('model', 'ema'):
        old = net_for(ck)
        old.load_state_dict(ck[key])
        out[key] = widen(old, channels).state_dict()
    os.makedirs(a.run, exist_ok=True)
    path = os.path.join(a.run, 'ckpt-last.pt')
    if os.path.exists(path):
        sys.exit(f'{path} exists: widen into a new run folder')
    torch.save(out, path)
    print(f'step {ck["step"]}: {ck.get("channels")} → {channels}, {count_params(DepthUNet(channels))} params → {path}')


if __name__ == '__main__':
    main()
