import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from helpers import trained_like  # noqa: E402
from model import DepthUNet, count_params  # noqa: E402
from widen import widen  # noqa: E402


def _trained_like(channels=(8, 12, 16, 20)):
    torch.manual_seed(0)
    return trained_like(DepthUNet(channels), spread=0.5)


@pytest.mark.parametrize('mode', ['eval', 'train'])
def test_widening_keeps_the_output(mode):
    old = _trained_like()
    new = widen(old, (8, 16, 24, 32))
    assert count_params(new) > count_params(old)
    x = torch.rand(2, 3, 32, 32)
    for m in (old, new):
        m.train(mode == 'train')
    with torch.no_grad():
        assert torch.allclose(old(x), new(x), atol=1e-5)


def test_added_channels_learn():
    old = _trained_like()
    new = widen(old, (8, 16, 24, 32))
    x, target = torch.rand(2, 3, 32, 32), torch.rand(2, 32, 32)
    opt = torch.optim.SGD(new.parameters(), lr=0.1)
    for _ in range(2):  # first step: the zero fan-out weights move; second: the added filters get gradient
        opt.zero_grad()
        ((new(x) - target) ** 2).mean().backward()
        opt.step()
    w = new.enc[3][1].conv.weight  # reads enc3.0's outputs: old 20 of 32 filled, added 12 started at zero
    assert w[:20, 20:].abs().sum() > 0


def test_refuses_narrowing_and_a_different_first_level():
    old = _trained_like()
    with pytest.raises(ValueError):
        widen(old, (8, 12, 16, 16))
    with pytest.raises(ValueError):
        widen(old, (16, 12, 16, 20))
