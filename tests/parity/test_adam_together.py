"""Adam updates small real parameters of one dtype and step count together, as one concatenated array
(optim/adam.py ``_together``).  The update is element by element, so the numbers must stay torch's
bit for bit whatever the mix: parameters of both float dtypes in one group, a parameter that missed
some steps (so its step count differs), a transposed (non-contiguous) parameter, a large parameter
updated on its own, a complex one, zero gradients, and every option that changes the update.
float64 parameters also pin that the update's multiply-adds are fused in float64 too (lerp_,
addcmul_, L2 decay), as torch's kernels compute them: glasstorch rounded their products apart."""
import numpy as np
import pytest

import glasstorch
import torch

OPTIONS = [
    dict(lr=0.01),
    dict(lr=0.01, amsgrad=True, weight_decay=0.05),
    dict(lr=0.02, weight_decay=0.05, decoupled_weight_decay=True, maximize=True),
    dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6),
]


def _train(m, cls, options, steps=8):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dt) for s, dt in
              [((5, 3), np.float32), ((3,), np.float32), ((4, 6), np.float64), ((7,), np.float32),
               ((6, 4), np.float32), ((200, 200), np.float32), ((3,), np.float32)]]
    params = [m.nn.Parameter(m.from_numpy(a.copy())) for a in arrays]
    params[4] = m.nn.Parameter(m.from_numpy(arrays[4].copy()).t())     # transposed: not contiguous
    cplx = m.nn.Parameter(m.from_numpy((arrays[3] + 1j * arrays[3][::-1]).astype(np.complex64)))
    weights = [m.from_numpy(rng.standard_normal(p.shape).astype(a.dtype)) for p, a in zip(params, arrays)]
    opt = getattr(m.optim, cls)(params + [cplx], **options)
    out = []
    for k in range(steps):
        opt.zero_grad()
        # gradients NumPy and torch compute alike: p + w (the squares' halves and a fixed weight)
        loss = sum((p * p * 0.5 + p * w).sum() for i, (p, w) in enumerate(zip(params, weights))
                   if i != 1 or k % 3 == 0)
        loss = loss + m.view_as_real(cplx).pow(2).sum()
        loss.backward()
        params[6].grad.zero_()                                # a zero gradient
        opt.step()
        out.append([p.detach().numpy().copy() for p in params + [cplx]])
    state = [{k: v.numpy().copy() for k, v in opt.state[p].items()} for p in params]
    return out, state


@pytest.mark.parametrize("cls", ["Adam", "AdamW"])
@pytest.mark.parametrize("options", OPTIONS, ids=[str(i) for i in range(len(OPTIONS))])
def test_adam_updates_together_bit_for_bit(cls, options):
    if cls == "AdamW":                     # (AdamW is decoupled already and takes no such argument)
        options = {k: v for k, v in options.items() if k != "decoupled_weight_decay"}
    want, want_state = _train(torch, cls, options)
    got, got_state = _train(glasstorch, cls, options)
    for step, (w, g) in enumerate(zip(want, got)):
        for i, (a, b) in enumerate(zip(w, g)):
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), f"step {step}, parameter {i}"
    for w, g in zip(want_state, got_state):
        assert sorted(w) == sorted(g)
        for k in w:
            assert w[k].tobytes() == g[k].tobytes(), k


def test_parameters_sharing_memory_are_updated_in_order():
    """A parameter that is a view of another reads what the update before it wrote, as in torch."""
    def run(m):
        base = m.nn.Parameter(m.arange(1.0, 9.0))
        view = m.nn.Parameter(base.data[2:6])           # shares base's memory
        opt = m.optim.Adam([base, view], lr=0.1)
        for _ in range(3):
            opt.zero_grad()
            ((base * base).sum() + (view * 3.0).sum()).backward()
            opt.step()
        return base.detach().numpy().tobytes(), view.detach().numpy().tobytes()
    assert run(torch) == run(glasstorch)

