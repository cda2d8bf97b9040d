"""import_tfjs.py: the shipped TF.js export back into a trainer checkpoint (BatchNorm unfolded), and one level deeper."""
import json
import os

import numpy as np
import torch

from export import reference_input, folded_convs
from import_tfjs import read_tfjs, net_from_tfjs, calibrate, deepen
from model import DepthUNet
from helpers import trained_like

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
MODEL = os.path.join(ROOT, 'models', 'depth', 'model.json')
FIXTURE = os.path.join(ROOT, 'tests', 'unit', 'depth', 'fixtures', 'depth-reference.json')


def test_imported_net_reproduces_the_exports_reference_output():
    manifest, weights = read_tfjs(MODEL)
    net = net_from_tfjs(manifest, weights)
    with open(FIXTURE) as f:
        fx = json.load(f)
    x = torch.from_numpy(reference_input(fx['inputSize'])).permute(2, 0, 1)[None]
    with torch.no_grad():
        out = net(x)[0]
    o, s = fx['sampleOffset'], fx['sampleStride']
    got = out[o::s, o::s].numpy()
    np.testing.assert_allclose(got, np.array(fx['samples']), atol=2e-3)
    assert abs(out.mean().item() - fx['mean']) < 1e-3


def test_calibration_keeps_the_eval_function_and_gives_batch_statistics():
    torch.manual_seed(0)
    src = trained_like(DepthUNet((8, 12, 16), dec_convs=1)).eval()
    # unfold src through the same path as an export: folded weights into a bias-only BatchNorm
    net = DepthUNet((8, 12, 16), dec_convs=1)
    names = dict((n, (w, b)) for n, w, b, _ in folded_convs(src))
    from import_tfjs import conv_bns
    with torch.no_grad():
        for name, cb in conv_bns(net):
            w, b = names[name]
            cb.conv.weight.copy_(w)
            cb.bn.running_mean.zero_(); cb.bn.running_var.fill_(1 - cb.bn.eps); cb.bn.weight.fill_(1); cb.bn.bias.copy_(b)
        net.head.load_state_dict(src.head.state_dict())
    x = torch.rand(24, 3, 32, 32)
    with torch.no_grad():
        ref = src(x)
        calibrate(net, x)
        np.testing.assert_allclose(net.eval()(x).numpy(), ref.numpy(), atol=1e-4)
        # in training mode BatchNorm uses the batch's statistics: on the calibration batch, nearly the same output
        train_out = net.train()(x)
    assert (train_out - ref).abs().max().item() < 1e-2 * ref.abs().max().item() + 1e-3
    assert all(torch.all(cb.bn.running_var > 0) for _, cb in conv_bns(net))


def test_deepen_adds_a_level_and_starts_from_the_same_output():
    torch.manual_seed(1)
    net = trained_like(DepthUNet((8, 12, 16), dec_convs=1)).eval()
    x = torch.rand(16, 3, 32, 32)
    deep = deepen(net, 20, x)
    assert deep.channels == (8, 12, 16, 20) and len(deep.enc) == 4 and len(deep.dec) == 3
    with torch.no_grad():
        a, b = net(x), deep(x)
    assert (a - b).abs().max().item() < 1e-2 * a.abs().max().item()
    # the new level is wired in: its weights change the output once they grow
    with torch.no_grad():
        deep.dec[0][0].conv.weight[:, :20].normal_(0, 0.1)
        c = deep(x)
    assert (c - b).abs().max().item() > 1e-3
