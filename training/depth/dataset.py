"""Reads the generator's .dgd shards (format: training/depth/gen/shards.ts) and makes augmented batches."""
import glob
import os
import numpy as np
import torch
import torch.nn.functional as F


def read_shard(path):
    """→ (rgb uint8 [n,h,w,3], disparity float16 [n,h,w]) as read-only memory maps."""
    with open(path, 'rb') as f:
        head = f.read(16)
    if head[:4] != b'DGD1':
        raise ValueError(f'{path}: not a DGD1 shard')
    n = int.from_bytes(head[4:8], 'little')
    w = int.from_bytes(head[8:10], 'little')
    h = int.from_bytes(head[10:12], 'little')
    rgb = np.memmap(path, np.uint8, 'r', 16, (n, h, w, 3))
    disp = np.memmap(path, np.dtype('<f2'), 'r', 16 + n * h * w * 3, (n, h, w))
    return rgb, disp


def shard_bank_size(path):
    """Dream-bank size encoded in the shard name (shard-s<seed>-b<bank>-<start>.dgd)."""
    for part in os.path.basename(path).split('-'):
        if part.startswith('b') and part[1:].isdigit():
            return int(part[1:])
    return 0


class ShardPool:
    """All shards under the given folders; rescan() picks up shards written since (a second data
    round with dream textures appears this way without restarting training)."""

    def __init__(self, dirs, dream_weight=1.0, hard=None, hard_weight=1.0, hard_below=0.3):
        self.dirs = list(dirs)
        self.dream_weight = dream_weight
        self.shards = {}
        self.set_hard(hard, hard_weight, hard_below)

    def set_hard(self, hard=None, weight=1.0, below=0.3):
        """Sample the images that mine.py scored below `below` (correlation of prediction and truth;
        < 0 is an inverted relief) `weight` times as often. hard: mine.py's .npz path or dict, or None."""
        self._hard = set()
        if hard is not None and weight != 1.0:
            h = np.load(hard) if isinstance(hard, str) else hard
            r = np.asarray(h['r'])
            sel = ~np.isnan(r) & (r < below)
            self._hard = {(str(n), int(i)) for n, i in zip(np.asarray(h['names'])[sel], np.asarray(h['index'])[sel])}
        self.hard_weight = weight
        return self.rescan()

    def rescan(self):
        for d in self.dirs:
            for p in sorted(glob.glob(os.path.join(d, '*.dgd'))):
                if p not in self.shards:
                    self.shards[p] = read_shard(p)
        self._index = []
        weights = []
        for p, (rgb, _) in self.shards.items():
            wgt = self.dream_weight if shard_bank_size(p) > 0 else 1.0
            base = os.path.basename(p)
            for i in range(rgb.shape[0]):
                self._index.append((p, i))
                weights.append(wgt * (self.hard_weight if (base, i) in self._hard else 1.0))
        w = np.asarray(weights, np.float64)
        self._p = w / w.sum() if len(w) else w
        return len(self._index)

    def hard_count(self):
        return sum((os.path.basename(p), i) in self._hard for p, i in self._index)

    def __len__(self):
        return len(self._index)

    def get(self, k):
        p, i = self._index[k]
        rgb, disp = self.shards[p]
        return np.asarray(rgb[i]), np.asarray(disp[i], np.float32)

    def batch(self, rng, n):
        ks = rng.choice(len(self._index), size=n, p=self._p)
        rgbs, disps = zip(*(self.get(k) for k in ks))
        x = torch.from_numpy(np.stack(rgbs)).permute(0, 3, 1, 2).float() / 255.0
        return x, torch.from_numpy(np.stack(disps))

    def all(self, limit=None):
        ks = range(len(self._index) if limit is None else min(limit, len(self._index)))
        rgbs, disps = zip(*(self.get(k) for k in ks))
        return torch.from_numpy(np.stack(rgbs)).permute(0, 3, 1, 2).float() / 255.0, torch.from_numpy(np.stack(disps))


def augment(x, d, g: torch.Generator):
    """Photometric + geometric augmentation that keeps disparity valid up to scale and shift.
    x: [n,3,h,w] in [0,1]; d: [n,h,w]."""
    n, _, h, w = x.shape
    r = lambda *s: torch.rand(*s, generator=g)
    # horizontal flip (vertical flips would break the real "ground is below" cue)
    flip = r(n) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    d = torch.where(flip[:, None, None], d.flip(2), d)
    # random crop + resize back (zoom in, as the viewer does); nearest for disparity keeps edges sharp
    out_x, out_d = [], []
    for i in range(n):
        if r(1).item() < 0.4:
            s = int(h * (0.55 + 0.45 * r(1).item()))
            y0, x0 = int((h - s) * r(1).item()), int((w - s) * r(1).item())
            xi = F.interpolate(x[i:i + 1, :, y0:y0 + s, x0:x0 + s], size=(h, w), mode='bilinear', align_corners=False)
            di = F.interpolate(d[i:i + 1, None, y0:y0 + s, x0:x0 + s], size=(h, w), mode='nearest')[:, 0]
            out_x.append(xi)
            out_d.append(di)
        else:
            out_x.append(x[i:i + 1])
            out_d.append(d[i:i + 1])
    x, d = torch.cat(out_x), torch.cat(out_d)
    # colour: per-channel gain, brightness, contrast, saturation, gamma, noise, occasional grey
    gain = 0.75 + 0.5 * r(n, 3, 1, 1)
    x = x * gain + (r(n, 1, 1, 1) - 0.5) * 0.3
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    x = (x - mean) * (0.6 + 0.8 * r(n, 1, 1, 1)) + mean
    grey = x.mean(dim=1, keepdim=True)
    sat = 0.3 + 1.4 * r(n, 1, 1, 1)
    sat = torch.where(r(n, 1, 1, 1) < 0.08, torch.zeros_like(sat), sat)
    x = (x - grey) * sat + grey
    x = x.clamp(0, 1) ** (0.7 + 0.6 * r(n, 1, 1, 1))
    x = x + torch.randn(x.shape, generator=g) * (0.03 * r(n, 1, 1, 1))
    return x.clamp(0, 1), d
