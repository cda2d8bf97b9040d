"""Validation metrics of one checkpoint for the raw weights, the EMA weights, and the EMA weights
with recalibrated BatchNorm statistics, on the validation shards (seed 2). Use it to choose what
export.py ships (default raw; `--ema` / `--recalibrate`).

    OMP_NUM_THREADS=1 /usr/bin/python3 training/depth/validate.py training/depth/runs/main/ckpt-last.pt
    OMP_NUM_THREADS=1 /usr/bin/python3 training/depth/validate.py runs/main/ckpt-00*.pt --val data/val3 data/val4 --raw-only
"""
import os
import sys

os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dataset import ShardPool  # noqa: E402
from losses import depth_metrics  # noqa: E402
from model import net_for, predict_at  # noqa: E402
from export import recalibrate_bn  # noqa: E402


def evaluate(net, x, d, size=None):
    net.eval()
    with torch.no_grad():
        pr = torch.cat([predict_at(net, x[i:i + 32], size) for i in range(0, len(x), 32)])
    r = np.array([m for m in (depth_metrics(pr[i], d[i]) for i in range(len(x))) if m])
    return r[:, 0].mean(), r[:, 1].mean(), (r[:, 2] > 0).mean()


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('ckpts', nargs='+', help='checkpoints to score (the same images for all)')
    ap.add_argument('--val', nargs='+', default=['training/depth/data/val3'],
                    help='validation shard folders, pooled (e.g. data/val3 data/val4: 1 280 images)')
    ap.add_argument('--input-size', type=int, default=None, help='run the net at this square size (see train.py)')
    ap.add_argument('--raw-only', action='store_true', help='only the raw weights (what export.py ships by default)')
    ap.add_argument('--sizes', default=None,
                    help='e.g. "96,192": resize the validation images to each size (area) and run the net there, one row per size')
    ap.add_argument('--kinds', default=None, help='comma-separated subset of raw,ema,ema+recal')
    ap.add_argument('--recal-data', nargs='+', default=['training/depth/data/train'], help='shard folders for recalibrating BatchNorm')
    a = ap.parse_args()
    torch.set_num_threads(1)
    x, d = ShardPool(a.val).all()
    print(f'{len(x)} validation images from {", ".join(a.val)}')
    if a.sizes:
        from train import resize_batch
        sets = [(s, *resize_batch(x, d, s)) for s in map(int, a.sizes.split(','))]
    else:
        sets = [(a.input_size, x, d)]
    for ckpt in a.ckpts:
        ck = torch.load(ckpt, map_location='cpu')
        kinds = (('raw', 'model', False),) if a.raw_only else (('raw', 'model', False), ('ema', 'ema', False), ('ema+recal', 'ema', True))
        if a.kinds:
            kinds = tuple(k for k in kinds if k[0] in a.kinds.split(','))
        for name, key, recal in kinds:
            net = net_for(ck)
            net.load_state_dict(ck[key])
            if recal:
                recalibrate_bn(net, a.recal_data)
            for size, xs, ds in sets:
                absrel, d1, pos = evaluate(net, xs, ds, size if not a.sizes else None)
                at = f' @{size}' if a.sizes else ''
                print(f'{ckpt} step {ck["step"]} {name:10s}{at} AbsRel {absrel:.4f}  δ<1.25 {d1:.4f}  positive scale {100 * pos:.1f} %'
                      f' ({round((1 - pos) * len(xs))} inverted)', flush=True)


if __name__ == '__main__':
    main()
