import json
import os

import numpy as np
import torch

from helpers import trained_like  # noqa: E402
from model import DepthUNet, count_params, folded_convs
from export import export, run_exported, reference_input


def _trained_looking_model():
    torch.manual_seed(0)
    return trained_like(DepthUNet()).eval()


def test_shapes_and_size():
    m = DepthUNet()
    assert 500_000 <= count_params(m) <= 1_000_000
    y = m(torch.rand(2, 3, 64, 96))
    assert y.shape == (2, 64, 96)


def test_folded_graph_matches_model():
    m = _trained_looking_model()
    layers = list(folded_convs(m))
    x = torch.rand(1, 3, 48, 48)
    with torch.no_grad():
        a = m(x)
        b = run_exported(layers, m.channels, x)
    assert (a - b).abs().max().item() < 1e-4


def test_export_writes_manifest_weights_and_fixture(tmp_path):
    m = _trained_looking_model()
    ck = tmp_path / 'ck.pt'
    torch.save({'model': m.state_dict(), 'ema': m.state_dict(), 'step': 7, 'channels': m.channels}, ck)
    out, fix = tmp_path / 'model', tmp_path / 'fixture.json'
    manifest, fixture, fold_err = export(str(ck), str(out), str(fix), size=48)
    assert fold_err < 5e-2  # float16 weights
    specs = manifest['weightsManifest'][0]['weights']
    n_values = sum(int(np.prod(s['shape'])) for s in specs)
    assert os.path.getsize(out / 'weights.bin') == 2 * n_values
    assert os.path.getsize(out / 'weights.bin') < 4 * 1024 * 1024
    assert specs[0] == {'name': 'enc0.0/kernel', 'shape': [3, 3, 3, 16], 'dtype': 'float32', 'quantization': {'dtype': 'float16'}}
    on_disk = json.loads(fix.read_text())
    assert on_disk['trainingStep'] == 7 and len(on_disk['samples']) == 12 and len(on_disk['samples'][0]) == 12
    assert reference_input(48).shape == (48, 48, 3)


def test_bn_recalibration_replaces_running_statistics(tmp_path):
    from export import recalibrate_bn
    from test_dataset import _write_shard
    _write_shard(tmp_path / 'shard-s1-b0-0000000.dgd', n=4, h=32, w=32)
    m = _trained_looking_model()
    before = m.enc[0][0].bn.running_mean.clone()
    recalibrate_bn(m, [str(tmp_path)], batches=2, batch=4)
    assert not m.training
    assert not torch.allclose(before, m.enc[0][0].bn.running_mean)


def test_predict_at_runs_the_net_smaller_and_answers_at_the_input_size():
    from model import predict_at
    m = _trained_looking_model()
    x = torch.rand(2, 3, 48, 48)
    with torch.no_grad():
        same = predict_at(m, x, None), predict_at(m, x, 48)
        small = predict_at(m, x, 32)
        direct32 = m(torch.nn.functional.interpolate(x, size=(32, 32), mode='bilinear', align_corners=False))
    assert torch.equal(same[0], m(x)) and torch.equal(same[1], m(x))
    assert small.shape == (2, 48, 48)
    # the upsampled map keeps the small run's values: its mean, and its corner (half-pixel bilinear edges clamp)
    assert abs(small.mean().item() - direct32.mean().item()) < 1e-3
    assert torch.allclose(small[:, 0, 0], direct32[:, 0, 0], atol=1e-5)
    assert not torch.allclose(small, m(x), atol=1e-3)
