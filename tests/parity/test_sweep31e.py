"""Parity pins for sweep31e (weight averaging and model averaging programs).

Fixed in glasstorch:
- ``AveragedModel`` follows torch's ``update_parameters`` exactly: the default (SWA) average on the
  CPU is torch's per-tensor ``avg + (cur - avg) / (n + 1)`` with ``n`` the count tensor (it was a
  ``lerp_``, which rounds differently: last-bit differences in float32/float64, whole ulps in
  float16), grouped by (device, dtype) in torch's order; passing both ``avg_fn`` and
  ``multi_avg_fn`` raises torch's ``AssertionError``; ``device=`` moves the copy and the
  ``n_averaged`` buffer; the model is read with ``.to(device)``; buffers are zipped strictly
  (a model with fewer buffers raises zip's ``ValueError`` as in torch);
- ``get_swa_multi_avg_fn`` is torch's: one ``_foreach_lerp_`` for floating *and complex* lists (complex
  failed in floor division), integer lists go through ``_foreach_addcdiv_`` (tensor count) or
  ``_foreach_add_(alpha=1 / (n + 1))`` (number count) and so raise torch's errors instead of floor
  dividing; ``get_ema_multi_avg_fn`` uses ``_foreach_lerp_`` (its list checks);
- the four ``get_*_avg_fn`` functions and ``update_bn`` run under ``no_grad`` as torch's are decorated
  (results of the averaging functions no longer require grad; update_bn's forward passes record no
  graph); ``update_bn(device=...)`` moves each batch;
- ``torch._foreach_lerp`` / ``_foreach_lerp_`` with a weight that is not a number, a number list or a
  tensor list (a 1-d tensor, a string, None) raise torch's parser ``TypeError`` ("received an invalid
  combination of arguments ...") instead of a RuntimeError about 0-dim tensors; the arguments are
  bound as torch's parser binds them (``weights=`` for a tensor list, missing, extra or non-list
  arguments give its TypeError);
- ``lerp`` / ``lerp_`` (and so ``_foreach_lerp``) read a number weight as the kernel's float type with
  torch's checked conversion: ``2j`` or ``1e40`` raise "value cannot be converted to type float without
  overflow" (double for float64), a complex with zero imaginary part is its real part;
- ``torch.serialization.default_restore_location`` (fairseq's checkpoint averaging passes it in its
  ``map_location``), ``location_tag`` and ``validate_cuda_device`` exist, with torch's results and
  errors for cpu, meta, accelerator and unknown tags.
(swa_utils.py, _foreach.py, ops/ternary.py, _load_location.py, serialization.py.)
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_error, same_outcome


def _su(m):
    return m.optim.swa_utils


def _net(m, dtype):
    m.manual_seed(0)
    return m.nn.Sequential(m.nn.Linear(3, 4), m.nn.BatchNorm1d(4)).to(getattr(m, dtype))


def _perturb(m, net, k):
    with m.no_grad():
        for p in net.parameters():
            p.mul_(1.3).add_(0.1 * (k + 1))


# ---- the default (SWA) average, bit for bit ------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("use_buffers", [False, True])
def test_swa_default_average_is_torchs_cpu_formula(dtype, use_buffers):
    def fn(m):
        net = _net(m, dtype)
        am = _su(m).AveragedModel(net, use_buffers=use_buffers)
        for k in range(5):
            _perturb(m, net, k)
            net.train()
            net(m.ones(5, 3, dtype=getattr(m, dtype)) * (k - 2.0))
            am.update_parameters(net)
        return tuple(am.state_dict().values())
    same_outcome(fn)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-100, 100, allow_nan=False, width=32), min_size=2, max_size=7),
       st.sampled_from(["float32", "float64"]))
def test_swa_running_mean_of_snapshots(values, dtype):
    def fn(m):
        p = m.nn.Parameter(m.zeros(3, dtype=getattr(m, dtype)))
        mod = m.nn.Module()
        mod.p = p
        am = _su(m).AveragedModel(mod)
        for v in values:
            with m.no_grad():
                p.copy_(m.tensor([v, -v / 3, v * 7.1], dtype=getattr(m, dtype)))
            am.update_parameters(mod)
        return am.module.p.detach(), am.n_averaged
    same_outcome(fn)


def test_swa_integer_and_float_buffers():
    def fn(m):
        mod = m.nn.Module()
        mod.register_buffer("a", m.tensor([-7, 3, 10]))
        mod.register_buffer("b", m.tensor([1.5, -2.0]))
        am = _su(m).AveragedModel(mod, use_buffers=True)
        out = []
        for _ in range(4):
            mod.a.add_(m.tensor([-5, 2, 3]))
            mod.b.mul_(-1.5)
            am.update_parameters(mod)
            out += [am.module.a.clone(), am.module.b.clone()]
        return tuple(out)
    same_outcome(fn)


# ---- constructor and update_parameters checks ---------------------------------------------------------
def test_both_averaging_functions_is_an_assertion():
    same_error(lambda m: _su(m).AveragedModel(m.nn.Linear(2, 2), avg_fn=_su(m).get_swa_avg_fn(),
                                              multi_avg_fn=_su(m).get_swa_multi_avg_fn()))


def test_device_argument():
    def fn(m):
        am = _su(m).AveragedModel(m.nn.Linear(2, 2), device="cpu")
        return am.n_averaged, str(am.n_averaged.device), str(am.module.weight.device)
    for m in (torch, glasstorch):
        assert fn(m)[1:] == ("cpu", "cpu")
    same_outcome(lambda m: fn(m)[0])


def test_fewer_buffers_in_the_model_is_zips_error():
    def fn(m):
        am = _su(m).AveragedModel(m.nn.Sequential(m.nn.Linear(2, 2), m.nn.BatchNorm1d(2)))
        am.update_parameters(m.nn.Sequential(m.nn.Linear(2, 2)))
    same_error(fn)


def test_multi_avg_fn_sees_the_count_tensor_per_dtype_group():
    def fn(m):
        seen = []

        def f(avgs, curs, n):
            seen.append((str(avgs[0].dtype).split(".")[-1], len(avgs), int(n), n.dtype == m.int64))
            m._foreach_lerp_(avgs, curs, 0.5)
        mod = m.nn.Module()
        mod.a = m.nn.Parameter(m.ones(2))
        mod.b = m.nn.Parameter(m.ones(2, dtype=m.float64))
        mod.c = m.nn.Parameter(m.ones(3))
        am = _su(m).AveragedModel(mod, multi_avg_fn=f)
        for _ in range(3):
            am.update_parameters(mod)
        return seen
    assert fn(torch) == fn(glasstorch)


@pytest.mark.parametrize("kind", ["ema_multi", "ema", "custom"])
def test_other_averaging_functions(kind):
    def fn(m):
        net = _net(m, "float32")
        su = _su(m)
        kw = {"ema_multi": dict(multi_avg_fn=su.get_ema_multi_avg_fn(0.7)),
              "ema": dict(avg_fn=su.get_ema_avg_fn(0.7)),
              "custom": dict(avg_fn=lambda a, c, n: a + (c - a) * 2.0 / (n + 2))}[kind]
        am = su.AveragedModel(net, use_buffers=True, **kw)
        for k in range(4):
            _perturb(m, net, k)
            net.train()
            net(m.ones(5, 3) * (k - 1.0))
            am.update_parameters(net)
        return tuple(am.state_dict().values())
    same_outcome(fn)


# ---- the averaging functions ------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "int64", "int32", "bool"])
@pytest.mark.parametrize("count", ["int", "long tensor", "float tensor", "1-d tensor"])
def test_swa_multi_avg_fn(dtype, count):
    def fn(m):
        dt = getattr(m, dtype)
        n = {"int": 2, "long tensor": m.tensor(2), "float tensor": m.tensor(2.0), "1-d tensor": m.tensor([2])}[count]
        a = [m.tensor([1, 10], dtype=dt), m.tensor([0, 1], dtype=dt)]
        c = [m.tensor([4, -3], dtype=dt), m.tensor([1, 1], dtype=dt)]
        _su(m).get_swa_multi_avg_fn()(a, c, n)
        return tuple(a)
    same_outcome(fn)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_ema_multi_avg_fn(dtype):
    def fn(m):
        dt = getattr(m, dtype)
        a = [m.tensor([1, 10], dtype=dt), m.tensor([0, 7], dtype=dt)]
        c = [m.tensor([4, -3], dtype=dt), m.tensor([1, 1], dtype=dt)]
        _su(m).get_ema_multi_avg_fn(0.75)(a, c, 3)
        return tuple(a)
    same_outcome(fn)


def test_ema_multi_avg_fn_list_lengths():
    same_error(lambda m: _su(m).get_ema_multi_avg_fn(0.5)([m.zeros(2)], [m.ones(2), m.ones(2)], 1))


@pytest.mark.parametrize("name", ["get_swa_avg_fn", "get_ema_avg_fn"])
def test_single_tensor_functions_run_without_grad(name):
    def fn(m):
        a = m.tensor([1.0, 2.0], requires_grad=True)
        r = getattr(_su(m), name)()(a, a * 3, m.tensor(1))
        return r, r.requires_grad
    same_outcome(fn)


def test_multi_functions_run_without_grad():
    def fn(m):
        a = [m.zeros(2, requires_grad=True) * 1]        # non-leaf: an in-place lerp under grad would record
        _su(m).get_swa_multi_avg_fn()(a, [m.ones(2)], 1)
        b = [m.zeros(2, requires_grad=True) * 1]
        _su(m).get_ema_multi_avg_fn(0.5)(b, [m.ones(2)], 1)
        return a[0].grad_fn.name(), b[0].grad_fn.name(), a[0].detach(), b[0].detach()
    a, b = fn(torch), fn(glasstorch)
    assert a[:2] == b[:2] == ("MulBackward0", "MulBackward0")
    same_outcome(lambda m: fn(m)[2:])


# ---- update_bn ------------------------------------------------------------------------------------------
def test_update_bn_runs_without_grad():
    def fn(m):
        seen = []
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3))
        net[1].register_forward_hook(lambda mod, i, o: seen.append((m.is_grad_enabled(), o.requires_grad)))
        _su(m).update_bn([m.randn(4, 2), (m.randn(4, 2), 0)], net)
        return seen
    assert fn(torch) == fn(glasstorch) == [(False, False), (False, False)]


def test_update_bn_device_and_statistics():
    def fn(m):
        m.manual_seed(1)
        net = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3, momentum=0.3))
        _su(m).update_bn([m.randn(4, 2), [m.randn(6, 2)]], net, device="cpu")
        return net[1].running_mean, net[1].running_var, net[1].num_batches_tracked, m.tensor(net[1].momentum)
    same_outcome(fn)


# ---- _foreach_lerp's argument parsing ----------------------------------------------------------------------
WEIGHTS = {"1-d tensor": lambda m: m.tensor([0.5]), "2-d tensor": lambda m: m.tensor([[0.5, 0.2]]),
           "0-d tensor": lambda m: m.tensor(0.5), "str": lambda m: "a", "None": lambda m: None,
           "number": lambda m: 0.25, "number list": lambda m: [0.25], "short list": lambda m: [0.1, 0.2],
           "tensor list": lambda m: [m.tensor([0.5, 0.25])]}


@pytest.mark.parametrize("inplace", [True, False])
@pytest.mark.parametrize("weight", sorted(WEIGHTS))
def test_foreach_lerp_weights(weight, inplace):
    def fn(m):
        f = m._foreach_lerp_ if inplace else m._foreach_lerp
        a = [m.zeros(2)]
        r = f(a, [m.ones(2)], WEIGHTS[weight](m))
        return tuple(a if inplace else r)
    same_outcome(fn)


CALLS = {"weights kw": lambda m: m._foreach_lerp_([m.ones(2)], [m.zeros(2)], weights=[m.tensor(0.3)]),
         "weight kw": lambda m: m._foreach_lerp([m.ones(2)], [m.zeros(2)], weight=0.3),
         "extra arg": lambda m: m._foreach_lerp_([m.ones(2)], [m.zeros(2)], 0.5, 0.2),
         "missing weight": lambda m: m._foreach_lerp_([m.ones(2)], [m.zeros(2)]),
         "tensor self": lambda m: m._foreach_lerp_(m.ones(2), [m.zeros(2)], 0.5),
         "tensor end": lambda m: m._foreach_lerp([m.ones(2)], m.zeros(2), 0.5),
         "tuples": lambda m: m._foreach_lerp((m.ones(2), m.ones(3)), (m.zeros(2), m.zeros(3)), 0.25),
         "complex weight": lambda m: m._foreach_lerp_([m.ones(2)], [m.zeros(2)], 1 + 2j),
         "bool weight": lambda m: m._foreach_lerp_([m.ones(2)], [m.zeros(2)], True),
         "empty": lambda m: m._foreach_lerp_([], [], 0.5),
         "bad kw": lambda m: m._foreach_lerp_([m.ones(2)], [m.zeros(2)], alpha=0.5)}


@pytest.mark.parametrize("call", sorted(CALLS))
def test_foreach_lerp_argument_binding(call):
    same_outcome(lambda m: tuple(CALLS[call](m)))


# (complex tensors with an infinite weight are left out: their nan parts' signs are not compared here)
@pytest.mark.parametrize("dtype, weight", [
    (d, w) for d in ["float16", "float32", "float64", "complex64", "complex128", "int64"]
    for w in [2j, 0.25 + 0j, 1 + 1e40j, 1e40, 1e5, 1e300, True, float("inf"), 0.3]
    if not (d.startswith("complex") and w == float("inf"))])
def test_lerp_number_weight_conversion(dtype, weight):
    def fn(m):
        dt = getattr(m, dtype)
        a, b = m.tensor([1.5, -2.0], dtype=dt), m.tensor([0.25, 4.0], dtype=dt)
        return a.lerp(b, weight), a.clone().lerp_(b, weight), m.lerp(a, b, weight)
    same_outcome(fn)


def test_lerp_number_weight_gradient():
    def fn(m):
        a = m.tensor([1.5, -2.0], requires_grad=True)
        b = m.tensor([0.25, 4.0], requires_grad=True)
        y = a.lerp(b, 0.25)
        ga, gb = m.autograd.grad(y.sum(), (a, b))
        return y, ga, gb
    same_outcome(fn)


@settings(max_examples=20, deadline=None)
@given(st.floats(0, 1, allow_nan=False), st.integers(1, 4))
def test_foreach_lerp_number_weight(w, n):
    def fn(m):
        g = np.random.default_rng(n)
        a = [m.from_numpy(g.standard_normal(3).astype(np.float32)) for _ in range(n)]
        b = [m.from_numpy(g.standard_normal(3).astype(np.float32)) for _ in range(n)]
        m._foreach_lerp_(a, b, w)
        return tuple(a)
    same_outcome(fn)


# ---- torch.serialization helpers used by checkpoint averaging ------------------------------------------------
def _ser(m):
    return m.serialization


# (a tensor with "mps": torch calls Tensor.mps(), which no Tensor has: not a storage's path, left out)
@pytest.mark.parametrize("location, obj", [(loc, o) for loc in ["cpu", "cuda", "cuda:0", "xyz", "hpu", "xpu:1", "mtia",
                                                                "mps:0"]
                                           for o in ["tensor", "storage"] if (loc, o) != ("mps:0", "tensor")])
def test_default_restore_location(location, obj):
    def fn(m):
        t = m.tensor([1.5, -2.0])
        o = t if obj == "tensor" else t.untyped_storage()
        r = _ser(m).default_restore_location(o, location)
        return r is o
    a = _outcome(fn, torch)
    assert a == _outcome(fn, glasstorch)


def _outcome(fn, m):
    try:
        return fn(m)
    except Exception as e:      # noqa: BLE001 - torch's error is the expectation
        return type(e).__name__, str(e)


@pytest.mark.parametrize("obj", ["tensor", "storage", "meta", "int"])
def test_location_tag(obj):
    def fn(m):
        o = {"tensor": lambda: m.ones(2), "storage": lambda: m.ones(2).untyped_storage(),
             "meta": lambda: m.ones(2, device="meta"), "int": lambda: 3}[obj]()
        return _ser(m).location_tag(o)
    assert _outcome(fn, torch) == _outcome(fn, glasstorch)


@pytest.mark.parametrize("location", ["cuda", "cuda:1", "cpu", "xyz", 2])
def test_validate_cuda_device(location):
    fn = lambda m: _ser(m).validate_cuda_device(location)       # noqa: E731
    assert _outcome(fn, torch) == _outcome(fn, glasstorch)


@pytest.mark.parametrize("target", ["cpu", "cuda:0"])
def test_load_with_default_restore_location_callable(target, tmp_path):
    def fn(m):
        path = str(tmp_path / f"{m.__name__}.pt")
        m.save({"model": {"w": m.tensor([1.0, 2.0], dtype=m.float16)}, "epoch": 3}, path)
        st = m.load(path, map_location=lambda s, _: _ser(m).default_restore_location(s, target))
        return st["model"]["w"], m.tensor(st["epoch"])
    same_outcome(fn)
