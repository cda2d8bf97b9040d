"""Hard-example mining for the sign of the relief: score every training image with a checkpoint and
write, per image, the Pearson correlation r of prediction and true disparity over surfaces (sky and
depth > MAX_DEPTH excluded, as the evaluation does). The best-fit scale is negative exactly when r < 0,
so the images with low r are the ones whose relief the net gets inverted or nearly so. train.py
--hard FILE samples those images more often (ShardPool's hard weights).

    OMP_NUM_THREADS=1 /usr/bin/python3 training/depth/mine.py training/depth/runs/main/ckpt-last.pt \
        --out training/depth/runs/main/hard.npz
"""
import argparse
import os
import sys

os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dataset import ShardPool  # noqa: E402
from losses import MAX_DEPTH, pearson  # noqa: E402
from model import net_for  # noqa: E402


def correlations(pred, disp, max_depth=MAX_DEPTH):
    """Per image `pearson` r of pred and disp over disp ≥ 1/max_depth, in double; NaN where fewer than 16
    such pixels, a flat truth (no order to get wrong) or a flat prediction (no sign). pred, disp: [n,h,w]."""
    p, t = pred.double(), disp.double()
    r, ok, pv = pearson(p, t, t >= 1.0 / max_depth, min_var=1e-9, eps=1e-30)
    return torch.where(ok & (pv > 0), r, torch.full_like(r, float('nan'))).float()


@torch.no_grad()
def mine(net, pool, batch=64):
    """→ (names [k] of shard basenames, index [k], r [k]) over every image of the pool, in pool order."""
    net.eval()
    names, idx, rs = [], [], []
    keys = pool._index
    for s in range(0, len(keys), batch):
        chunk = keys[s:s + batch]
        xs, ds = zip(*(pool.get(k) for k in range(s, s + len(chunk))))
        x = torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).float() / 255.0
        r = correlations(net(x), torch.from_numpy(np.stack(ds)))
        names += [os.path.basename(p) for p, _ in chunk]
        idx += [i for _, i in chunk]
        rs.append(r.numpy())
    return np.array(names), np.array(idx, np.int32), np.concatenate(rs) if rs else np.zeros(0, np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('ckpt')
    ap.add_argument('--data', nargs='+', default=['training/depth/data/train'])
    ap.add_argument('--out', required=True)
    ap.add_argument('--weights', default='ema', choices=['ema', 'model'],
                    help="which weights score (the EMA's BatchNorm statistics are recalibrated first)")
    a = ap.parse_args()
    torch.set_num_threads(1)
    ck = torch.load(a.ckpt, map_location='cpu')
    net = net_for(ck)
    net.load_state_dict(ck[a.weights])
    if a.weights == 'ema':
        from export import recalibrate_bn
        recalibrate_bn(net, a.data)
    pool = ShardPool(a.data)
    names, idx, r = mine(net, pool)
    np.savez(a.out, names=names, index=idx, r=r, step=ck['step'])
    ok = r[~np.isnan(r)]
    print(f'{a.ckpt} step {ck["step"]}: {len(r)} images, {len(ok)} scored; r < 0 (inverted): {(ok < 0).mean() * 100:.2f} %, '
          f'r < 0.3: {(ok < 0.3).mean() * 100:.2f} %, median r {np.median(ok):.3f} → {a.out}')


if __name__ == '__main__':
    main()
