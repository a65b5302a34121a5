"""Small regressions -- the first models of most tutorials -- train bit for bit as in torch: a
Linear(1, 1) or Linear(3, 1) fitted with each optimizer prints the same losses and weights at full
precision.  This rests on torch's orders for the pieces of such a step: the forward's few products
(ops/_gemm_order.x_wt), the weight gradient's running sum (t_mm), the bias gradient as a whole sum,
MSE's sum, and MKL's vsSqrt inside the adaptive optimizers (optim/_blas_order.sqrt).  The expectation
is torch's own run at test time."""
import numpy as np
import pytest
import torch

import glasstorch

OPTIMIZERS = {
    "SGD": lambda m, p: m.optim.SGD(p, lr=0.01, momentum=0.9),
    "Adam": lambda m, p: m.optim.Adam(p, lr=0.05),
    "AdamW": lambda m, p: m.optim.AdamW(p, lr=0.05, weight_decay=0.1),
    "Adam-amsgrad": lambda m, p: m.optim.Adam(p, lr=0.05, amsgrad=True),
    "RMSprop": lambda m, p: m.optim.RMSprop(p, lr=0.01),
    "RMSprop-centered": lambda m, p: m.optim.RMSprop(p, lr=0.01, centered=True, momentum=0.5),
    "NAdam": lambda m, p: m.optim.NAdam(p, lr=0.05),
    "RAdam": lambda m, p: m.optim.RAdam(p, lr=0.05),
    "Adadelta": lambda m, p: m.optim.Adadelta(p, lr=1.0),
    "Adagrad": lambda m, p: m.optim.Adagrad(p, lr=0.1),
}


def _train(m, n_in, make_opt, steps=60):
    rng = np.random.default_rng(n_in)
    X = m.from_numpy((rng.standard_normal((100, n_in)) * 3).astype(np.float32))
    y = m.from_numpy((rng.standard_normal((100, 1)) + 2).astype(np.float32))
    m.manual_seed(0)
    model = m.nn.Linear(n_in, 1)
    opt = make_opt(m, model.parameters())
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = m.nn.functional.mse_loss(model(X), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, model.weight.detach().numpy().tobytes(), model.bias.detach().numpy().tobytes()


@pytest.mark.parametrize("n_in", [1, 3])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_linear_regression_trains_bit_for_bit(name, n_in):
    want = _train(torch, n_in, OPTIMIZERS[name])
    got = _train(glasstorch, n_in, OPTIMIZERS[name])
    assert got[0] == want[0]          # every printed loss.item(), at full precision
    assert got[1:] == want[1:]


@pytest.mark.parametrize("n", [1, 3, 16, 17, 1000])
def test_mkl_sqrt_is_torchs(n):
    rng = np.random.default_rng(n)
    from glasstorch.optim._blas_order import sqrt
    for dtype in (np.float32, np.float64):
        x = (rng.random(n) * 10.0 ** rng.uniform(-30, 30, n)).astype(dtype)
        assert np.array_equal(sqrt(x), torch.from_numpy(x).sqrt().numpy())
