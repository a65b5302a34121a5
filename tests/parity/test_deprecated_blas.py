"""torch's deprecated beta-first overloads of addmm, addmv, addr, addbmm, baddbmm (functions, methods and
the in-place methods): ``torch.addmm(beta, input, alpha, mat1, mat2)``, ``x.addmm_(beta, mat1, mat2)``
... as 0.4-era code calls them: values, gradients, ``out=``, the once-per-process warning naming the
overload, and torch's parser error for calls that fit no overload."""
import subprocess
import sys
import warnings

import numpy as np
import pytest

from ._helpers import same_error, same_on_both, same_outcome

R = np.random.default_rng(5)
M, V2, V3 = R.standard_normal((2, 2)), R.standard_normal(2), R.standard_normal(3)
A, B = R.standard_normal((2, 3)), R.standard_normal((3, 2))


@pytest.mark.parametrize("fn", [
    lambda t, m, a, b, u, v: t.addmm(0.5, m, 2, a, b),
    lambda t, m, a, b, u, v: t.addmm(-1, m, a, b),
    lambda t, m, a, b, u, v: m.addmm(0.5, 3, a, b),
    lambda t, m, a, b, u, v: m.addmm(2, a, b),
    lambda t, m, a, b, u, v: t.addmv(0.5, u, 2, a, v),
    lambda t, m, a, b, u, v: u.addmv(0.25, a, v),
    lambda t, m, a, b, u, v: t.addr(2, m, 3, u, u),
    lambda t, m, a, b, u, v: m.addr(2, u, u),
    lambda t, m, a, b, u, v: t.addbmm(1, m, 2, a[None], b[None]),
    lambda t, m, a, b, u, v: m.addbmm(0.5, a[None], b[None]),
    lambda t, m, a, b, u, v: t.baddbmm(1, m[None], a[None], b[None]),
    lambda t, m, a, b, u, v: m[None].baddbmm(0.5, -2, a[None], b[None]),
])
def test_values_and_gradients(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_on_both(fn, [M, A, B, V2, V3], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fn", [
    lambda t: t.ones(2, 2, dtype=t.float64).addmm_(0.5, 2, t.ones(2, 3, dtype=t.float64), t.ones(3, 2, dtype=t.float64)),
    lambda t: t.ones(2, 2).addmm_(0.5, t.ones(2, 3), t.ones(3, 2)),
    lambda t: t.ones(2).addmv_(0.5, t.ones(2, 3), t.ones(3)),
    lambda t: t.ones(2, 2).addr_(2, t.arange(2.), t.ones(2)),
    lambda t: t.ones(2, 2).addbmm_(3, t.ones(1, 2, 3), t.ones(1, 3, 2)),
    lambda t: t.ones(1, 2, 2).baddbmm_(3, 2, t.ones(1, 2, 3), t.ones(1, 3, 2)),
    lambda t: t.addmm(0.5, t.ones(2, 2), 2, t.ones(2, 3), t.ones(3, 2), out=t.zeros(2, 2)),
    lambda t: t.addr(0.5, t.ones(2, 2), t.ones(2), t.ones(2), out=t.zeros(2, 2)),
])
def test_in_place_and_out(fn):
    same_outcome(fn)


@pytest.mark.parametrize("fn", [
    lambda t: t.addmm(t.ones(2, 2), 2, t.ones(2, 3), t.ones(3, 2)),
    lambda t: t.ones(2, 2).addmm(t.ones(2, 3), t.ones(3, 2), 2),
    lambda t: t.addmv(0.5, t.ones(2), t.ones(2, 3), 2, t.ones(3)),
    lambda t: t.addmm(0.5, t.ones(2, 2), t.ones(2, 3), t.ones(3, 2), beta=2),
    lambda t: t.ones(2, 2).addr_(2, 3, 4, t.ones(2)),
])
def test_calls_fitting_no_overload(fn):
    same_error(fn)


_ONCE = """
import warnings, torch, glasstorch
out = []
for m in (torch, glasstorch):
    M, a, b, u, v = m.ones(2, 2), m.ones(2, 3), m.ones(3, 2), m.ones(2), m.ones(3)
    with warnings.catch_warnings(record=True) as r:
        warnings.simplefilter("always")
        {call}
        m.addmm(0.5, M, a, b); M.addr(2, u, u)
    out.append([(w.category.__name__, str(w.message)) for w in r])
print(out[0] == out[1], len(out[0]), out)
"""


@pytest.mark.parametrize("call", ["m.addmm(0.5, M, 2, a, b)", "m.baddbmm(1, M[None], a[None], b[None])",
                                  "M.addbmm(1, 2, a[None], b[None])", "u.addmv_(0.5, a, v)", "m.addr(2, M, u, u)"])
def test_warning_names_the_overload_once_per_process(call):
    res = subprocess.run([sys.executable, "-c", _ONCE.format(call=call)], capture_output=True, text=True)
    assert res.stdout.startswith("True 1 "), res.stdout + res.stderr[-2000:]
