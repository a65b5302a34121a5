"""Parity pins for sweep28e (model compression programs: pruning, distillation, low-rank, quantization).

Fixed in glasstorch:
- ``torch._fake_quantize_learnable_per_tensor_affine`` and ``torch._fake_quantize_learnable_per_channel_affine``
  (LSQ fake quantization with learnable scale and zero point) were missing: now torch's forward (the
  per-tensor one reads ``scale[0]`` / ``zero_point[0]``, torch's IndexError for a 0-dim or empty one), its
  ``FakeQuantizeLearnable{PerTensor,PerChannel}AffineBackward0`` with the gradients of x, scale and zero
  point bit for bit (the kernel's fused multiply-adds, grad_factor, the backward's ``int(z + 0.5)``
  zero point), torch's float32-only checks and range errors at backward time, its shape refusal of a
  gradient that does not fit (a 2-element per-tensor scale, a 1-D per-channel input), the grads of an
  empty input, the sums of the scale / zero-point gradients in a strided input's memory order, and the
  NotImplemented node under create_graph (_quant_fake_learnable.py);
- ``Tensor.sum`` / ``torch.sum`` with a dim list of one dim (``x.sum([1])``) added in NumPy's order instead
  of torch's (that of ``x.sum(1)``: one overload in torch), and sums and means over leading and
  trailing dims that keep a block in between (``x.sum([0, 2])`` / ``x.mean([0, 2, 3])`` of an (N, C, H, W)
  tensor: a per-channel statistic; any set of dims that takes the last one, ``x.sum([1, 3])``) now add in
  torch's order, as do sums over the last dim of size > 1 followed by dims of size 1 (``x.sum(1)`` of a
  (B, n, 1) tensor) (ops/reduction.py, ops/_sum_order.py);
- ``torch._int_mm`` (int8 x int8 -> int32 matrix product, uint8 left operands too) was missing: now with
  int32 wrap-around, ``out=``, and torch's checks and messages in its order (_int_mm.py);
- ``sum`` / ``mean`` / ``nansum`` of a 0-d tensor over an empty dim list (``x.sum([])``, ``x.mean(())``)
  raised ValueError "max() arg is an empty sequence": now the tensor itself, as torch (ops/reduction.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import MODS, assert_same_array, same_error, same_outcome

LQT = "_fake_quantize_learnable_per_tensor_affine"
LQC = "_fake_quantize_learnable_per_channel_affine"


def _lsq(kind, x, s, z, g, qmin, qmax, gf, axis=0):
    """(y, dx, dscale, dzero, grad_fn name) of the learnable fake quantization on each library."""
    out = {}
    for m in MODS:
        X, S, Z = (m.from_numpy(a.copy()).requires_grad_() for a in (x, s, z))
        if kind == "tensor":
            y = getattr(m, LQT)(X, S, Z, qmin, qmax, gf)
        else:
            y = getattr(m, LQC)(X, S, Z, axis, qmin, qmax, gf)
        y.backward(m.from_numpy(g.copy()))
        out[m] = (y, X.grad, S.grad, Z.grad, type(y.grad_fn).__name__)
    for a, b in zip(out[torch][:4], out[glasstorch][:4]):
        assert_same_array(a, b)
    assert out[torch][4] == out[glasstorch][4]


RANGES = [(-128, 127), (0, 255), (-8, 7), (0, 15), (-1, 1)]


@settings(max_examples=60, deadline=None)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=4), rng_seed=st.integers(0, 2**32 - 1),
       qrange=st.sampled_from(RANGES), gf=st.sampled_from([1.0, 0.5, 1 / np.sqrt(7 * 255)]),
       magnitude=st.sampled_from([0.5, 3.0, 50.0]), ties=st.booleans())
def test_learnable_per_tensor_values_and_grads(shape, rng_seed, qrange, gf, magnitude, ties):
    rng = np.random.default_rng(rng_seed)
    qmin, qmax = qrange
    x = (rng.standard_normal(shape) * magnitude).astype(np.float32)
    s = rng.uniform(0.01, 0.5, 1).astype(np.float32)
    z = rng.uniform(qmin - 2, qmax + 2, 1).astype(np.float32)
    if ties:                            # inputs on exact half steps of the grid
        x = ((rng.integers(-40, 40, shape) + 0.5) * 0.25).astype(np.float32)
        s[:] = 0.25
    _lsq("tensor", x, s, z, rng.standard_normal(shape).astype(np.float32), qmin, qmax, gf)


@settings(max_examples=60, deadline=None)
@given(shape=st.lists(st.integers(1, 5), min_size=2, max_size=4), data=st.data(), rng_seed=st.integers(0, 2**32 - 1),
       qrange=st.sampled_from(RANGES), gf=st.sampled_from([1.0, 0.25]), magnitude=st.sampled_from([0.5, 3.0, 50.0]))
def test_learnable_per_channel_values_and_grads(shape, data, rng_seed, qrange, gf, magnitude):
    rng = np.random.default_rng(rng_seed)
    axis = data.draw(st.integers(0, len(shape) - 1))
    qmin, qmax = qrange
    n = shape[axis]
    x = (rng.standard_normal(shape) * magnitude).astype(np.float32)
    s = rng.uniform(0.01, 0.5, n).astype(np.float32)
    z = rng.uniform(qmin - 2, qmax + 2, n).astype(np.float32)
    _lsq("channel", x, s, z, rng.standard_normal(shape).astype(np.float32), qmin, qmax, gf, axis)


def _grads(fn):
    """fn(m) -> (output, tensors whose grads to return): output, its grad_fn name, then the grads after
    a backward of output.sum()."""
    def run(m):
        y, leaves = fn(m)
        y.sum().backward()
        return (y, type(y.grad_fn).__name__) + tuple(t.grad for t in leaves)
    return run


def _leaf(m, values, dtype=None):
    return m.tensor(values, dtype=dtype or m.float32, requires_grad=True)


X8 = [0.31, -1.7, 0.05, 2.4, -0.66, 9.0, -0.2, 0.75]

CASES = {
    "keywords": lambda m: getattr(m, LQT)(input=m.tensor(X8), scale=m.tensor([0.1]), zero_point=m.tensor([2.3]),
                                          quant_min=-8, quant_max=7, grad_factor=0.5),
    "default grad_factor": _grads(lambda m: (lambda s, z: (getattr(m, LQT)(m.tensor(X8), s, z, -8, 7), (s, z)))(
        _leaf(m, [0.1]), _leaf(m, [2.3]))),
    "zero point clamped": _grads(lambda m: (lambda s, z: (getattr(m, LQT)(m.tensor(X8), s, z, -8, 7), (s, z)))(
        _leaf(m, [0.1]), _leaf(m, [100.0]))),
    "zero point half even": _grads(lambda m: (lambda s, z: (getattr(m, LQT)(m.tensor(X8), s, z, -8, 7), (s, z)))(
        _leaf(m, [0.1]), _leaf(m, [-2.5]))),
    "2-d scale fwd": lambda m: getattr(m, LQT)(m.tensor(X8), m.tensor([[0.1, 5.0]]), m.tensor([[0.0, 3.0]]), -8, 7),
    "extra scale entries": lambda m: getattr(m, LQT)(m.tensor(X8), m.tensor([0.1, 5.0]), m.tensor([0.0, 3.0]), -8, 7),
    "half input fwd": lambda m: getattr(m, LQT)(m.tensor(X8, dtype=m.float16), m.tensor([0.1]), m.tensor([2.3]), -8, 7),
    "double input fwd": lambda m: getattr(m, LQT)(m.tensor(X8, dtype=m.float64), m.tensor([0.1]), m.tensor([2.3]),
                                                  -8, 7),
    "3-d input": _grads(lambda m: (lambda x, s, z: (getattr(m, LQT)(x, s, z, 0, 255, 0.3), (x, s, z)))(
        _leaf(m, np.linspace(-3, 3, 24).reshape(2, 3, 4).tolist()), _leaf(m, [0.02]), _leaf(m, [128.4]))),
    "empty input grads": _grads(lambda m: (lambda x, s, z: (getattr(m, LQT)(x, s, z, -8, 7), (x, s, z)))(
        m.zeros(0, requires_grad=True), _leaf(m, [0.1]), _leaf(m, [0.0]))),
    "per-channel axis 1": _grads(lambda m: (lambda x, s, z: (getattr(m, LQC)(x, s, z, 1, -8, 7, 0.5), (x, s, z)))(
        _leaf(m, (np.arange(12.0).reshape(3, 4) * 0.37 - 2).tolist()), _leaf(m, [0.1, 0.2, 0.3, 0.4]),
        _leaf(m, [0.4, -2.6, 9.0, 3.5]))),
    "per-channel int zero point fwd": lambda m: getattr(m, LQC)(
        m.tensor([[0.3, -1.2], [2.0, 0.1]]), m.tensor([0.1, 0.2]), m.tensor([3, -9], dtype=m.int32), 0, -8, 7),
    "per-channel double input fwd": lambda m: getattr(m, LQC)(
        m.tensor([[0.3, -1.2], [2.0, 0.1]], dtype=m.float64), m.tensor([0.1, 0.2]), m.tensor([0.5, 1.5]), 0, -8, 7),
    "no grad": lambda m: getattr(m, LQT)(m.tensor(X8), _leaf(m, [0.1]), m.tensor([0.0]), -8, 7).requires_grad,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_learnable_cases(name):
    same_outcome(CASES[name])


def test_learnable_no_grad_mode():
    def fn(m):
        with m.no_grad():
            y = getattr(m, LQT)(m.tensor(X8), _leaf(m, [0.1]), _leaf(m, [0.0]), -8, 7)
        return y, y.requires_grad, y.grad_fn is None
    same_outcome(fn)


def _backward_of(fn):
    def run(m):
        y, leaves = fn(m)
        y.sum().backward()
    return run


ERRORS = {
    "0-dim scale": lambda m: getattr(m, LQT)(m.tensor(X8), m.tensor(0.1), m.tensor([0.0]), -8, 7),
    "0-dim zero point": lambda m: getattr(m, LQT)(m.tensor(X8), m.tensor([0.1]), m.tensor(0.0), -8, 7),
    "empty scale": lambda m: getattr(m, LQT)(m.tensor(X8), m.tensor([]), m.tensor([0.0]), -8, 7),
    "float scale": lambda m: getattr(m, LQT)(m.tensor(X8), 0.1, m.tensor([0.0]), -8, 7),
    "missing args": lambda m: getattr(m, LQT)(m.tensor(X8)),
    "missing args channel": lambda m: getattr(m, LQC)(m.tensor(X8)),
    "min above max": lambda m: getattr(m, LQT)(m.tensor(X8), m.tensor([0.1]), m.tensor([0.0]), 9, 7),
    "long input": lambda m: getattr(m, LQT)(m.arange(4), m.tensor([0.1]), m.tensor([0.0]), -8, 7),
    "channel axis out of range": lambda m: getattr(m, LQC)(m.randn(3, 4), m.ones(3), m.zeros(3), 2, -8, 7),
    "channel sizes": lambda m: getattr(m, LQC)(m.randn(3, 4), m.ones(3), m.zeros(3), 1, -8, 7),
    "channel double scale": lambda m: getattr(m, LQC)(m.randn(3, 4), m.ones(3, dtype=m.float64), m.zeros(3), 0,
                                                      -8, 7),
    "channel min above max": lambda m: getattr(m, LQC)(m.randn(3, 4), m.ones(3), m.zeros(3), 0, 8, 7),
    "bw double input": _backward_of(lambda m: (getattr(m, LQT)(_leaf(m, X8, m.float64), m.tensor([0.1]),
                                                              m.tensor([0.0]), 0, 7), ())),
    "bw double scale": _backward_of(lambda m: (getattr(m, LQT)(_leaf(m, X8), _leaf(m, [0.1], m.float64),
                                                              m.tensor([0.0]), -8, 7), ())),
    "bw int zero point": _backward_of(lambda m: (getattr(m, LQT)(_leaf(m, X8), _leaf(m, [0.1]),
                                                                m.tensor([2], dtype=m.int64), -8, 7), ())),
    "bw half zero point": _backward_of(lambda m: (getattr(m, LQT)(_leaf(m, X8), m.tensor([0.1]),
                                                                 m.tensor([2.0], dtype=m.float16), -8, 7), ())),
    "bw range without 0": _backward_of(lambda m: (getattr(m, LQT)(_leaf(m, X8), m.tensor([0.1]),
                                                                 m.tensor([2.0]), 1, 7), ())),
    "bw channel range without 0": _backward_of(lambda m: (getattr(m, LQC)(_leaf(m, [[1.0, 2.0]]), m.ones(1),
                                                                         m.zeros(1), 0, 1, 7), ())),
    "bw channel double input": _backward_of(lambda m: (getattr(m, LQC)(_leaf(m, [[1.0, 2.0]], m.float64),
                                                                      m.ones(1), m.zeros(1), 0, -8, 7), ())),
    "bw 2-element scale": _backward_of(lambda m: (getattr(m, LQT)(m.tensor(X8), _leaf(m, [0.1, 5.0]),
                                                                 m.tensor([0.0]), -8, 7), ())),
    "bw 1x1 scale": _backward_of(lambda m: (getattr(m, LQT)(m.tensor(X8), _leaf(m, [[0.1]]),
                                                           m.tensor([0.0]), -8, 7), ())),
    "bw channel 1-d input": _backward_of(lambda m: (getattr(m, LQC)(m.tensor([0.5, -1.0, 2.0]),
                                                                   _leaf(m, [0.1, 0.2, 0.3]), m.zeros(3), 0, -8, 7),
                                                    ())),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_learnable_errors(name):
    same_error(ERRORS[name])


def test_learnable_create_graph_refuses_second_derivative():
    def grad(m):
        x = _leaf(m, X8[:4])
        s = _leaf(m, [0.1])
        y = getattr(m, LQT)(x, s, m.tensor([0.0]), -8, 7)
        g, = m.autograd.grad(y.sum(), s, create_graph=True)
        return g, x, s
    for m in MODS:
        g, _, _ = grad(m)
        assert g.requires_grad and type(g.grad_fn).__name__ == "NotImplemented"
    same_error(lambda m: grad(m)[0].backward())


def test_learnable_channel_create_graph_refuses_second_derivative():
    def grad(m):
        x = _leaf(m, [[0.3, -1.2], [2.0, 0.1]])
        y = getattr(m, LQC)(x, m.tensor([0.1, 0.2]), m.tensor([0.0, 1.0]), 0, -8, 7)
        g, = m.autograd.grad(y.sum(), x, create_graph=True)
        return g
    same_error(lambda m: grad(m).sum().backward())


def test_learnable_gradcheck_refuses_float64_as_torch():
    """The op's backward is float32-only in torch: a float64 gradcheck fails there with torch's check,
    and glasstorch's gradcheck fails alike (a float32 gradient of the staircase is straight-through,
    not a derivative a finite difference could confirm)."""
    def fn(m):
        x = m.tensor([0.31, -1.7, 0.05], dtype=m.float64, requires_grad=True)
        return m.autograd.gradcheck(lambda t: getattr(m, LQT)(t, m.tensor([0.1]), m.tensor([0.0]), -8, 7), (x,))
    same_error(fn)


def test_learnable_lsq_training_steps():
    def fn(m):
        m.manual_seed(0)
        w = m.randn(6, 10) * m.linspace(0.2, 2.0, 6)[:, None]
        step = m.nn.Parameter(m.tensor([0.05]))
        zero = m.nn.Parameter(m.tensor([0.4]))
        opt = m.optim.SGD([step, zero], lr=0.5)
        for _ in range(15):
            opt.zero_grad()
            loss = m.nn.functional.mse_loss(getattr(m, LQT)(w, step, zero, -8, 7, 1 / (60 * 7) ** 0.5), w)
            loss.backward()
            opt.step()
        return loss.detach(), step.detach(), zero.detach()
    same_outcome(fn)


# --- sums over a dim list -----------------------------------------------------------------------------

SUM_CASES = [((3, 9), [1]), ((4, 6), (-1,)), ((2, 40), [1]), ((4, 3, 5), [0, 2]), ((3, 4, 9), [0, 2]),
             ((2, 3, 4, 5), [0, 2, 3]), ((2, 3, 4, 5), [0, 1, 3]), ((8, 4, 6, 6), [0, 2, 3]), ((1, 5, 5), [0, 2]),
             ((5, 2, 1), [0, 2]), ((6, 3, 1, 7), [0, 3]), ((2, 1, 3, 1, 5), [0, 4]), ((4, 3, 5), [-1, 0]),
             ((3, 4, 600), [0, 2]), ((40, 3, 40), [0, 2]), ((1, 6, 5), [0, 1]), ((3, 0, 5), [0, 2]),
             ((4, 6, 1), [1]), ((7, 6, 5, 1), [2]), ((4, 8, 1), 1), ((5, 6, 5, 1), -2), ((7, 2, 4, 6), [1, 3]),
             ((3, 4, 7, 40), [1, 3]), ((2, 3, 4, 5, 6), [0, 2, 4]), ((2, 3, 4, 5, 6), [0, 1, 3, 4]),
             ((2, 1, 4, 5, 6), [1, 3, 4])]


@settings(max_examples=80, deadline=None)
@given(case=st.sampled_from(SUM_CASES), dtype=st.sampled_from([np.float32, np.float64]), keepdim=st.booleans(),
       op=st.sampled_from(["sum", "mean", "torch.sum", "torch.mean", "nansum"]), seed=st.integers(0, 2**32 - 1))
def test_sum_over_a_dim_list_in_torch_order(case, dtype, keepdim, op, seed):
    shape, dims = case
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 4, shape)).astype(dtype)

    def fn(m):
        x = m.from_numpy(a.copy()).requires_grad_()
        if op.startswith("torch."):
            y = getattr(m, op[6:])(x, dims, keepdim=keepdim)
        else:
            y = getattr(x, op)(dims, keepdim=keepdim)
        y.backward(m.ones_like(y))
        return y, x.grad
    same_outcome(fn)


def test_batchnorm_style_channel_statistics():
    def fn(m):
        m.manual_seed(4)
        x = m.randn(8, 3, 5, 5) * 3 + 1
        mean = x.mean([0, 2, 3])
        var = ((x - mean[None, :, None, None]) ** 2).mean([0, 2, 3])
        return mean, var, x.sum(dim=(0, 2, 3), keepdim=True), x.sum([1])
    same_outcome(fn)


@pytest.mark.parametrize("dims", [0, [0], (-1,), [], ()])
def test_sum_and_mean_of_a_0d_tensor_over_dims(dims):
    def fn(m):
        x = m.tensor(2.5, requires_grad=True)
        y, z, w = x.sum(dims), x.mean(dims, keepdim=True), x.nansum(dims)
        (y + z + w).backward()
        return y, z, w, x.grad
    same_outcome(fn)


# --- torch._int_mm ---------------------------------------------------------------------------------------
# (operands within 7 bits: torch's oneDNN kernel without VNNI -- the suite's AVX2 pin -- saturates its
# int16 pair sums beyond that, see docs/differences.md)

@settings(max_examples=40, deadline=None)
@given(m=st.integers(0, 12), k=st.integers(0, 40), n=st.integers(0, 12), unsigned=st.booleans(),
       seed=st.integers(0, 2**32 - 1))
def test_int_mm_values(m, k, n, unsigned, seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 64, (m, k)).astype(np.uint8) if unsigned else rng.integers(-64, 64, (m, k)).astype(np.int8)
    b = rng.integers(-64, 64, (k, n)).astype(np.int8)

    def fn(mod):
        A, B = mod.from_numpy(a.copy()), mod.from_numpy(b.copy())
        r = mod._int_mm(A, B)
        o = mod.full((m, n), 7, dtype=mod.int32)
        r2 = mod._int_mm(A, B, out=o)
        return r, r.stride(), r.requires_grad, o, r2 is o
    same_outcome(fn)


def test_int_mm_wraps_in_int32_and_takes_strided_operands():
    def fn(m):
        big = m._int_mm(m.full((2, 600000), -64, dtype=m.int8), m.full((600000, 3), -64, dtype=m.int8))
        a = m.arange(-30, 30, dtype=m.int8).reshape(6, 10)
        return big, m._int_mm(a.t(), a), m._int_mm(a[:, ::2], a.t()[::2]), m._int_mm(input=a, mat2=a.t())
    same_outcome(fn)


I8 = lambda m, *s: m.zeros(s, dtype=m.int8)          # noqa: E731
INT_MM_ERRORS = {
    "float self": lambda m: m._int_mm(m.zeros(3, 5), I8(m, 5, 2)),
    "int32 mat2": lambda m: m._int_mm(I8(m, 3, 5), m.zeros(5, 2, dtype=m.int32)),
    "uint8 mat2": lambda m: m._int_mm(m.zeros(3, 5, dtype=m.uint8), m.zeros(5, 2, dtype=m.uint8)),
    "bool self": lambda m: m._int_mm(m.ones(2, 3, dtype=m.bool), I8(m, 3, 2)),
    "inner sizes": lambda m: m._int_mm(I8(m, 3, 5), I8(m, 2, 5)),
    "inner sizes before dtype": lambda m: m._int_mm(m.zeros(3, 4), I8(m, 5, 2)),
    "1-d self": lambda m: m._int_mm(m.zeros(5), I8(m, 5, 2)),
    "0-d self": lambda m: m._int_mm(m.tensor(1, dtype=m.int8), I8(m, 5, 2)),
    "1-d mat2": lambda m: m._int_mm(I8(m, 3, 5), I8(m, 5)),
    "3-d self": lambda m: m._int_mm(I8(m, 2, 3, 5), I8(m, 5, 2)),
    "3-d mat2": lambda m: m._int_mm(I8(m, 3, 4), I8(m, 5, 2, 2)),
    "out long": lambda m: m._int_mm(I8(m, 3, 5), I8(m, 5, 2), out=m.empty(3, 2, dtype=m.int64)),
    "out cols": lambda m: m._int_mm(I8(m, 3, 5), I8(m, 5, 2), out=m.empty(3, 3, dtype=m.int32)),
    "out rows": lambda m: m._int_mm(I8(m, 3, 5), I8(m, 5, 2), out=m.empty(4, 2, dtype=m.int32)),
    "out 1-d": lambda m: m._int_mm(I8(m, 3, 5), I8(m, 5, 2), out=m.empty(6, dtype=m.int32)),
    "out 3-d": lambda m: m._int_mm(I8(m, 3, 5), I8(m, 5, 2), out=m.empty(3, 2, 1, dtype=m.int32)),
    "out strided": lambda m: m._int_mm(I8(m, 3, 5), I8(m, 5, 2), out=m.empty(2, 3, dtype=m.int32).t()),
    "number": lambda m: m._int_mm(I8(m, 3, 5), 3),
    "missing": lambda m: m._int_mm(I8(m, 3, 5)),
    "self keyword": lambda m: m._int_mm(self=I8(m, 2, 3), mat2=I8(m, 3, 2)),
}


@pytest.mark.parametrize("name", sorted(INT_MM_ERRORS))
def test_int_mm_errors(name):
    same_error(INT_MM_ERRORS[name])


@pytest.mark.parametrize("layout", ["t", "permute", "sliced"])
def test_learnable_grads_of_strided_inputs_sum_in_memory_order(layout):
    """torch's per-element scale / zero-point gradients take the input's layout (empty_like), so their
    sums run in its memory order."""
    rng = np.random.default_rng(5)
    a = (rng.standard_normal((6, 11, 3)) * 3).astype(np.float32)
    view = {"t": lambda x: x[:, :, 0].t(), "permute": lambda x: x.permute(1, 2, 0),
            "sliced": lambda x: x[::2].permute(1, 2, 0)}[layout]

    def fn(m):
        x = m.from_numpy(a.copy()).requires_grad_()
        s, z = _leaf(m, [0.07]), _leaf(m, [1.3])
        v = view(x)
        sc, zc = _leaf(m, np.linspace(0.05, 0.3, v.shape[-1]).tolist()), m.zeros(v.shape[-1], requires_grad=True)
        y = getattr(m, LQT)(v, s, z, -8, 7) * 1.5 + getattr(m, LQC)(v, sc, zc, v.dim() - 1, -8, 7, 0.5)
        y.sum().backward()
        return y, s.grad, z.grad, sc.grad, zc.grad, x.grad
    same_outcome(fn)
