import numpy as np
import torch

from dataset import ShardPool
from losses import depth_metrics
from mine import correlations, mine
from test_dataset import _write_shard


def test_correlation_sign_is_the_sign_of_the_best_fit_scale():
    g = torch.Generator().manual_seed(0)
    truth = torch.rand(6, 12, 12, generator=g) * 0.5 + 0.05
    truth[:, :2] = 0.0  # sky rows: excluded from both
    noise = torch.randn(6, 12, 12, generator=g) * 0.05
    pred = torch.stack([truth[0] * 3 + 1, -truth[1] + 2, truth[2] + noise[2], -truth[3] + noise[3],
                        torch.ones(12, 12), truth[5]])
    pred[:, :2] = 100.0 * torch.rand(6, 2, 12, generator=g)  # whatever is predicted for the sky must not count
    r = correlations(pred, truth)
    assert abs(r[0] - 1) < 1e-5 and abs(r[1] + 1) < 1e-5 and abs(r[5] - 1) < 1e-5
    assert torch.isnan(r[4])  # a flat prediction has no sign
    for i in (0, 1, 2, 3, 5):
        assert (r[i] > 0) == (depth_metrics(pred[i], truth[i])[2] > 0)


def test_hard_images_are_sampled_weight_times_as_often(tmp_path):
    _write_shard(tmp_path / 'shard-s1-b0-0000000.dgd', n=4)
    _write_shard(tmp_path / 'shard-s1-b0-0000004.dgd', n=4, seed=1)
    hard = {'names': np.array(['shard-s1-b0-0000000.dgd', 'shard-s1-b0-0000004.dgd', 'shard-s1-b0-0000004.dgd']),
            'index': np.array([1, 2, 3]), 'r': np.array([-0.4, 0.29, 0.9])}
    pool = ShardPool([str(tmp_path)], hard=hard, hard_weight=5.0, hard_below=0.3)
    assert pool.hard_count() == 2  # r 0.9 is not hard
    p = pool._p.reshape(2, 4)
    assert np.allclose(p[0, 1] / p[0, 0], 5) and np.allclose(p[1, 2] / p[1, 0], 5) and np.allclose(p[1, 3], p[1, 0])
    assert abs(pool._p.sum() - 1) < 1e-12
    assert len(ShardPool([str(tmp_path)], hard=hard, hard_weight=1.0)._hard) == 0


def test_mine_scores_every_image_in_pool_order(tmp_path):
    _write_shard(tmp_path / 'a.dgd', n=3)
    pool = ShardPool([str(tmp_path)])

    class Oracle(torch.nn.Module):  # predicts the truth for image 0 and its negation for the rest
        def forward(self, x):
            d = torch.from_numpy(np.stack([pool.get(k)[1] for k in range(len(x))]))
            return d * torch.tensor([1.0, -1.0, -1.0])[:, None, None]

    names, idx, r = mine(Oracle(), pool, batch=8)
    assert list(names) == ['a.dgd'] * 3 and list(idx) == [0, 1, 2]
    assert r[0] > 0.999 and r[1] < -0.999 and r[2] < -0.999
