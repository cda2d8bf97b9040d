"""Shared test fixtures for the depth trainer's tests."""
import torch


def trained_like(model, spread=0.2):
    """Give every BatchNorm non-default statistics and affine parameters, as after training, so folding and
    widening are really exercised. Returns the model."""
    for mod in model.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.running_mean.uniform_(-spread, spread)
            mod.running_var.uniform_(0.5, 2.0)
            mod.weight.data.uniform_(0.5, 1.5)
            mod.bias.data.uniform_(-spread / 2, spread / 2)
    return model
