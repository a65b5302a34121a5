"""torch.optim.swa_utils.AveragedModel (SWA and EMA) and update_bn against torch 2.13."""
import numpy as np
import pytest
import torch

import glasstorch
from tests.parity._helpers import to_np


def run(t, kind):
    t.manual_seed(0)
    model = t.nn.Sequential(t.nn.Linear(3, 4), t.nn.BatchNorm1d(4), t.nn.ReLU(), t.nn.Linear(4, 1))
    if kind == "swa":
        avg = t.optim.swa_utils.AveragedModel(model)
    elif kind == "ema":
        avg = t.optim.swa_utils.AveragedModel(model, multi_avg_fn=t.optim.swa_utils.get_ema_multi_avg_fn(0.9))
    else:
        avg = t.optim.swa_utils.AveragedModel(model, avg_fn=t.optim.swa_utils.get_swa_avg_fn(), use_buffers=True)
    opt = t.optim.SGD(model.parameters(), lr=0.1)
    x = t.from_numpy(np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3))
    y = t.from_numpy(np.linspace(0, 1, 8, dtype=np.float32).reshape(8, 1))
    for _ in range(5):
        opt.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        opt.step()
        avg.update_parameters(model)
    loader = [(x[:4], y[:4]), (x[4:], y[4:])]
    t.optim.swa_utils.update_bn(loader, avg)
    with t.no_grad():
        out = avg(x)
    return [out, avg.n_averaged] + [v for _, v in sorted(avg.state_dict().items())]


@pytest.mark.parametrize("kind", ["swa", "ema", "avg_fn_buffers"])
def test_averaged_model_and_update_bn(kind):
    a, b = run(torch, kind), run(glasstorch, kind)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(to_np(y), to_np(x), rtol=1e-5, atol=1e-6)
        assert str(x.dtype) == str(y.dtype)


def test_repr_and_bad_decay():
    for t in (torch, glasstorch):
        with pytest.raises(ValueError, match="Invalid decay value 1.5"):
            t.optim.swa_utils.get_ema_multi_avg_fn(1.5)
    lin = {t: t.nn.Linear(2, 2) for t in (torch, glasstorch)}
    assert repr(torch.optim.swa_utils.AveragedModel(lin[torch])) == repr(
        glasstorch.optim.swa_utils.AveragedModel(lin[glasstorch]))
