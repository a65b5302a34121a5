"""End to end: an MLP and a small CNN, built after the same seed, trained 50 SGD steps on fixed
data, give torch's losses step by step (within 1e-4 relative)."""
import numpy as np
import torch

import glasstorch


def _mlp(m):
    nn = m.nn
    return nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 5))


def _cnn(m):
    nn = m.nn
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Dropout(0.25), nn.Flatten(), nn.Linear(4 * 4 * 4, 10))


def _train(m, factory, x, y, steps=50, momentum=0.0):
    m.manual_seed(0)
    net = factory(m)
    opt = m.optim.SGD(net.parameters(), lr=0.05, momentum=momentum)
    xs, ys = m.from_numpy(x.copy()), m.from_numpy(y.copy())
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = m.nn.functional.cross_entropy(net(xs), ys)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses)


def test_mlp_50_steps():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 20)).astype(np.float32)
    y = rng.integers(0, 5, 64)
    a, b = _train(torch, _mlp, x, y), _train(glasstorch, _mlp, x, y, momentum=0.0)
    np.testing.assert_allclose(b, a, rtol=1e-4)


def test_cnn_50_steps():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((16, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, 10, 16)
    a, b = _train(torch, _cnn, x, y, momentum=0.9), _train(glasstorch, _cnn, x, y, momentum=0.9)
    np.testing.assert_allclose(b, a, rtol=1e-4)
