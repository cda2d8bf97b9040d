"""train.py's multi-scale batches and blur; photos.py's disparity resizing and shard writer."""
import numpy as np
import pytest
import torch

from train import parse_sizes, resize_batch, blur, parse
from photos import resize_disparity, write_dgd, centre_square
from dataset import read_shard


def test_parse_sizes_normalises_weights_and_rejects_odd_sizes():
    sizes, p = parse_sizes('96:4,192:1')
    assert sizes == [96, 192] and p == pytest.approx([0.8, 0.2])
    with pytest.raises(ValueError):
        parse_sizes('100:1')


def test_resize_batch_averages_disparity_over_the_footprint():
    d = torch.zeros(1, 8, 8)
    d[:, :, 4:] = 1.0  # a vertical depth edge on a pixel boundary of the halved image
    x = torch.rand(1, 3, 8, 8)
    xs, ds = resize_batch(x, d, 4)
    assert xs.shape == (1, 3, 4, 4) and ds.shape == (1, 4, 4)
    assert torch.allclose(ds[0, :, :2], torch.zeros(4, 2), atol=1e-6)
    assert torch.allclose(ds[0, :, 2:], torch.ones(4, 2), atol=1e-6)
    assert resize_batch(x, d, 8)[0] is x


def test_blur_softens_only_the_share_asked_for():
    g = torch.Generator().manual_seed(0)
    x = (torch.rand(40, 3, 16, 16) > 0.5).float()
    none = blur(x, 0.0, g)
    assert torch.equal(none, x)
    some = blur(x, 0.5, g)
    changed = [(some[i] - x[i]).abs().max().item() > 1e-3 for i in range(40)]
    assert 8 < sum(changed) < 32
    i = changed.index(True)
    assert some[i].std() < x[i].std()  # blurred: less contrast between neighbours


def test_train_parses_the_multiscale_options():
    a = parse(['--sizes', '96:2,192:1', '--blur', '0.3', '--val-sizes', '96,192'])
    assert a.sizes == '96:2,192:1' and a.blur == 0.3 and a.val_sizes == '96,192'


def test_resize_disparity_keeps_unknown_pixels_out():
    d = np.full((8, 8), 10.0, np.float32)
    d[:4, :4] = 0  # unknown quarter
    d[4:, 4:] = 30
    out = resize_disparity(d, 2)
    assert out[0, 0] == 0 and out[0, 1] == 10 and out[1, 1] == 30
    d[0, 4] = 0  # one unknown of four in a block: the mean of the known ones
    assert resize_disparity(d, 4)[0, 2] == pytest.approx(10.0)


def test_real_shards_round_trip(tmp_path):
    rgb = [np.random.default_rng(0).integers(0, 255, (6, 6, 3), dtype=np.uint8) for _ in range(2)]
    disp = [np.linspace(0, 5, 36, dtype=np.float32).reshape(6, 6), np.zeros((6, 6), np.float32)]
    write_dgd(str(tmp_path / 'r.dgd'), rgb, disp)
    r, d = read_shard(str(tmp_path / 'r.dgd'))
    assert np.array_equal(r[0], rgb[0]) and np.allclose(d[0], disp[0], atol=5e-3)
    assert centre_square(np.zeros((4, 10))).shape == (4, 4)
