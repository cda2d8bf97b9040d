import torch
from losses import ssi_loss, align, depth_metrics


def _pair(seed=0):
    g = torch.Generator().manual_seed(seed)
    target = torch.rand(2, 32, 32, generator=g) + 0.1
    return target, torch.ones_like(target, dtype=torch.bool)


def test_loss_ignores_positive_scale_and_shift():
    target, mask = _pair()
    loss, ssi = ssi_loss(target * 3.7 + 2.0, target, mask)
    assert ssi.item() < 1e-5 and loss.item() < 1e-4


def test_loss_punishes_a_flipped_sign():
    target, mask = _pair(1)
    good, _ = ssi_loss(target * 2 + 1, target, mask)
    flipped, _ = ssi_loss(-target, target, mask)
    const, _ = ssi_loss(torch.zeros_like(target), target, mask)
    assert flipped.item() > const.item() > good.item()


def test_loss_has_gradients():
    target, mask = _pair(2)
    pred = torch.zeros_like(target).normal_().requires_grad_()
    ssi_loss(pred, target, mask)[0].backward()
    assert torch.isfinite(pred.grad).all() and pred.grad.abs().sum() > 0


def test_alignment_clamps_negative_scale():
    x = torch.linspace(0, 1, 100)
    s, b, s_free = align(-x, x, torch.ones(100, dtype=torch.bool))
    assert s_free < 0 and s == 0.0 and abs(b - 0.5) < 1e-9


def test_metrics_perfect_and_flipped():
    disp = torch.linspace(0.05, 1.0, 64 * 64).reshape(64, 64)
    absrel, d1, s_free = depth_metrics(disp * 5 + 1, disp)
    assert absrel < 1e-6 and d1 == 1.0 and s_free > 0
    absrel_f, d1_f, s_free_f = depth_metrics(-disp, disp)
    assert s_free_f < 0 and absrel_f > 0.3 and d1_f < 0.5


def test_metrics_exclude_sky_and_far():
    disp = torch.full((32, 32), 0.5)
    disp[:8] = 0.0     # sky
    disp[8:12] = 1e-3  # beyond the 100-unit cap
    pred = disp.clone()
    pred[:12] = 123.0  # garbage where nothing is evaluated
    absrel, d1, _ = depth_metrics(pred + torch.linspace(0, 1e-3, 32)[:, None], disp)
    assert absrel < 1e-2 and d1 == 1.0


def test_corr_hinge_is_zero_when_ordered_and_large_when_inverted():
    from losses import corr_hinge
    g = torch.Generator().manual_seed(3)
    t = torch.rand(2, 16, 16, generator=g) + 0.1
    m = torch.ones_like(t, dtype=torch.bool)
    assert corr_hinge(3 * t + 1, t, m, margin=0.5).item() < 1e-6
    inv = corr_hinge(-t, t, m, margin=0.5).item()
    assert abs(inv - 1.5) < 1e-4  # r = -1 → relu(0.5 + 1)
    # r = -1 exactly is a stationary point of r; a noisy inversion is what training meets
    p = (-t + 0.3 * torch.rand(2, 16, 16, generator=g)).requires_grad_(True)
    corr_hinge(p, t, m).backward()
    assert p.grad.abs().sum().item() > 0


def test_corr_hinge_gradients_stay_finite_on_flat_images():
    from losses import corr_hinge
    t = torch.ones(2, 16, 16)
    t[1] = torch.linspace(0.1, 1, 16)[None, :]
    p = torch.zeros(2, 16, 16, requires_grad=True)  # flat prediction, flat target in image 0
    corr_hinge(p, t, torch.ones_like(t, dtype=torch.bool)).backward()
    assert torch.isfinite(p.grad).all()
