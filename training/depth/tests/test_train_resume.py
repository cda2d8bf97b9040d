import csv
import os

import torch

import train
from test_dataset import _write_shard


def test_trains_checkpoints_and_resumes(tmp_path):
    data, val, run = tmp_path / 'data', tmp_path / 'val', tmp_path / 'run'
    data.mkdir(); val.mkdir()
    _write_shard(data / 'shard-s1-b0-0000000.dgd', n=4, h=32, w=32)
    _write_shard(val / 'shard-s2-b0-0000000.dgd', n=2, h=32, w=32, seed=3)
    args = ['--run', str(run), '--data', str(data), '--val', str(val), '--batch', '2',
            '--ckpt-every', '2', '--val-every', '2', '--rescan', '2']
    train.main(args + ['--steps', '2'])
    ck = torch.load(run / 'ckpt-last.pt')
    assert ck['step'] == 2 and set(ck) >= {'model', 'ema', 'opt', 'rng', 'channels'}
    train.main(args + ['--steps', '4'])
    assert torch.load(run / 'ckpt-last.pt')['step'] == 4
    with open(run / 'val.csv') as f:
        steps = [int(r['step']) for r in csv.DictReader(f)]
    assert steps == [2, 4]
    assert os.path.exists(run / 'log.csv')


def test_trains_at_a_smaller_input_size(tmp_path):
    data, val, run = tmp_path / 'data', tmp_path / 'val', tmp_path / 'run'
    data.mkdir(); val.mkdir()
    _write_shard(data / 'shard-s1-b0-0000000.dgd', n=4, h=32, w=32)
    _write_shard(val / 'shard-s2-b0-0000000.dgd', n=2, h=32, w=32, seed=3)
    train.main(['--run', str(run), '--data', str(data), '--val', str(val), '--batch', '2', '--steps', '2',
                '--ckpt-every', '2', '--val-every', '2', '--input-size', '16'])
    assert torch.load(run / 'ckpt-last.pt')['step'] == 2
    with open(run / 'val.csv') as f:
        rows = list(csv.DictReader(f))
    assert [int(r['step']) for r in rows] == [2] and 0 < float(rows[0]['absrel']) < 10
