"""NumPy's floating-point warnings: shown for the program's own NumPy code, never for the tensor ops.

torch's ops produce inf and nan without a word, and leave NumPy's error state alone, so a program that
also computes with NumPy sees NumPy's RuntimeWarnings ("divide by zero encountered in log") at its own
lines.  glasstorch's ops are NumPy calls: it used to silence NumPy's warnings for the whole process
(``np.seterr(all="ignore")`` at import), which hid the program's own.  Now NumPy's "log" mode routes
each error through ``glasstorch/_fp_warnings.py``, which drops those of glasstorch's code (also on its
worker threads) and warns NumPy's warning for everyone else.

Each case runs the same function with torch and with glasstorch and compares the warnings recorded
(category, message, and whether and where they point into this file) and the values.
"""

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch

from ._helpers import warning_sites

_FILE = __file__


def _record(fn, mod):
    return warning_sites(fn, mod, _FILE)


def _same(fn):
    want, want_out = _record(fn, torch)
    got, got_out = _record(fn, glasstorch)
    assert got == want
    assert repr(got_out) == repr(want_out)
    return got


def _tensor_ops(m):
    z = m.zeros(3)
    return [str(m.log(z)), str(z / z), str(m.tensor([1e38]) * 10), str(m.sqrt(-m.ones(2))),
            str(m.softmax(m.full((1, 3), -float("inf")), 1)), str(m.tensor([0.0, 1.0]).log().exp())]


def test_tensor_ops_warn_nothing():
    assert _same(_tensor_ops) == []


def test_large_tensor_ops_on_worker_threads_warn_nothing():
    # big enough for glasstorch's split over threads (ops/_parallel.py), whose error state is their own
    def run(m):
        x = -m.ones(1 << 18)
        return [m.sqrt(x).isnan().all().item(), m.log(x + 1).isinf().all().item(), (x / 0).isinf().all().item()]
    assert _same(run) == []


def test_backward_warns_nothing():
    def run(m):
        t = m.tensor([0.0, 1.0, -1.0], requires_grad=True)
        (t.log() + t.sqrt() + 1 / t).sum().backward()
        return str(t.grad)
    assert _same(run) == []


def test_programs_own_numpy_warns_at_its_line():
    def run(m):
        m.log(m.zeros(1))
        a = np.log(np.zeros(2))
        b = np.float32(1) / np.float32(0)
        c = np.zeros(3) / np.zeros(3)
        d = np.array([1e308]) * 10
        return [str(a), str(b), str(c), str(d)]
    sites = _same(run)
    assert [s[1] for s in sites] == ["divide by zero encountered in log", "divide by zero encountered in scalar divide",
                                     "invalid value encountered in divide", "overflow encountered in multiply"]
    assert all(s[2] for s in sites)


def test_numpy_python_functions_warn_where_numpy_points():
    # np.mean runs its ufunc from numpy's own _methods.py: NumPy's warning points there
    sites = _same(lambda m: str(np.mean(np.array([np.inf, -np.inf]))))
    assert sites[0][:3] == ("RuntimeWarning", "invalid value encountered in reduce", False)


def test_tensor_numpy_round_trip_warns_for_the_numpy_part():
    def run(m):
        x = m.zeros(3)
        return str(x.numpy() / x.numpy()), str(m.from_numpy(np.log(np.zeros(2))))
    assert len(_same(run)) == 2


def test_programs_errstate_still_rules_its_numpy():
    def run(m):
        with np.errstate(divide="ignore"):
            a = np.log(np.zeros(1))
        with np.errstate(invalid="raise"):
            try:
                np.sqrt(-np.ones(1))
                b = "no error"
            except FloatingPointError as e:
                b = str(e)
        return str(a), b, str(m.log(m.zeros(1)))
    assert _same(run) == []


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from([0.0, -1.0, 1.0, float("inf"), -float("inf"), float("nan"), 1e38, -1e38]),
                min_size=1, max_size=6),
       st.sampled_from(["log", "sqrt", "reciprocal", "exp", "tan", "atanh", "rsqrt", "log1p", "square"]))
def test_unary_ops_on_special_values_warn_nothing(values, op):
    def run(m):
        x = m.tensor(values)
        return str(getattr(m, op)(x)), str(x * x), str(x / x), str(x.pow(-2))
    assert _same(run) == []


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_overflow_in_each_float_dtype_warns_nothing(dtype):
    def run(m):
        x = m.tensor([60000.0, -60000.0, 1e-30], dtype=getattr(m, dtype))
        return str(x * x), str(x.exp()), str((x * x).sum())
    assert _same(run) == []


def test_programs_threads_route_too():
    # a thread starts from NumPy's default error state: the tensor ops stay quiet there too, the
    # program's own NumPy warns, in a plain thread and in an executor's
    import threading
    from concurrent.futures import ThreadPoolExecutor

    def work(m, out):
        out.append((str(m.log(m.zeros(2))), str(m.sqrt(-m.ones(1 << 17)).isnan().all()), str(np.log(np.zeros(1)))))

    def run(m):
        out = []
        t = threading.Thread(target=work, args=(m, out))
        t.start()
        t.join()
        with ThreadPoolExecutor(2) as ex:
            list(ex.map(lambda _: work(m, out), range(2)))
        return out
    sites = _same(run)
    assert [s[1] for s in sites] == ["divide by zero encountered in log"] * 3
