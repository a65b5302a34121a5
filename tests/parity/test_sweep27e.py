"""Parity pins for sweep27e (audio synthesis and music information retrieval programs).

Fixed in glasstorch:
- ``nn.utils.weight_norm(module, dim=None)`` (one norm for the whole weight, as the old API's
  ``dim=None`` means) crashed comparing None with an int; it now takes dim=-1 as torch does
  (nn/utils/weight_norm.py);
- ``torch.norm_except_dim``, ``torch._weight_norm`` and ``torch._weight_norm_interface`` were missing
  from the top level: they are there now with torch's structure (a view for the first/last dim, a
  transpose pair otherwise, ``NormBackward0`` for dim=-1; the fused kernel's (w, norm) pair), its
  parser errors, dtype errors and the fused kernel's assert (_weight_norm_api.py);
- the fused weight-norm kernel (``WeightNormInterfaceBackward0``: ``weight_norm`` on the first or last
  dim, the default of every conv/linear layer) now computes as torch's CPU kernel does, bit for bit:
  the norm's lane order along the first dim, the per-thread fma accumulation along the last, and
  the backward's ``fma(-b, v, a * g_w)``; it was within an ulp in a third of the elements before
  (nn/utils/_weight_norm_kernel.py);
- float16 weights take the fused kernel too (torch 2.13 on the CPU does: its norm is float32, the
  arithmetic in float32, rounded once), where they went through the composite ops (MulBackward0);
- torch.func checks what a transformed function takes and returns as functorch does: a non-tensor input
  is "Thing passed to transform API must be Tensor"; grad's output must be a Tensor and 0-d (a
  one-element vector is refused); vjp / jacrev outputs must be non-empty, tensors and floating or
  complex (an int output is refused); jvp / jacfwd outputs must be tensors (an int output has zero
  tangents of its dtype); jvp's primals and tangents must be non-empty lists of tensors of matching
  sizes (make_dual's message) and its structure error names both TreeSpecs; vjp_fn checks the
  cotangents' pytree structure and takes dict outputs; an output outside the graph gets zero gradients
  (grad, vjp) instead of "element 0 of tensors does not require grad" (func.py, _func_jac.py,
  _func_checks.py);
- autograd.grad / backward check the given gradients as torch's _make_grads does, before the graph:
  "gradients can be either Tensors or None, but got float", the shape mismatch naming the positions
  (``list.index``, so an earlier gradient of another shape raises the broadcasting error on the way),
  the complex / real dtype mismatch, and implicit gradients only for outputs that require grad
  (autograd/_make_grads.py);
- embedding refuses int16 / int8 / uint8 / bool indices (only Long and Int, bool named CPUBoolType),
  max_norm's renorm too; embedding_bag promotes indices with offsets first (int16 indices pass with
  int64 offsets, bool too), makes 2-D input's offsets in the input's dtype (bool: arange's error)
  and renorms before its kernel's check (nn/_ops/embedding_checks.py, sparse.py, embedding_bag.py);
- stft / istft go through torch's argument parser: a float n_fft (a frame length computed in seconds)
  or hop_length, an int for a bool ... raise its "invalid combination of arguments" (stft: two
  overloads, the nine arguments torch.functional.stft passes on) or "argument 'n_fft' (position 2)
  must be int, not float" (istft), where glasstorch failed inside (``>>`` on a float) or went on;
  NumPy integers pass; Tensor.istft passes return_complex by keyword as torch's does (_stft.py,
  _tensor_complex.py);
- ``reversed(t)`` is torch's ``Tensor.__reversed__``: t flipped along dim 0 (FlipBackward0), a 0-d
  tensor itself, not Python's reverse iterator over the rows (_tensor_convert.py);
- ``cumulative_trapezoid`` over an empty dim answers an empty tensor (torch slices, glasstorch narrowed
  by -1 and raised), and ``trapezoid`` over one answers zeros outside the graph, as torch's
  zeros_like_except (it hung a MulBackward0) (ops/stats.py);
- vmap refuses chunk_size <= 0 when it is made; maps an empty batch (the function runs once, as in
  torch, and the outputs are empty along the mapped dim; glasstorch failed on results[0]); refuses, as
  torch does, an output that depends on the batch where out_dims is None (one that differs between
  entries), and answers a number read out of the batch (.item(), float()) with torch's .item() error
  (_vmap.py; vmap stays a loop, so an unbatched-looking output equal across entries passes);
- torch.compile looks its mode and backend up when it is called, disabled or not: an unknown inductor
  mode is "Unrecognized mode=..., should be one of: ..." and an unknown backend name
  ``torch._dynamo.exc.InvalidBackend``; ``list_backends(None)`` lists every registered backend
  (_runtime.py, compiler.py, _dynamo/exc.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import same_error, same_on_both, same_outcome


def _v_g(shape, dim, dtype, seed):
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(shape).astype(dtype)
    gshape = [1] * len(shape)
    if dim != -1:
        gshape[dim] = shape[dim]
    g = (rng.random(gshape) + 0.5).astype(dtype)
    return v, g


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(1, 40), min_size=1, max_size=3), last=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64, np.float16]), seed=st.integers(0, 10 ** 6))
def test_fused_weight_norm_is_torch_bit_for_bit(shape, last, dtype, seed):
    dim = len(shape) - 1 if last else 0
    v, g = _v_g(tuple(shape), dim, dtype, seed)
    outs = same_on_both(lambda m, a, b: m._weight_norm(a, b, dim), [v, g], seed=seed)
    assert type(outs[torch][0].grad_fn).__name__ == "WeightNormInterfaceBackward0"


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("shape,dim", [((64, 32, 7), 0), ((16, 37), 0), ((37, 16), 1), ((300, 5), 1),
                                       ((7, 9, 33), 2), ((3, 70), 0), ((70, 3), -1)])
def test_weight_norm_interface_pair(shape, dim, dtype):
    v, g = _v_g(shape, dim % len(shape), dtype, 1)
    same_on_both(lambda m, a, b: m._weight_norm_interface(a, b, dim % len(shape)), [v, g])


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_last_dim_kernel_splits_rows_among_threads(threads):
    v, g = _v_g((29, 12), 1, np.float32, 7)
    old = torch.get_num_threads(), glasstorch.get_num_threads()
    try:
        torch.set_num_threads(threads)
        glasstorch.set_num_threads(threads)
        same_on_both(lambda m, a, b: m._weight_norm(a, b, 1), [v, g])
    finally:
        torch.set_num_threads(old[0])
        glasstorch.set_num_threads(old[1])


@pytest.mark.parametrize("dim", [1, -1, -2, -3])
def test_composite_weight_norm(dim):
    v, g = _v_g((4, 5, 6), dim if dim >= 0 else (dim % 3 if dim != -1 else -1), np.float64, 3)
    same_on_both(lambda m, a, b: m._weight_norm(a, b, dim), [v, g], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2, -3])
@pytest.mark.parametrize("p", [0, 1, 2, 3])
def test_norm_except_dim(dim, p):
    v = np.random.default_rng(dim % 3 + 10 * p).standard_normal((3, 4, 5))
    outs = same_on_both(lambda m, a: m.norm_except_dim(a, p, dim), [v], rtol=1e-12, atol=1e-14)
    assert outs[torch][0].stride() == outs[glasstorch][0].stride()


@pytest.mark.parametrize("expr", [
    lambda m: m.norm_except_dim(m.ones(2, 3), 2.5, 0),
    lambda m: m.norm_except_dim(m.ones(2, 3), pow=2.5),
    lambda m: m.norm_except_dim(m.ones(2, 3), 2, 1.0),
    lambda m: m.norm_except_dim(m.ones(2, 3), True, 0),
    lambda m: m.norm_except_dim([1.0], 2, 0),
    lambda m: m.norm_except_dim(m.ones(2, 3), 2, 0, 1),
    lambda m: m.norm_except_dim(m.ones(2, 3), 2, 3),
    lambda m: m.norm_except_dim(m.ones(2, 3), 2, -4),
    lambda m: m.norm_except_dim(m.tensor(3.0), 2, 0),
    lambda m: m.norm_except_dim(m.ones(2, 3, dtype=m.int32), 2, 0),
    lambda m: m._weight_norm(m.ones(3, 4), m.ones(3, 1, dtype=m.float64), 0),
    lambda m: m._weight_norm(m.ones(3, 4, dtype=m.float64), m.ones(1, 4), 1),
    lambda m: m._weight_norm(m.ones(3, 4, dtype=m.int32), m.ones(3, 1, dtype=m.int32), 0),
    lambda m: m._weight_norm(m.ones(3, 4), m.ones(3, 1), 2),
    lambda m: m._weight_norm(m.ones(3, 4), 2.0, 0),
    lambda m: m._weight_norm(m.ones(3, 4)),
    lambda m: m._weight_norm_interface(m.ones(2, 3, 4), m.ones(1, 3, 1), 1),
    lambda m: m._weight_norm_interface(m.ones(3, 4), m.ones(3, 1, dtype=m.float64), 0),
    lambda m: m._weight_norm(m.ones(3, 4), m.ones(1, 4), -1),
])
def test_weight_norm_primitives_errors_and_edges(expr):
    same_outcome(expr)


def test_norm_except_dim_whole_tensor_node():
    for m in (torch, glasstorch):
        v = m.arange(6.0).view(2, 3).requires_grad_()
        r = m.norm_except_dim(v, 2, -1)
        assert type(r.grad_fn).__name__ == "NormBackward0"
    same_on_both(lambda m, a: m.norm_except_dim(a, 2, -1), [np.arange(6.0).reshape(2, 3) - 2.5])


@pytest.mark.parametrize("dim", [None, 0, 1, -1, -2])
def test_old_weight_norm_dims(dim):
    import warnings

    def build(m):
        m.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lin = m.nn.utils.weight_norm(m.nn.Linear(3, 2), dim=dim)
        x = m.ones(4, 3)
        y = lin(x)
        y.sum().backward()
        return y.detach(), lin.weight_g.detach(), lin.weight_g.grad, lin.weight_v.grad
    outs = {m: build(m) for m in (torch, glasstorch)}
    for a, b in zip(outs[torch], outs[glasstorch]):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert a.shape == b.shape


def test_old_weight_norm_bad_dim():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(lambda m: m.nn.utils.weight_norm(m.nn.Linear(3, 2), dim=3))


@pytest.mark.parametrize("half", [False, True])
def test_weight_norm_parametrization_conv(half):
    def run(m):
        m.manual_seed(2)
        conv = m.nn.utils.parametrizations.weight_norm(m.nn.Conv1d(3, 5, 4))
        w = conv.weight
        if half:
            return m._weight_norm(conv.parametrizations.weight.original1.detach().half(),
                                  conv.parametrizations.weight.original0.detach().half(), 0)
        return w
    same_outcome(run)


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_weight_norm_gradcheck(dim):
    rng = np.random.default_rng(5)
    v = glasstorch.tensor(rng.standard_normal((3, 4, 2)), requires_grad=True)
    gshape = [1, 1, 1]
    if dim != -1:
        gshape[dim] = v.shape[dim]
    g = glasstorch.tensor(rng.random(gshape) + 0.5, requires_grad=True)
    assert gradcheck(lambda a, b: glasstorch._weight_norm(a, b, dim), (v, g))
    assert gradcheck(lambda a: glasstorch.norm_except_dim(a, 2, dim), (v,))


# ---- torch.func: what a transformed function may take and return ----------------------------------------
def _func_cases():
    X = lambda m: m.arange(3.0) - 1.2          # noqa: E731
    return [
        lambda m: m.func.grad(lambda r: r.sum().item())(X(m)),
        lambda m: m.func.grad(lambda r: (r.sum(), r))(X(m)),
        lambda m: m.func.grad(lambda r: [r.sum()])(X(m)),
        lambda m: m.func.grad(lambda r: m.tensor(1.0))(X(m)),
        lambda m: m.func.grad(lambda r: r.sum().detach())(X(m)),
        lambda m: m.func.grad(lambda r: r.sum().long())(X(m)),
        lambda m: m.func.grad(lambda r: r[:1] * 2)(X(m)),
        lambda m: m.func.grad(lambda r: r * 2)(X(m)),
        lambda m: m.func.grad(lambda r: r * 2)(3.0),
        lambda m: m.func.grad(lambda d: d["a"].sum())({"a": X(m), "b": 1.0}),
        lambda m: m.func.grad(lambda r, s: r.sum() * s)(X(m), 2.0),
        lambda m: m.func.grad_and_value(lambda r: r.sum().item())(X(m)),
        lambda m: m.func.vjp(lambda r: r.sum().item(), X(m)),
        lambda m: m.func.vjp(lambda r: None, X(m)),
        lambda m: m.func.vjp(lambda r: (), X(m)),
        lambda m: m.func.vjp(lambda r: r.long(), X(m)),
        lambda m: m.func.vjp(lambda r: r, 2.0),
        lambda m: m.func.vjp(lambda r: (r, 1.0), X(m)),
        lambda m: m.func.vjp(lambda r: {"a": r * 2}, X(m))[1]({"a": m.ones(3)}),
        lambda m: m.func.vjp(lambda r: {"a": r * 2}, X(m))[1](m.ones(3)),
        lambda m: m.func.vjp(lambda r: (r * 2, r), X(m))[1](m.ones(3)),
        lambda m: m.func.vjp(lambda r: [r * 2, r], X(m))[1]((m.ones(3), m.ones(3))),
        lambda m: m.func.vjp(lambda r: m.ones(2), X(m))[1](m.ones(2)),
        lambda m: m.func.vjp(lambda r: (r * 2, m.ones(2)), X(m))[1]((m.ones(3), m.ones(2))),
        lambda m: m.func.jacrev(lambda r: r * 2, has_aux=True)(X(m)),
        lambda m: m.func.jacrev(lambda r: 2.0)(X(m)),
        lambda m: m.func.jacrev(lambda r: (r, 2.0))(X(m)),
        lambda m: m.func.jacrev(lambda r: None)(X(m)),
        lambda m: m.func.jacrev(lambda r: ())(X(m)),
        lambda m: m.func.jacrev(lambda r: r.long())(X(m)),
        lambda m: m.func.jacrev(lambda r: r)(2.0),
        lambda m: m.func.jacrev(lambda r: (r * 2, m.ones(2)))(X(m)),
        lambda m: m.func.jacfwd(lambda r: 2.0)(X(m)),
        lambda m: m.func.jacfwd(lambda r: r)(2.0),
        lambda m: m.func.jacfwd(lambda r: r.long())(X(m)),
        lambda m: m.func.jacfwd(lambda r: (r.long(), r * 3))(X(m)),
        lambda m: m.func.jacfwd(lambda r: m.ones(2))(X(m)),
        lambda m: m.func.hessian(lambda r: 2.0)(X(m)),
        lambda m: m.func.hessian(lambda r: m.tensor(1.0))(X(m)),
        lambda m: m.func.jvp(lambda r: 2.0, (X(m),), (X(m),)),
        lambda m: m.func.jvp(lambda r: None, (X(m),), (X(m),)),
        lambda m: m.func.jvp(lambda r: r.long(), (X(m),), (m.ones(3),)),
        lambda m: m.func.jvp(lambda r: (r.long(), r * 2), (X(m),), (m.ones(3),)),
        lambda m: m.func.jvp(lambda r: r * 2, (2.0,), (1.0,)),
        lambda m: m.func.jvp(lambda: m.ones(1), (), ()),
        lambda m: m.func.jvp(lambda r: r * 2, (X(m),), (1.0,)),
        lambda m: m.func.jvp(lambda r: r * 2, (X(m),), (m.ones(2),)),
        lambda m: m.func.jvp(lambda r: r * 2, (X(m),), (m.ones(()),)),
        lambda m: m.func.jvp(lambda r: r, (X(m),), [X(m)]),
        lambda m: m.func.jvp(lambda r, s: r, (X(m), X(m)), (X(m),)),
        lambda m: m.func.jvp(lambda r: r["a"], ({"a": X(m)},), ({"b": X(m)},)),
        lambda m: m.func.jvp(lambda r: m.ones(2), (X(m),), (m.ones(3),)),
    ]


@pytest.mark.parametrize("case", range(len(_func_cases())))
def test_func_transform_inputs_and_outputs(case):
    fn = _func_cases()[case]

    def flat(x):
        if isinstance(x, dict):
            return [t for v in x.values() for t in flat(v)]
        if isinstance(x, (tuple, list)):
            return [t for v in x for t in flat(v)]
        return [] if callable(x) else [x]       # a vjp answers (value, vjp_fn): keep the value

    same_outcome(lambda m: tuple(flat(fn(m))))


# ---- autograd: _make_grads' checks on the given gradients ------------------------------------------------
def _make_grads_cases():
    def xs(m):
        x = m.arange(3.0, requires_grad=True)
        return x, x * 2, (x * 3).sum()
    return [
        lambda m: m.autograd.grad([xs(m)[1]], [xs(m)[0]], [1.0]),
        lambda m: (lambda x, y, s: m.autograd.grad([s], [x], ["a"]))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.backward([s], [2.0]))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.grad([y, s], x, [m.ones(3), m.ones(2)]))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.grad([y, y * 1], x, [m.ones(2)] * 2))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.grad([s, y], x, [m.ones(()), m.ones(2)]))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.grad([y, s], x, [m.ones(3), m.ones(())]))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.grad(x.to(m.complex64) * 2, x, m.ones(3)))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.grad(y, x, m.ones(3, dtype=m.complex64)))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.grad([y, m.ones(3)], x))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.grad([m.ones(3)], x, [m.ones(2)]))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.grad([m.ones(())], x))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.backward([m.ones(3)], [m.ones(4)]))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.backward([y], [m.ones(4)]))(*xs(m)),
        lambda m: (lambda x, y, s: y.backward(m.ones(2)))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.grad(y, x, m.ones(3, dtype=m.float64)))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.grad([y, s], x, [None, m.ones(())]))(*xs(m)),
        lambda m: (lambda x, y, s: m.autograd.grad([y, s], x, [m.ones(3), None]))(*xs(m)),
    ]


@pytest.mark.parametrize("case", range(len(_make_grads_cases())))
def test_given_gradients_are_checked_as_torch_checks_them(case):
    same_outcome(_make_grads_cases()[case])


# ---- embedding / embedding_bag: index dtypes ---------------------------------------------------------------
_IDX_DTYPES = ["int16", "int8", "uint8", "bool", "int32", "int64", "float32"]


@pytest.mark.parametrize("dt", _IDX_DTYPES)
@pytest.mark.parametrize("call", [
    lambda m, i: m.nn.functional.embedding(i, m.arange(10.0).view(5, 2)),
    lambda m, i: m.nn.functional.embedding(i, m.arange(10.0).view(5, 2), max_norm=1.0),
    lambda m, i: m.embedding(m.arange(10.0).view(5, 2), i),
    lambda m, i: m.nn.functional.embedding_bag(i, m.arange(10.0).view(5, 2), m.tensor([0])),
    lambda m, i: m.nn.functional.embedding_bag(i, m.arange(10.0).view(5, 2), m.tensor([0]).to(i.dtype)),
    lambda m, i: m.nn.functional.embedding_bag(i, m.arange(10.0).view(5, 2), m.tensor([0], dtype=m.int32)),
    lambda m, i: m.nn.functional.embedding_bag(i.view(1, 2), m.arange(10.0).view(5, 2)),
    lambda m, i: m.nn.functional.embedding_bag(i, m.arange(10.0).view(5, 2), m.tensor([0]), mode="max"),
    lambda m, i: m.nn.functional.embedding_bag(i, m.arange(10.0).view(5, 2), m.tensor([0]), max_norm=0.5),
    lambda m, i: m.nn.functional.embedding_bag(i, m.arange(10.0).view(5, 2), m.tensor([0]), mode="sum",
                                               per_sample_weights=m.ones(2)),
])
def test_embedding_index_dtypes(call, dt):
    same_outcome(lambda m: call(m, m.tensor([1, 0]).to(getattr(m, dt))))


# ---- stft / istft: torch's argument parser in front of the ATen ops -------------------------------------
_SPEC = lambda m: m.complex(m.arange(165.0).view(33, 5).cos(), m.arange(165.0).view(33, 5).sin())   # noqa: E731
_SIG = lambda m: m.arange(100.0).sin()                                                             # noqa: E731


@pytest.mark.parametrize("call", [
    lambda m: _SPEC(m).istft(64.0),
    lambda m: _SPEC(m).istft(64, center="a"),
    lambda m: m.istft(_SPEC(m), 64, 16, 64, None, True, False, None, 3.5),
    lambda m: m.istft(_SPEC(m), 64, return_complex=1),
    lambda m: _SPEC(m).istft(64, return_complex=1),
    lambda m: m.istft(_SPEC(m), n_fft=64.0),
    lambda m: m.istft(_SPEC(m), 64, hop_length=np.int64(16), window=m.hann_window(64)),
    lambda m: m.istft(_SPEC(m), np.int64(64), window=m.hann_window(64)),
    lambda m: m.istft(_SPEC(m)),
    lambda m: m.istft(_SPEC(m), 64, foo=1),
    lambda m: m.istft(_SPEC(m), 64, window=[1.0]),
    lambda m: m.istft(_SPEC(m), 64, 16, 64, None, True, False, None, None, False, 1),
    lambda m: m.stft(_SIG(m), 64.0, return_complex=True),
    lambda m: m.stft(_SIG(m), 64, return_complex=True, normalized="yes"),
    lambda m: m.stft(_SIG(m), 64, return_complex=True, hop_length=3.0),
    lambda m: m.stft(_SIG(m), 64, window=m.hann_window(64), return_complex=True, center=1),
    lambda m: m.stft(_SIG(m), 64, return_complex="x"),
    lambda m: m.stft(_SIG(m), 64, return_complex=True, normalized=1),
    lambda m: m.stft(_SIG(m), np.int64(64), window=m.hann_window(64), return_complex=True),
    lambda m: m.stft(_SIG(m), 64, hop_length=np.int32(16), window=m.hann_window(64), return_complex=True),
    lambda m: _SIG(m).stft(64.0, return_complex=True, center=False),
    lambda m: m.stft(_SIG(m), 64, window=[1.0], return_complex=True, center=False),
    lambda m: m.stft(_SIG(m), 64, return_complex=True, center=False, onesided=0),
    lambda m: m.stft(_SIG(m), 64, return_complex=True, center=False, align_to_window=1),
])
def test_stft_istft_argument_types(call):
    same_outcome(call, rtol=1e-5, atol=1e-5)


# ---- reversed(tensor) ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(), (4,), (3, 2), (0,), (2, 0, 3)])
def test_reversed_is_a_flipped_tensor(shape):
    x = np.asarray(np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) - 1.5)
    outs = same_on_both(lambda m, a: reversed(a), [x])
    assert type(outs[glasstorch][0]).__name__ == "Tensor"
    same_outcome(lambda m: tuple(reversed(m.arange(5.0))))
    same_outcome(lambda m: reversed(m.arange(5)).__next__())


# ---- cumulative_trapezoid over an empty dim ------------------------------------------------------------------
@pytest.mark.parametrize("shape,dim", [((0,), 0), ((1,), 0), ((0, 3), 0), ((0, 3), 1), ((3, 0), 1), ((3, 0), 0),
                                       ((2, 1), 1), ((2, 1), 0)])
def test_cumulative_trapezoid_empty_dims(shape, dim):
    y = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    same_on_both(lambda m, a: m.cumulative_trapezoid(a, dim=dim), [y])
    same_on_both(lambda m, a: m.cumulative_trapezoid(a, a * 2 + 1, dim=dim), [y])
    same_on_both(lambda m, a: m.cumulative_trapezoid(a, dx=0.5, dim=dim), [y])
    same_on_both(lambda m, a: m.trapezoid(a, dim=dim), [y])


# ---- vmap: chunk_size, an empty batch, batched outputs with out_dims=None --------------------------------------
@pytest.mark.parametrize("call", [
    lambda m: m.func.vmap(lambda r: r * 2, chunk_size=0),
    lambda m: m.func.vmap(lambda r: r * 2, chunk_size=-3),
    lambda m: m.func.vmap(lambda r: r * 2, chunk_size=2)(m.arange(6.0).view(3, 2)),
    lambda m: m.func.vmap(lambda r: r * 2)(m.ones(0, 3)),
    lambda m: m.func.vmap(lambda r: r.sum(), out_dims=0)(m.ones(0, 3)),
    lambda m: m.func.vmap(lambda r: (r, r.sum()), out_dims=(1, 0))(m.ones(0, 3, dtype=m.float64)),
    lambda m: m.func.vmap(lambda r, s: r + s, in_dims=(0, None))(m.ones(0, 3), m.ones(3)),
    lambda m: m.func.vmap(lambda r: r.sum(), out_dims=None)(m.arange(6.0).view(2, 3)),
    lambda m: m.func.vmap(lambda r: (r, r.sum()), out_dims=(0, None))(m.arange(6.0).view(2, 3)),
    lambda m: m.func.vmap(lambda r: m.ones(2), out_dims=None)(m.arange(6.0).view(2, 3)),
    lambda m: m.func.vmap(lambda r: (r * 2, m.ones(2)), out_dims=(0, None))(m.arange(6.0).view(2, 3)),
    lambda m: m.func.vmap(lambda r: r[0].item())(m.arange(6.0).view(2, 3)),
    lambda m: m.func.vmap(lambda r: float(r.sum()))(m.arange(6.0).view(2, 3)),
    lambda m: m.func.vmap(lambda r: 3.0)(m.arange(6.0).view(2, 3)),
])
def test_vmap_edges(call):
    same_outcome(call)


# ---- torch.compile: the mode and backend are looked up when it is called -------------------------------------
@pytest.mark.parametrize("call", [
    lambda m: m.compile(lambda x: x + 1, mode="bogus"),
    lambda m: m.compile(lambda x: x + 1, mode="bogus", disable=True),
    lambda m: m.compile(m.nn.Linear(2, 2), mode="bogus"),
    lambda m: m.compile(mode="bogus")(lambda x: x + 1),
    lambda m: m.compile(lambda x: x + 1, backend="nonexistent"),
    lambda m: m.compile(lambda x: x + 1, backend="nonexistent", disable=True),
    lambda m: m.compile(lambda x: x + 1, backend="eager", mode="bogus")(m.ones(2)),
    lambda m: m.compile(lambda x: x + 1, mode="lite")(m.ones(2)),
    lambda m: m.compile(lambda x: x + 1, mode="max-autotune-no-cudagraphs")(m.ones(2)),
    lambda m: m.compile(lambda x: x + 1, backend="aot_eager_decomp_partition")(m.ones(2)),
])
def test_compile_checks_mode_and_backend(call):
    same_outcome(call)


def test_invalid_backend_exception_and_registry():
    for m in (torch, glasstorch):
        with pytest.raises(m._dynamo.exc.InvalidBackend):
            m.compile(lambda x: x, backend="nope")
        assert issubclass(m._dynamo.exc.InvalidBackend, RuntimeError)
    assert glasstorch._dynamo.list_backends() == torch._dynamo.list_backends()
    assert glasstorch._dynamo.list_backends(None) == torch._dynamo.list_backends(None)
