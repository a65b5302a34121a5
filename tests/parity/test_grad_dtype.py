"""``Tensor.grad_dtype`` (torch 2.13): the dtype a leaf's gradient is kept in; the first gradient
accumulated under create_graph is a recorded copy (``CopyBackwards``), with torch's one-time warning
about the parameter/gradient reference cycle."""
import warnings

import pytest

from ._helpers import MODS, grad_fn_name, same_error, same_on_both


def _train(m, grad_dtype, create=False, twice=False):
    x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    if grad_dtype is not None:
        x.grad_dtype = getattr(m, grad_dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (x * x).sum().backward(create_graph=create)
        if twice:
            (x * 3).sum().backward(create_graph=create)
    return x.grad


@pytest.mark.parametrize("grad_dtype", [None, "float64", "float16"])
@pytest.mark.parametrize("create", [False, True])
@pytest.mark.parametrize("twice", [False, True])
def test_accumulated_gradient_dtype_and_node(grad_dtype, create, twice):
    same_on_both(lambda m: _train(m, grad_dtype, create, twice), [], grad=False)


def test_reading_default_none_and_after_set():
    for m in MODS:
        x = m.ones(2, requires_grad=True)
        assert x.grad_dtype == m.float32
        x.grad_dtype = None
        assert x.grad_dtype is None
        z = m.ones(2)
        z.grad_dtype = m.int64
        assert z.grad_dtype == m.int64
        assert m.nn.Parameter(m.ones(2, dtype=m.float64)).grad_dtype == m.float64


def test_none_lets_an_assigned_gradient_keep_its_dtype():
    def run(m):
        w = m.ones(2, requires_grad=True)
        w.grad_dtype = None
        w.grad = m.ones(2, dtype=m.float16)
        (w.double() * 2).sum().backward()
        return w.grad
    same_on_both(run, [], grad=False)


def _nonleaf_get(m):
    return (m.ones(2, requires_grad=True) * 2).grad_dtype


def _nonleaf_set(m):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (m.ones(2, requires_grad=True) * 2).grad_dtype = m.float64


def _assign_other(m, gd):
    w = m.ones(2, requires_grad=True)
    if gd:
        w.grad_dtype = getattr(m, gd)
    w.grad = m.ones(2, dtype=m.float64 if gd != "float64" else m.float32)


def _change_with_grad(m):
    w = m.ones(2, requires_grad=True)
    w.grad_dtype = m.float64
    w.grad = m.ones(2, dtype=m.float64)
    w.grad_dtype = m.float16


@pytest.mark.parametrize("call", [
    _nonleaf_get, _nonleaf_set,
    lambda m: setattr(m.ones(2), "grad_dtype", "float"),
    lambda m: setattr(m.ones(2), "grad_dtype", 3),
    lambda m: _assign_other(m, None), lambda m: _assign_other(m, "float16"), lambda m: _assign_other(m, "float64"),
    _change_with_grad,
])
def test_errors_are_torchs(call):
    same_error(call)


def test_create_graph_copy_is_recorded_and_warns_once(tmp_path):
    # a new process each, so that the once-per-process warning is the first
    import subprocess
    import sys
    code = ("import warnings, {m} as t\nwarnings.simplefilter('always')\nx = t.ones(2, requires_grad=True)\n"
            "with warnings.catch_warnings(record=True) as rec:\n    warnings.simplefilter('always')\n"
            "    (x * x).sum().backward(create_graph=True)\n    (x * x).sum().backward(create_graph=True)\n"
            "    t.autograd.grad((x * x).sum(), x, create_graph=True)\n"
            "print([str(r.message) for r in rec])\nprint(x.grad)\n")
    out = {m: subprocess.run([sys.executable, "-c", code.format(m=m)], capture_output=True, text=True,
                             check=True).stdout for m in ("torch", "glasstorch")}
    assert out["torch"] == out["glasstorch"]
    assert "CopyBackwards" not in out["torch"] and "AddBackward0" in out["torch"]


def test_first_create_graph_gradient_is_copy_backwards():
    def run(m):
        z = m.ones(2, 2, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (z.t() * z).sum().backward(create_graph=True)
        return z.grad
    outs = same_on_both(run, [], grad=False)
    assert grad_fn_name(outs[MODS[1]][0]) == "CopyBackwards"
