"""Small U-Net for relative monocular depth (disparity up to scale and shift, larger = nearer).

Plain ops only (3×3 conv, BatchNorm, ReLU, nearest ×2 upsampling, concat, 1×1 conv) so the
exported graph maps 1:1 onto TF.js ops; BatchNorm is folded into the preceding conv at export.
Down-sampling convs use stride 2 with symmetric padding 1, which the TS runtime reproduces with an
explicit tf.pad + 'valid' conv (TF's 'same' pads asymmetrically for even sizes).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

CHANNELS = (16, 32, 64, 96, 128)
INPUT_MEAN = 0.5
INPUT_STD = 0.25


class ConvBN(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class DepthUNet(nn.Module):
    def __init__(self, channels=CHANNELS, dec_convs=2):
        """dec_convs: 3×3 convs per decoder level (2 as trained first; 1 is the lighter net of issue 6, ~0.78× the
        multiply-adds at the shipped channels, made from a 2-conv checkpoint by slim.py)."""
        super().__init__()
        if dec_convs not in (1, 2):
            raise ValueError(f'dec_convs must be 1 or 2, not {dec_convs}')
        self.channels = tuple(channels)
        self.dec_convs = dec_convs
        c = self.channels
        self.enc = nn.ModuleList()
        for i, ch in enumerate(c):
            cin = 3 if i == 0 else c[i - 1]
            self.enc.append(nn.Sequential(ConvBN(cin, ch, stride=1 if i == 0 else 2), ConvBN(ch, ch)))
        self.dec = nn.ModuleList()
        for i in range(len(c) - 2, -1, -1):  # from deepest skip up to full resolution
            convs = [ConvBN(c[i + 1] + c[i], c[i])]
            if dec_convs == 2:
                convs.append(ConvBN(c[i], c[i]))
            self.dec.append(nn.Sequential(*convs))
        self.head = nn.Conv2d(c[0], 1, 1)

    def forward(self, x):
        """x: [n,3,h,w] RGB in [0,1], h and w divisible by 16 → [n,h,w] relative disparity."""
        x = (x - INPUT_MEAN) / INPUT_STD
        skips = []
        for block in self.enc:
            x = block(x)
            skips.append(x)
        x = skips.pop()
        for block in self.dec:
            x = F.interpolate(x, scale_factor=2, mode='nearest')
            x = block(torch.cat([x, skips.pop()], dim=1))
        return self.head(x)[:, 0]


def predict_at(model, x, size=None):
    """The net's disparity for x [n,3,h,w] when it runs at size² (the runtime's `inputSize`): x is resized
    there (bilinear, half-pixel centres, as tf.image.resizeBilinear in src/depth/estimator.ts) and the output
    upsampled back to h×w, so losses and metrics compare with the data's own disparity. None or h: x as is."""
    h, w = x.shape[-2:]
    if size is None or (size == h and size == w):
        return model(x)
    small = F.interpolate(x, size=(size, size), mode='bilinear', align_corners=False)
    return F.interpolate(model(small)[:, None], size=(h, w), mode='bilinear', align_corners=False)[:, 0]


def net_for(ck):
    """An untrained DepthUNet shaped like checkpoint ck (its channels and decoder convs; the defaults for old ones)."""
    return DepthUNet(ck.get('channels') or CHANNELS, ck.get('dec_convs', 2))


def count_params(model):
    return sum(p.numel() for p in model.parameters())


def folded_convs(model):
    """Yield (name, weight[out,in,kh,kw], bias[out], stride) with BatchNorm folded in (eval stats)."""
    def fold(name, cb: ConvBN):
        w = cb.conv.weight.detach()
        bn = cb.bn
        scale = bn.weight.detach() / torch.sqrt(bn.running_var + bn.eps)
        return (name, w * scale[:, None, None, None], bn.bias.detach() - bn.running_mean * scale, cb.conv.stride[0])

    for i, block in enumerate(model.enc):
        yield fold(f'enc{i}.0', block[0])
        yield fold(f'enc{i}.1', block[1])
    for j, block in enumerate(model.dec):
        for k, cb in enumerate(block):
            yield fold(f'dec{j}.{k}', cb)
    yield ('head', model.head.weight.detach(), model.head.bias.detach(), 1)
