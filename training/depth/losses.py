"""Scale-and-shift-invariant loss (MiDaS) and the evaluation metrics shared with scripts/eval-depth.ts."""
import torch


def _normalise(d, mask):
    """Per image: (d - median) / mean|d - median| over mask. d, mask: [n,h,w]."""
    n = d.shape[0]
    flat, m = d.reshape(n, -1), mask.reshape(n, -1)
    out = []
    for i in range(n):
        v = flat[i][m[i]]
        if v.numel() == 0:
            out.append(torch.zeros_like(flat[i]))
            continue
        t = v.median()
        s = (v - t).abs().mean().clamp_min(1e-6)
        out.append((flat[i] - t) / s)
    return torch.stack(out).reshape(d.shape)


def ssi_loss(pred, target, mask, grad_weight=0.5, scales=4):
    """MiDaS-style loss on disparity. Prediction and target are each normalised by their own
    median and mean absolute deviation, so scale and shift do not matter but the sign does: a
    flipped prediction is as far from the target as possible."""
    p, t = _normalise(pred, mask), _normalise(target, mask)
    m = mask.float()
    denom = m.sum().clamp_min(1.0)
    l_ssi = ((p - t).abs() * m).sum() / denom
    r = (p - t) * m
    l_grad = 0.0
    for k in range(scales):
        step = 2 ** k
        rk, mk = r[:, ::step, ::step], m[:, ::step, ::step]
        gx = (rk[:, :, 1:] - rk[:, :, :-1]).abs() * mk[:, :, 1:] * mk[:, :, :-1]
        gy = (rk[:, 1:, :] - rk[:, :-1, :]).abs() * mk[:, 1:, :] * mk[:, :-1, :]
        l_grad = l_grad + (gx.sum() + gy.sum()) / mk.sum().clamp_min(1.0)
    return l_ssi + grad_weight * l_grad, l_ssi


def pearson(pred, target, mask, min_var=1e-6, eps=1e-12):
    """Per image Pearson correlation r of pred and target over mask ([n,h,w] each; computed in their dtype)
    → (r [n], ok [n], prediction's sum of squared deviations [n]). The sign of the evaluation's best-fit scale
    is the sign of r. ok: ≥ 16 masked pixels and a target variance above min_var (a flat surface has no order
    to get wrong). eps sits inside the root: sqrt'(0) is infinite (a flat target or prediction gave NaN
    gradients)."""
    n = pred.shape[0]
    p, t, m = pred.reshape(n, -1), target.reshape(n, -1), mask.reshape(n, -1).to(pred.dtype)
    cnt = m.sum(1).clamp_min(1.0)
    pc = (p - (p * m).sum(1, keepdim=True) / cnt[:, None]) * m
    tc = (t - (t * m).sum(1, keepdim=True) / cnt[:, None]) * m
    pv, tv = pc.pow(2).sum(1), tc.pow(2).sum(1)
    r = (pc * tc).sum(1) / (pv * tv + eps).sqrt()
    return r, (m.sum(1) >= 16) & (tv > min_var * cnt), pv


def corr_hinge(pred, target, mask, margin=0.5):
    """Mean over images of relu(margin - r), r = `pearson` of pred and target on mask. The sign of the
    best-fit scale is the sign of r, so this term works only on the images whose relief is (nearly)
    inverted and leaves well-ordered ones (r ≥ margin) alone. [n,h,w] each."""
    r, ok, _ = pearson(pred, target, mask)
    return torch.where(ok, torch.relu(margin - r), torch.zeros_like(r)).sum() / ok.sum().clamp_min(1)


def align(pred, target, mask, nonneg=True):
    """Least-squares scale and shift mapping pred → target on mask (1-D tensors); scale ≥ 0 if nonneg.
    Returns (scale, shift, unconstrained_scale)."""
    p, t = pred[mask].double(), target[mask].double()
    pm, tm = p.mean(), t.mean()
    var = ((p - pm) ** 2).sum()
    s_free = (((p - pm) * (t - tm)).sum() / var).item() if var > 1e-18 else 0.0
    s = max(s_free, 0.0) if nonneg else s_free
    return s, (tm - s * pm).item(), s_free


MAX_DEPTH = 100.0  # world units; farther surfaces (horizon ground, tunnel ends) count as sky


def depth_metrics(pred_disp, true_disp, max_depth=MAX_DEPTH):
    """AbsRel and δ<1.25 for one image, after aligning pred to the true disparity (scale ≥ 0) on
    valid pixels: not sky and true depth ≤ max_depth (like the depth caps of KITTI/NYU
    evaluations; without it a ground plane running to the horizon makes AbsRel unbounded).
    Aligned disparity is clamped to the smallest valid true disparity (no prediction farther than
    the farthest valid surface) before inverting to depth.
    Returns (absrel, delta1, unconstrained_scale) or None when fewer than 16 pixels are valid."""
    mask = true_disp >= 1.0 / max_depth
    if mask.sum() < 16:
        return None
    s, b, s_free = align(pred_disp.flatten(), true_disp.flatten(), mask.flatten())
    a = (pred_disp[mask].double() * s + b).clamp_min(true_disp[mask].min().double())
    z_pred, z_true = 1.0 / a, 1.0 / true_disp[mask].double()
    absrel = ((z_pred - z_true).abs() / z_true).mean().item()
    ratio = torch.maximum(z_pred / z_true, z_true / z_pred)
    return absrel, (ratio < 1.25).double().mean().item(), s_free
