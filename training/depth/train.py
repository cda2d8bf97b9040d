"""Train the depth U-Net on 1 CPU thread, resumably.

    OMP_NUM_THREADS=1 /usr/bin/python3 training/depth/train.py --run training/depth/runs/main

Re-running the same command resumes from <run>/ckpt-last.pt. New shards that appear in the data
folders are picked up every --rescan steps. Log: <run>/log.csv (loss) and <run>/val.csv (held-out).
"""
import argparse
import copy
import csv
import math
import os
import sys
import time

os.environ.setdefault('OMP_NUM_THREADS', '1')
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import DepthUNet, count_params, net_for, predict_at  # noqa: E402
from losses import ssi_loss, corr_hinge, depth_metrics, MAX_DEPTH  # noqa: E402
from dataset import ShardPool, augment  # noqa: E402


def parse(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', default='training/depth/runs/main')
    ap.add_argument('--data', nargs='+', default=['training/depth/data/train'])
    ap.add_argument('--val', default='training/depth/data/val3')
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--lr-half-life', type=float, default=5000, help='steps per halving of the learning rate')
    ap.add_argument('--lr-min', type=float, default=5e-5)
    ap.add_argument('--lr-offset', type=int, default=0,
                    help='count the schedule from this step (fine-tuning a branch copied from another run: no warm-up)')
    ap.add_argument('--steps', type=int, default=10**9, help='stop after this many steps in total')
    ap.add_argument('--ckpt-every', type=int, default=500)
    ap.add_argument('--keep-every', type=int, default=5000)
    ap.add_argument('--val-every', type=int, default=1000)
    ap.add_argument('--val-count', type=int, default=256)
    ap.add_argument('--rescan', type=int, default=500)
    ap.add_argument('--dream-weight', type=float, default=2.0, help='sampling weight of shards rendered with dream textures')
    ap.add_argument('--ema', type=float, default=0.999)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--grad-weight', type=float, default=0.5, help='weight of the multi-scale gradient-matching term')
    ap.add_argument('--no-augment', action='store_true')
    ap.add_argument('--valid-weight', type=float, default=1.0,
                    help='weight of a second loss term normalised over surfaces only (not sky, depth ≤ 100): the evaluated region')
    ap.add_argument('--corr-weight', type=float, default=0.0,
                    help='weight of a hinge on the per-image correlation of prediction and truth over surfaces '
                         '(relu(margin - r)): pushes the images whose relief comes out inverted')
    ap.add_argument('--corr-margin', type=float, default=0.5)
    ap.add_argument('--hard', default=None, help="mine.py's scores (.npz): sample the images it found hard more often")
    ap.add_argument('--hard-weight', type=float, default=3.0, help='sampling weight of the hard images')
    ap.add_argument('--teacher', default=None,
                    help="a checkpoint whose EMA net (BatchNorm recalibrated) the model's disparity also matches (scale-and-shift-invariant, all pixels): "
                         'distillation, e.g. slim.py\'s lighter net from the net it was cut from')
    ap.add_argument('--teacher-weight', type=float, default=1.0)
    ap.add_argument('--input-size', type=int, default=None,
                    help='run the net at this square size (multiple of 16; the data stays 96²), as the runtime will')
    ap.add_argument('--hard-below', type=float, default=0.3,
                    help='hard = correlation of prediction and truth below this (< 0: relief inverted)')
    ap.add_argument('--sizes', default=None,
                    help='multi-scale training, e.g. "96:4,128:2,160:2,192:2": each batch is resized (after augmenting at the '
                         "data's own size) to one of these square sizes, drawn with these weights; the batch shrinks so "
                         'batch·size² stays ≈ --batch·96² (at least 3 images). The net runs at that size (no --input-size)')
    ap.add_argument('--blur', type=float, default=0.0, help='share of images blurred (Gaussian, σ 0.4–1.6 px at the training size)')
    ap.add_argument('--val-sizes', default=None,
                    help='validate at these sizes too, e.g. "96,192": validation images resized there (area), the net run there')
    return ap.parse_args(argv)


def parse_sizes(spec):
    """"96:4,192:1" → ([96, 192], [0.8, 0.2])."""
    sizes, weights = [], []
    for part in spec.split(','):
        k, _, w = part.partition(':')
        if int(k) % 16:
            raise ValueError(f'--sizes: {k} is not a multiple of 16')
        sizes.append(int(k))
        weights.append(float(w or 1))
    return sizes, [w / sum(weights) for w in weights]


def resize_batch(x, d, size):
    """x [n,3,h,w], d [n,h,w] → size²: down by the mean over each pixel's footprint (disparity too, as the generator's
    supersampling averages it: 192² rendered at 1 ray a pixel and halved is 96² at 2×2), up bilinearly."""
    if x.shape[-1] == size and x.shape[-2] == size:
        return x, d
    import torch.nn.functional as F
    kw = dict(mode='area') if size < x.shape[-1] else dict(mode='bilinear', align_corners=False)
    return F.interpolate(x, size=(size, size), **kw).clamp(0, 1), F.interpolate(d[:, None], size=(size, size), **kw)[:, 0]


def blur(x, share, g):
    """Gaussian blur of a random `share` of the images, σ 0.4–1.6 px (defocus, soft dream keyframes, upscaled photos)."""
    import torch.nn.functional as F
    out = x.clone()
    for i in range(x.shape[0]):
        if torch.rand(1, generator=g).item() >= share:
            continue
        sigma = 0.4 + 1.2 * torch.rand(1, generator=g).item()
        r = int(math.ceil(2.5 * sigma))
        k = torch.exp(-torch.arange(-r, r + 1, dtype=torch.float32) ** 2 / (2 * sigma ** 2))
        k = (k / k.sum()).to(x.dtype)
        t = F.pad(x[i:i + 1], (r, r, r, r), mode='replicate')
        t = F.conv2d(t, k.view(1, 1, 1, -1).repeat(3, 1, 1, 1), groups=3)
        out[i:i + 1] = F.conv2d(t, k.view(1, 1, -1, 1).repeat(3, 1, 1, 1), groups=3)
    return out


def lr_at(a, step):
    s = max(0, step - a.lr_offset)
    warm = 1.0 if a.lr_offset else min(1.0, (s + 1) / 300)
    return max(a.lr_min, a.lr * warm * 0.5 ** (s / a.lr_half_life))


@torch.no_grad()
def evaluate(model, x, d, size=None):
    model.eval()
    preds = torch.cat([predict_at(model, x[i:i + 32], size) for i in range(0, len(x), 32)])
    rows = [depth_metrics(preds[i], d[i]) for i in range(len(x))]
    rows = [r for r in rows if r is not None]
    # vertical prior baseline: disparity grows linearly towards the bottom row
    h, w = d.shape[1:]
    vert = torch.linspace(0, 1, h)[:, None].expand(h, w)
    vrows = [depth_metrics(vert, d[i]) for i in range(len(x))]
    vrows = [r for r in vrows if r is not None]
    return (float(np.mean([r[0] for r in rows])), float(np.mean([r[1] for r in rows])),
            float(np.mean([r[2] > 0 for r in rows])), float(np.mean([r[0] for r in vrows])))


def save(path, obj):
    torch.save(obj, path + '.tmp')
    os.replace(path + '.tmp', path)


def main(argv=None):
    a = parse(argv)
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    os.makedirs(a.run, exist_ok=True)
    pool = ShardPool(a.data, a.dream_weight, a.hard, a.hard_weight, a.hard_below)
    if len(pool) == 0:
        sys.exit(f'no shards in {a.data}: run `npm run depth:data` first')
    val_pool = ShardPool([a.val]) if os.path.isdir(a.val) else None
    vx, vd = val_pool.all(a.val_count) if val_pool and len(val_pool) else (None, None)
    val_sets = [(None, vx, vd)] if vx is not None else []
    if vx is not None and a.val_sizes:
        val_sets = [(s, *resize_batch(vx, vd, s)) for s in map(int, a.val_sizes.split(','))]
    sizes = parse_sizes(a.sizes) if a.sizes else None

    step = 0
    last = os.path.join(a.run, 'ckpt-last.pt')
    ck = torch.load(last) if os.path.exists(last) else None
    # a run keeps its checkpoint's shape (widen.py makes wider ones, slim.py lighter ones), else the model's default
    model = net_for(ck) if ck else DepthUNet()
    ema = copy.deepcopy(model)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    if ck:
        model.load_state_dict(ck['model'])
        ema.load_state_dict(ck['ema'])
        if 'opt' in ck:  # absent after widen.py: a fresh optimiser for the new shapes
            opt.load_state_dict(ck['opt'])
        step = ck['step']
        np_state, torch_state = ck['rng']
        print(f'resumed from {last} at step {step}')
    else:
        np_state, torch_state = None, None
    rng = np.random.default_rng(a.seed)
    g = torch.Generator().manual_seed(a.seed)
    if np_state is not None:
        rng.bit_generator.state = np_state
        g.set_state(torch_state)
    teacher = None
    if a.teacher:
        tck = torch.load(a.teacher, map_location='cpu')
        teacher = net_for(tck)
        teacher.load_state_dict(tck['ema'])
        from export import recalibrate_bn  # as shipped: the EMA weights with their own BatchNorm statistics
        recalibrate_bn(teacher, a.data)
        teacher.requires_grad_(False)
    hard = f', {pool.hard_count()} hard ×{a.hard_weight:g}' if a.hard else ''
    print(f'params {count_params(model)}, {len(pool)} training images{hard}, val {0 if vx is None else len(vx)}', flush=True)

    log_new = not os.path.exists(os.path.join(a.run, 'log.csv'))
    log = open(os.path.join(a.run, 'log.csv'), 'a', newline='')
    logw = csv.writer(log)
    if log_new:
        logw.writerow(['step', 'wall_s', 'lr', 'loss', 'ssi', 'images'])
    val_new = not os.path.exists(os.path.join(a.run, 'val.csv'))
    vlog = open(os.path.join(a.run, 'val.csv'), 'a', newline='')
    vlogw = csv.writer(vlog)
    if val_new:
        vlogw.writerow(['step', 'absrel', 'delta1', 'pos_scale', 'vertical_absrel', 'raw_absrel', 'raw_delta1', 'raw_pos_scale'])

    t0, acc, acc_ssi, nacc = time.time(), 0.0, 0.0, 0
    model.train()
    while step < a.steps:
        for grp in opt.param_groups:
            grp['lr'] = lr_at(a, step)
        size, n = a.input_size, a.batch
        if sizes:
            size = int(rng.choice(sizes[0], p=sizes[1]))
            n = max(3, round(a.batch * (96 / size) ** 2))
        x, d = pool.batch(rng, n)
        if not a.no_augment:
            x, d = augment(x, d, g)
        if sizes:
            x, d = resize_batch(x, d, size)
            size = None
        if a.blur > 0:
            x = blur(x, a.blur, g)
        mask = torch.ones_like(d, dtype=torch.bool)  # sky (disparity 0) is exact: train on it too
        pred = predict_at(model, x, size)
        loss, l_ssi = ssi_loss(pred, d, mask, grad_weight=a.grad_weight)
        if a.valid_weight > 0:
            # sky vs. surface is learnt first and dominates the all-pixel term; this one asks for the
            # order among surfaces, which is what the evaluation (and stereo relief) measures
            valid = d >= 1.0 / MAX_DEPTH
            l_valid, _ = ssi_loss(pred, d, valid, grad_weight=a.grad_weight)
            loss = loss + a.valid_weight * l_valid
        if a.corr_weight > 0:
            loss = loss + a.corr_weight * corr_hinge(pred, d, d >= 1.0 / MAX_DEPTH, a.corr_margin)
        if teacher is not None:
            with torch.no_grad():
                target = predict_at(teacher, x, size)
            l_teacher, _ = ssi_loss(pred, target, mask, grad_weight=a.grad_weight)
            loss = loss + a.teacher_weight * l_teacher
        opt.zero_grad(set_to_none=True)
        if not torch.isfinite(loss):
            print(f'step {step}: non-finite loss, batch skipped', flush=True)
            continue
        loss.backward()
        gn = torch.nn.utils.clip_grad_norm_(model.parameters(), float('inf'))
        if not torch.isfinite(gn):
            print(f'step {step}: non-finite gradient, batch skipped', flush=True)
            continue
        opt.step()
        with torch.no_grad():
            decay = min(a.ema, (1 + step) / (10 + step))
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(decay).add_(pm, alpha=1 - decay)
            for be, bm in zip(ema.buffers(), model.buffers()):
                be.copy_(bm)
        step += 1
        acc, acc_ssi, nacc = acc + loss.item(), acc_ssi + l_ssi.item(), nacc + 1
        if step % 100 == 0:
            logw.writerow([step, round(time.time() - t0, 1), f'{lr_at(a, step):.2e}', f'{acc / nacc:.4f}', f'{acc_ssi / nacc:.4f}', len(pool)])
            log.flush()
            print(f'step {step} loss {acc / nacc:.4f} ssi {acc_ssi / nacc:.4f} lr {lr_at(a, step):.2e} {(time.time() - t0) / nacc:.3f}s/step', flush=True)
            t0, acc, acc_ssi, nacc = time.time(), 0.0, 0.0, 0
        if step % a.rescan == 0:
            before = len(pool)
            if pool.rescan() != before:
                print(f'data: {before} → {len(pool)} images', flush=True)
        if step % a.ckpt_every == 0:
            ck = {'model': model.state_dict(), 'ema': ema.state_dict(), 'opt': opt.state_dict(), 'step': step,
                  'rng': (rng.bit_generator.state, g.get_state()), 'channels': model.channels,
                  'dec_convs': model.dec_convs}
            save(last, ck)
            if step % a.keep_every == 0:
                save(os.path.join(a.run, f'ckpt-{step:07d}.pt'), ck)
        for vs, vxs, vds in (val_sets if step % a.val_every == 0 else []):
            run_at = a.input_size if vs is None else None
            absrel, d1, pos, vabs = evaluate(ema, vxs, vds, run_at)
            r_absrel, r_d1, r_pos, _ = evaluate(model, vxs, vds, run_at)
            vlogw.writerow([step if vs is None else f'{step}@{vs}', f'{absrel:.4f}', f'{d1:.4f}', f'{pos:.4f}', f'{vabs:.4f}', f'{r_absrel:.4f}', f'{r_d1:.4f}', f'{r_pos:.4f}'])
            vlog.flush()
            print(f'val step {step}{"" if vs is None else f" at {vs}²"}: EMA AbsRel {absrel:.4f} δ1 {d1:.4f} pos {pos:.3f}; raw AbsRel {r_absrel:.4f} '
                  f'δ1 {r_d1:.4f} pos {r_pos:.3f} (vertical prior {vabs:.4f})', flush=True)
        model.train()


if __name__ == '__main__':
    main()
