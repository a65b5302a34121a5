"""Shared memory: ``Tensor.share_memory_``/``is_shared``, ``Module.share_memory`` and tensors sent to
other processes through ``torch.multiprocessing`` (Hogwild training, queues), as torch: a child
process's in-place updates reach the parent.  Also flip's result keeps its input's memory layout.

Before: ``share_memory_`` did nothing and ``is_shared`` was always False, so a Hogwild child's training
was lost and a tensor put on a queue arrived as a private copy."""
import os
import subprocess
import sys

import numpy as np
import pytest

from ._helpers import MODS


def _story(m):
    out = []
    m.manual_seed(0)
    x = m.arange(6.)
    v = x[2:]
    out.append((x.is_shared(), x.untyped_storage().is_shared()))
    r = v.share_memory_()
    out.append((r is v, v.is_shared(), x.is_shared(), v.storage_offset(), x.untyped_storage().is_shared()))
    v[0] = 100                                  # the base sees writes through the shared view
    out.append(x.tolist())
    lin = m.nn.Linear(2, 2)
    lin.weight.grad = m.ones(2, 2)
    w_before = lin.weight.detach().clone()
    out.append((lin.share_memory() is lin, lin.weight.grad.is_shared(), lin.bias.is_shared(),
                bool((lin.weight == w_before).all()), lin.weight.requires_grad, type(lin.weight).__name__))
    out.append(m.empty(0).share_memory_().is_shared())
    i = m.tensor([1, 2]).share_memory_()
    out.append((i.is_shared(), i.dtype == m.int64, i.tolist()))
    t = m.arange(12.).reshape(3, 4).t().flip(0)
    t.share_memory_()
    out.append((t.tolist(), t.stride(), t.storage_offset(), t.is_shared(), t.is_contiguous()))
    w = m.ones(2, requires_grad=True)
    y = w * 2
    out.append((y.share_memory_().is_shared(), y.grad_fn is not None, y.untyped_storage().nbytes()))
    return out


def test_share_memory_in_process():
    assert _story(MODS[1]) == _story(MODS[0])


# ---- flip keeps the input's memory layout (torch's empty_like with preserve_format) -------------
_LAYOUTS = {
    "transposed": lambda m: m.arange(12.).reshape(3, 4).t(),
    "stepped": lambda m: m.arange(24.).reshape(4, 6)[:, ::2],
    "stepped_t": lambda m: m.arange(24.).reshape(4, 6)[:, ::2].t(),
    "expanded": lambda m: m.arange(3.).reshape(3, 1).expand(3, 4),
    "channels_last": lambda m: m.arange(24.).reshape(1, 2, 3, 4).contiguous(memory_format=m.channels_last),
    "permuted": lambda m: m.arange(24.).reshape(2, 3, 4).permute(2, 0, 1),
    "permuted_stepped": lambda m: m.arange(48.).reshape(2, 3, 8)[..., ::2].permute(2, 0, 1),
    "size_one": lambda m: m.arange(6.).reshape(2, 3)[:, 1:2],
}


@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
def test_flip_keeps_layout(layout):
    def run(m):
        x = _LAYOUTS[layout](m)
        dims = [[d] for d in range(x.dim())] + [list(range(x.dim()))]
        return [(f.stride(), f.is_contiguous(), np.asarray(f).tolist()) for f in (x.flip(d) for d in dims)]
    assert run(MODS[1]) == run(MODS[0])


# ---- across processes --------------------------------------------------------------------------
_PROGRAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_shared_memory_program.py")


def _run(backend, method):
    r = subprocess.run([sys.executable, _PROGRAM, backend, method], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_hogwild_and_queues(method):
    want = _run("torch", method)
    assert "(True, 120.0)" in want and "tensor([5.])" in want     # the children's writes reached the parent
    assert _run("glasstorch", method) == want


def test_adagrad_share_memory():
    def run(m):
        w = m.nn.Parameter(m.ones(3))
        opt = m.optim.Adagrad([w], lr=0.1)
        before = opt.state[w]["sum"].is_shared()
        r = opt.share_memory()
        return before, r, opt.state[w]["sum"].is_shared(), opt.state[w]["step"].is_shared()
    assert run(MODS[1]) == run(MODS[0])
