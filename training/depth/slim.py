"""Make the lighter depth net (one 3×3 conv per decoder level instead of two) from a trained 2-conv checkpoint,
to go on training it: issue 6's depth cost. At the shipped channels (16-32-64-128-192) the decoder's second convs
are 85 M of the net's 381 M multiply-adds at 96², so the slim net does 0.78× the work per depth call.

    OMP_NUM_THREADS=1 /usr/bin/python3 training/depth/slim.py SRC_CKPT RUN_DIR [--weights ema]

The encoder, every decoder level's first conv and the head keep their trained weights; the second convs are
dropped, so each level's first conv now feeds the next level directly (the output changes: train on from here).
Both the raw and the EMA weights of the new run start from SRC's --weights (default: its EMA, what ships), with a
fresh optimiser, SRC's step and data RNG. Writes RUN_DIR/ckpt-last.pt; resume it with train.py --run RUN_DIR.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import DepthUNet, count_params, net_for  # noqa: E402


def slim(old: DepthUNet) -> DepthUNet:
    if old.dec_convs != 2:
        raise ValueError('slim: the source already has one conv per decoder level')
    new = DepthUNet(old.channels, dec_convs=1)
    state = old.state_dict()
    # every tensor of the slim net has the same name and shape in the 2-conv one (dec{j}.1.* are the ones left out)
    new.load_state_dict({k: state[k] for k in new.state_dict()})
    return new.train(old.training)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('src')
    ap.add_argument('run')
    ap.add_argument('--weights', default='ema', choices=['ema', 'model'])
    a = ap.parse_args()
    ck = torch.load(a.src, map_location='cpu')
    old = net_for(ck)
    old.load_state_dict(ck[a.weights])
    new_net = slim(old)
    new = new_net.state_dict()
    path = os.path.join(a.run, 'ckpt-last.pt')
    if os.path.exists(path):
        sys.exit(f'{path} exists: slim into a new run folder')
    os.makedirs(a.run, exist_ok=True)
    torch.save({'model': new, 'ema': new, 'step': ck['step'], 'rng': ck['rng'], 'channels': old.channels, 'dec_convs': 1,
                'slimmed_from': {'ckpt': a.src, 'weights': a.weights}}, path)
    print(f'step {ck["step"]}: {count_params(old)} → {count_params(new_net)} params, one conv per decoder level → {path}')


if __name__ == '__main__':
    main()
