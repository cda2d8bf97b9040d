import numpy as np
import torch

from dataset import ShardPool, augment, read_shard, shard_bank_size


def _write_shard(path, n=3, h=16, w=16, seed=0):
    rng = np.random.default_rng(seed)
    rgb = rng.integers(0, 256, (n, h, w, 3), dtype=np.uint8)
    disp = rng.random((n, h, w)).astype('<f2')
    head = b'DGD1' + n.to_bytes(4, 'little') + w.to_bytes(2, 'little') + h.to_bytes(2, 'little') + (0).to_bytes(4, 'little')
    path.write_bytes(head + rgb.tobytes() + disp.tobytes())
    return rgb, disp


def test_reads_the_generator_format(tmp_path):
    rgb, disp = _write_shard(tmp_path / 'shard-s1-b48-0000000.dgd')
    r, d = read_shard(str(tmp_path / 'shard-s1-b48-0000000.dgd'))
    assert np.array_equal(r, rgb) and np.array_equal(d, disp)
    assert shard_bank_size('shard-s1-b48-0000000.dgd') == 48 and shard_bank_size('shard-s1-b0-0000500.dgd') == 0


def test_pool_rescans_and_batches(tmp_path):
    _write_shard(tmp_path / 'a.dgd')
    pool = ShardPool([str(tmp_path)])
    assert len(pool) == 3
    _write_shard(tmp_path / 'b.dgd', n=2, seed=1)
    assert pool.rescan() == 5
    x, d = pool.batch(np.random.default_rng(0), 4)
    assert x.shape == (4, 3, 16, 16) and d.shape == (4, 16, 16) and 0 <= x.min() and x.max() <= 1


def test_augment_keeps_rgb_and_disparity_aligned():
    # a vertical edge: left half near, right half far; brightness follows disparity
    d = torch.zeros(8, 32, 32)
    d[:, :, :16] = 1.0
    x = d[:, None].repeat(1, 3, 1, 1) * 0.8 + 0.1
    xa, da = augment(x, d, torch.Generator().manual_seed(0))
    assert xa.shape == x.shape and da.shape == d.shape
    for i in range(8):
        near, far = xa[i].mean(0)[da[i] > 0.5], xa[i].mean(0)[da[i] < 0.5]
        if len(near) and len(far):
            assert near.mean() > far.mean()
