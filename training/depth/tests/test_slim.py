import json
import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from helpers import trained_like  # noqa: E402
from model import DepthUNet, count_params, folded_convs, net_for  # noqa: E402
from export import export, run_exported  # noqa: E402
from slim import slim  # noqa: E402
import train  # noqa: E402
from test_dataset import _write_shard  # noqa: E402


def _trained_like(channels=(8, 12, 16, 20)):
    torch.manual_seed(0)
    return trained_like(DepthUNet(channels), spread=0.5).eval()


def test_slim_drops_each_decoder_levels_second_conv_and_keeps_the_rest():
    old = _trained_like()
    new = slim(old)
    assert new.dec_convs == 1 and all(len(block) == 1 for block in new.dec)
    c = old.channels
    dropped = sum(9 * c[i] * c[i] + 2 * c[i] for i in range(len(c) - 1))  # conv + BatchNorm affine
    assert count_params(new) == count_params(old) - dropped
    assert torch.equal(new.enc[2][1].conv.weight, old.enc[2][1].conv.weight)
    assert torch.equal(new.dec[1][0].bn.running_var, old.dec[1][0].bn.running_var)
    assert torch.equal(new.head.weight, old.head.weight)
    with pytest.raises(ValueError):
        slim(new)
    from widen import widen
    with pytest.raises(ValueError):  # widen.py maps two convs per decoder level
        widen(new, (8, 16, 24, 32))


def test_one_conv_decoder_folds_exports_and_reloads(tmp_path):
    m = slim(_trained_like())
    layers = list(folded_convs(m))
    assert [n for n, *_ in layers if n.startswith('dec')] == ['dec0.0', 'dec1.0', 'dec2.0']
    x = torch.rand(1, 3, 32, 48)
    with torch.no_grad():
        assert (m(x) - run_exported(layers, m.channels, x)).abs().max().item() < 1e-4
    ck = tmp_path / 'ck.pt'
    torch.save({'model': m.state_dict(), 'ema': m.state_dict(), 'step': 3, 'channels': m.channels, 'dec_convs': 1}, ck)
    manifest, _, fold_err = export(str(ck), str(tmp_path / 'model'), str(tmp_path / 'fixture.json'), size=32)
    assert fold_err < 5e-2 and manifest['decoderConvs'] == 1
    assert json.loads((tmp_path / 'model' / 'model.json').read_text())['decoderConvs'] == 1
    assert not any(s['name'].startswith('dec0.1') for s in manifest['weightsManifest'][0]['weights'])
    assert net_for(torch.load(ck)).dec_convs == 1
    assert net_for({'channels': (8, 12, 16, 20)}).dec_convs == 2  # checkpoints from before slim.py


def test_training_resumes_a_slim_run_as_slim_and_distils_from_a_teacher(tmp_path):
    import numpy as np
    data = tmp_path / 'data'
    data.mkdir()
    _write_shard(data / 'shard-s1-b0-0000000.dgd', n=4, h=32, w=32)
    channels = (8, 12, 16, 20, 24)
    m = slim(_trained_like(channels))
    teacher = tmp_path / 'teacher.pt'
    torch.save({'ema': _trained_like(channels).state_dict(), 'channels': channels}, teacher)
    out = {}
    for name, extra in (('plain', []), ('distilled', ['--teacher', str(teacher), '--teacher-weight', '5'])):
        run = tmp_path / name
        run.mkdir()
        torch.save({'model': m.state_dict(), 'ema': m.state_dict(), 'step': 0, 'channels': channels, 'dec_convs': 1,
                    'rng': (np.random.default_rng(0).bit_generator.state, torch.Generator().get_state())}, run / 'ckpt-last.pt')
        train.main(['--run', str(run), '--data', str(data), '--val', str(tmp_path / 'none'), '--batch', '2', '--steps', '2',
                    '--ckpt-every', '2', *extra])
        out[name] = torch.load(run / 'ckpt-last.pt')
    for ck in out.values():
        assert ck['step'] == 2 and ck['dec_convs'] == 1 and net_for(ck).dec_convs == 1
    # the same data and seed: only the teacher's term can tell the two runs apart
    w = 'enc.0.0.conv.weight'
    assert not torch.equal(out['plain']['model'][w], out['distilled']['model'][w])
