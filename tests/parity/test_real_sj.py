"""Parity pins from real course programs (sj: chenyuntc/pytorch-book, L1aoXingyu/pytorch-beginner,
zergtant/pytorch-handbook) run unchanged on torch and on glasstorch.

Fixed in glasstorch:
- the classes of graph nodes print as torch's C++ classes do: ``type(y.grad_fn)`` is
  ``<class 'SumBackward0'>`` and ``type(leaf_node)`` ``<class 'AccumulateGrad'>`` (``__module__``
  'builtins'), while a custom Function's node stays ``torch.autograd.function.<Name>Backward``;
  every node has torch's read-only ``requires_grad`` (always True), and ``dir()`` of a built-in node
  lists its API only (no ``__dict__``/``__module__``/``__weakref__`` nor glasstorch's bookkeeping)
  (pytorch-handbook chapter2/2.1.2-pytorch-basics-autograd, which prints ``type()`` and ``dir()`` of
  grad_fn objects) (autograd/graph.py, ops/complex_grad.py);
- ``rand``, ``randn``, ``randint`` and ``randperm`` refuse an unknown keyword (``names=``: torch 2.13
  has no named tensors) with torch's parser message "received an invalid combination of arguments",
  both overloads listed and every keyword of the call shown, not Python's "unexpected keyword
  argument" (pytorch-book Chapter3, ``t.randn(1, 2, 2, 3, names=('N', 'C', 'H', 'W'))``)
  (_random_kwargs.py, _random_api.py);
- a custom Function's node has torch's ``apply(*grads)`` (the user's backward, or vjp, called directly
  in the current grad mode, without the engine's checks) and ``apply_jvp``; a Function defining only
  ``vjp`` backpropagates through it, one defining both is refused with torch's message
  (pytorch-book Chapter3, ``z.grad_fn.apply(t.ones(1))``) (autograd/function.py);
- ``Tensor`` has torch's Python-level methods that ``dir(tensor)`` lists (pytorch-handbook
  chapter1/1_tensor_tutorial prints ``dir(x)``): ``dim_order`` (prims' logical-to-physical
  permutation with the ambiguity checks and their messages), ``storage_type`` (the legacy
  ``torch.<Name>Storage`` class, with the TypedStorage warning), ``const_data_ptr``, ``orgqr``
  (householder_product) and ``reinforce`` (torch's "reinforce() was removed" error); and no longer
  a ``Tensor.rsub`` method, which torch does not have (``torch.rsub`` stays)
  (_tensor_dim_order.py, _tensor.py, _tensor_math.py);
- the "Support for mismatched src_key_padding_mask and mask" warning of ``TransformerEncoder`` and
  ``TransformerEncoderLayer`` points into the transformer module's forward (torch's stacklevel=2 from a
  direct call), not at ``Module._call_impl`` (pytorch-book Chapter11's poetry Transformer, a float
  causal mask with a bool padding mask) (nn/_ops/attention.py, nn/modules/transformer.py).
"""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_on_both, same_outcome, same_result_or_error

MODS = (torch, glasstorch)


def _leaf_and_ops(m):
    x = m.ones(2, 3, requires_grad=True)
    y = (x * 2).sum()
    return x, y


NODE_CASES = {
    "sum": lambda m, x: (x * 2).sum().grad_fn,
    "mul": lambda m, x: (x * 2).grad_fn,
    "accumulate": lambda m, x: (x * 2).grad_fn.next_functions[0][0],
    "view": lambda m, x: x.view(6).grad_fn,
    "select": lambda m, x: x[0].grad_fn,
    "to_double": lambda m, x: x.double().grad_fn,
    "complex_mul": lambda m, x: (x.to(m.complex64) * (1 + 2j)).grad_fn,
    "relu": lambda m, x: m.relu(x).grad_fn,
    "linear": lambda m, x: m.nn.functional.linear(x, m.ones(4, 3)).grad_fn,
    "mse": lambda m, x: m.nn.functional.mse_loss(x, m.zeros(2, 3)).grad_fn,
}


@pytest.mark.parametrize("case", sorted(NODE_CASES))
def test_node_class_prints_as_torch(case):
    got = []
    for m in MODS:
        node = NODE_CASES[case](m, m.ones(2, 3, requires_grad=True))
        got.append((repr(type(node)), type(node).__module__, type(node).__name__, node.name(),
                    node.requires_grad, "requires_grad" in dir(node)))
    assert got[0] == got[1]


def test_custom_function_node_keeps_its_module():
    def run(m):
        class Twice(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2
        y = Twice.apply(m.ones(2, requires_grad=True))
        return (repr(type(y.grad_fn)).replace("glasstorch", "torch"), type(y.grad_fn).__name__,
                y.grad_fn.requires_grad, "requires_grad" in dir(y.grad_fn))
    assert run(torch) == run(glasstorch)
    assert (glasstorch.autograd.function.BackwardCFunction.__module__.replace("glasstorch", "torch")
            == torch.autograd.function.BackwardCFunction.__module__)


@pytest.mark.parametrize("m", MODS, ids=["torch", "glasstorch"])
def test_node_requires_grad_is_read_only(m):
    node = (m.ones(2, requires_grad=True) * 3).grad_fn
    with pytest.raises(AttributeError):
        node.requires_grad = False
    assert node.requires_grad is True


def test_complex_product_gradient_still_exact():
    # the complex twin of MulBackward0 tells arithmetic's node from einsum's by its defining module
    a = np.array([1.5 - 0.5j, -2.0 + 0.25j, 0.3 + 1.1j], dtype=np.complex64)
    b = np.array([0.7 + 0.2j, 1.3 - 2.2j, -0.4 + 0.9j], dtype=np.complex64)
    out = []
    for m in MODS:
        x, y = m.from_numpy(a.copy()).requires_grad_(), m.from_numpy(b.copy()).requires_grad_()
        (x * y).abs().sum().backward()
        out.append((x.grad.numpy(), y.grad.numpy()))
    for u, v in zip(*out):
        np.testing.assert_array_equal(u, v)


RANDOM_CALLS = {
    "randn_names": lambda m: m.randn(1, 2, 2, 3, names=("N", "C", "H", "W")),
    "randn_tuple_names": lambda m: m.randn((2, 3), names=["a", "b"]),
    "randn_size_object": lambda m: m.randn(m.Size([2]), names=("a",)),
    "randn_eight_ints": lambda m: m.randn(1, 2, 3, 4, 5, 6, 7, 8, names=1),
    "rand_seven_ints": lambda m: m.rand(2, 3, 4, 5, 6, 7, 8, names=1),
    "rand_size_kw": lambda m: m.rand(size=(2,), names=("a",)),
    "rand_known_and_unknown": lambda m: m.rand(2, out=None, foo=2, dtype=None),
    "randn_generator": lambda m: m.randn(2, generator=m.Generator(), names=("a",)),
    "randn_requires_grad": lambda m: m.randn(2, requires_grad=True, bar=1),
    "randn_no_size": lambda m: m.randn(names=("a",)),
    "randint_names": lambda m: m.randint(3, (2,), names=("a",)),
    "randint_low_high": lambda m: m.randint(0, 3, (2,), foo=None),
    "randperm_foo": lambda m: m.randperm(3, foo=1),
    "randn_ok_keywords": lambda m: m.randn(2, 3, dtype=m.float64, requires_grad=True),
    "randint_ok_keywords": lambda m: m.randint(low=1, high=5, size=(4,), dtype=m.int32),
    "randperm_ok": lambda m: m.randperm(5, dtype=m.int16),
}


@pytest.mark.parametrize("case", sorted(RANDOM_CALLS))
def test_random_factory_keywords(case):
    def run(m):
        m.manual_seed(3)
        return RANDOM_CALLS[case](m)
    same_outcome(run)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=0, max_size=9),
       st.sampled_from(["names", "foo", "dim"]), st.sampled_from([None, 1, ("a",), "x"]),
       st.sampled_from(["rand", "randn"]))
def test_random_factory_unknown_keyword_any_size(sizes, key, value, name):
    same_outcome(lambda m: getattr(m, name)(*sizes, **{key: value}))


def _multiply_add(m, kind):
    class MultiplyAdd(m.autograd.Function):
        @staticmethod
        def forward(ctx, w, x, b):
            ctx.save_for_backward(w, x)
            return w * x + b

    def grads(ctx, g):
        w, x = ctx.saved_tensors
        return g * x, g * w, g * 1
    if kind in ("backward", "both"):
        MultiplyAdd.backward = staticmethod(grads)
    if kind in ("vjp", "both"):
        MultiplyAdd.vjp = staticmethod(grads)
    return MultiplyAdd


@pytest.mark.parametrize("kind", ["backward", "vjp", "both", "neither"])
@pytest.mark.parametrize("grad_mode", [True, False])
@pytest.mark.parametrize("g_shape", [(1,), (3,)])
def test_custom_node_apply(kind, grad_mode, g_shape):
    def run(m):
        w = m.tensor([0.25], requires_grad=True)
        b = m.tensor([0.5], requires_grad=True)
        z = _multiply_add(m, kind).apply(w, m.ones(1), b)
        with m.set_grad_enabled(grad_mode):
            return z.grad_fn.apply(m.ones(g_shape))
    same_outcome(run)


@pytest.mark.parametrize("kind", ["backward", "vjp", "both", "neither"])
def test_custom_node_backward_through_vjp(kind):
    def run(m):
        w = m.tensor([0.25, 2.0], requires_grad=True)
        b = m.tensor([0.5, -1.0], requires_grad=True)
        z = _multiply_add(m, kind).apply(w, m.tensor([3.0, 4.0]), b)
        (z * m.tensor([1.0, 2.0])).sum().backward()
        return w.grad, b.grad
    same_outcome(run)


def test_custom_node_apply_jvp():
    def run(m):
        class Scale(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def jvp(ctx, t):
                return t * 2
        y = Scale.apply(m.ones(2, requires_grad=True))
        return y.grad_fn.apply_jvp(m.tensor([1.0, 3.0]))
    same_outcome(run)


def _dim_order_inputs(m):
    e = m.zeros
    return [e(2, 3, 5, 7), e(2, 3, 5, 7).transpose(1, 2), e(2, 3, 5, 7).to(memory_format=m.channels_last),
            e(1, 2, 3, 4), e(2, 3)[:, ::2], e(4, 4)[::2].t(), e(3, 1).expand(3, 4), e(2, 2, 2).permute(2, 0, 1),
            m.tensor(1.0), e(5), e(2, 3, 4, 5, 6).permute(0, 2, 1, 4, 3), e(6, 4)[:, 1:3], e(2, 1, 3).transpose(0, 2)]


CHECKS = [False, True, "contiguous+cl", "contiguous", "ILLEGAL", "ints"]


def _check_arg(m, name):
    return {"contiguous+cl": [m.contiguous_format, m.channels_last], "contiguous": [m.contiguous_format],
            "ILLEGAL": "ILLEGAL", "ints": [1]}.get(name, name)


@pytest.mark.parametrize("check", CHECKS, ids=str)
@pytest.mark.parametrize("i", range(13))
def test_dim_order(i, check):
    out = []
    for m in MODS:
        x = _dim_order_inputs(m)[i]
        try:
            out.append(x.dim_order(ambiguity_check=_check_arg(m, check)))
        except Exception as e:     # noqa: BLE001 - torch's error is the expectation
            out.append((type(e).__name__, str(e)))
    assert out[0] == out[1]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=2, max_size=4), st.randoms(use_true_random=False), st.booleans())
def test_dim_order_of_permuted_slices(shape, rnd, check):
    perm = list(range(len(shape)))
    rnd.shuffle(perm)
    step = rnd.choice([1, 2])
    out = []
    for m in MODS:
        x = m.zeros(*shape).permute(*perm)[..., ::step]
        try:
            out.append(x.dim_order(ambiguity_check=check))
        except RuntimeError as e:
            out.append(str(e))
    assert out[0] == out[1]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8", "bool", "complex64", "int16"])
def test_storage_type(dtype):
    import warnings
    got = []
    for m in MODS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cls = m.ones(2, dtype=getattr(m, dtype)).storage_type()
        got.append((cls.__name__, cls is getattr(m, cls.__name__)))
    assert got[0] == got[1]


def test_python_level_tensor_methods():
    same_outcome(lambda m: m.arange(6.0).reshape(2, 3).reinforce(1.0))
    same_outcome(lambda m: m.arange(6.0).rsub(1))
    assert all(hasattr(m.Tensor, "rsub") is False for m in MODS)
    for m in MODS:
        x = m.arange(6.0).reshape(2, 3)[:, 1:]
        assert x.const_data_ptr() == x.data_ptr()
    a = np.array([[2.0, 1.0, 0.5], [1.0, 3.0, -1.0], [0.0, 1.5, 4.0]])
    tau = np.array([1.2, 0.4])
    same_on_both(lambda m, h, t: h.orgqr(t), [a, tau], rtol=1e-12, atol=1e-12)


# torch's C++ nodes list these private helpers, which glasstorch's nodes do not have
_TORCH_PRIVATE = {"_input_metadata", "_register_hook_dict", "_sequence_nr", "_set_sequence_nr"}


@pytest.mark.parametrize("case", ["mul", "accumulate", "pow", "add_scalar", "mm", "relu", "exp", "div"])
def test_builtin_node_dir(case):
    make = {"mul": lambda m, x: x * x, "accumulate": lambda m, x: (x * 2).grad_fn.next_functions[0][0],
            "pow": lambda m, x: x ** 2, "add_scalar": lambda m, x: x + 1, "mm": lambda m, x: x.view(1, 2) @ m.ones(2, 3),
            "relu": lambda m, x: m.relu(x), "exp": lambda m, x: x.exp(), "div": lambda m, x: x / m.ones(2)}[case]
    got = []
    for m in MODS:
        r = make(m, m.ones(2, requires_grad=True))
        node = r if case == "accumulate" else r.grad_fn
        got.append([a for a in dir(node) if a not in _TORCH_PRIVATE])
    assert got[0] == got[1]


@pytest.mark.parametrize("which", ["encoder", "layer", "mha"])
def test_mismatched_mask_warning_points_into_the_module(which):
    import inspect
    import warnings
    got = []
    for m in MODS:
        m.manual_seed(0)
        layer = m.nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16)
        mod = {"encoder": lambda: m.nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False),
               "layer": lambda: layer, "mha": lambda: m.nn.MultiheadAttention(8, 2)}[which]()
        x, mask, pad = m.randn(5, 2, 8), m.zeros(5, 5), m.zeros(2, 5, dtype=m.bool)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            if which == "mha":
                mod(x, x, x, key_padding_mask=pad, attn_mask=mask)
            else:
                mod(x, mask, pad)
        mine = [c for c in w if "mismatched" in str(c.message)]
        got.append([(str(c.message), c.filename == inspect.getsourcefile(type(mod).forward)) for c in mine])
    assert got[0] == got[1]
