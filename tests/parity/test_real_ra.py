"""Parity pins from running the beginner PyTorch tutorials (pytorch/tutorials, beginner_source) unchanged.

Fixed in glasstorch:
- ``Tensor.to`` parses its arguments as torch's parser does against its three overloads
  ``(device=None, dtype=None, non_blocking=False, copy=False, *, memory_format=None)``,
  ``(dtype, non_blocking=False, copy=False, *, memory_format=None)`` and
  ``(tensor, non_blocking=False, copy=False, *, memory_format=None)``: a call none of them takes
  (``requires_grad=True``, ``non_blocking=1``, a dtype where the device goes, ``dtype=`` next to a
  tensor, more than one dtype) raises torch's "to() received an invalid combination of arguments"
  TypeError instead of Python's "unexpected keyword argument" or glasstorch's "does not support
  dtype"; five positionals give "to() takes from 0 to 4 positional arguments but 5 were given";
  flags given by position after a tensor (``t.to(other, True, True)``) are flags, not dtypes; and a
  number first where the dtype goes is read as torch reads it (``t.to(1.5)`` float64, ``t.to(True)``
  bool, ``t.to(1j)`` complex128).  Shown by former_torchies/autograd_tutorial.py
  (``a.to(requires_grad=True)``).  ``nn.Module.to`` parses the same way (torch's ``_parse_to``):
  ``model.to(torch.float64, True)`` and ``model.to(1.5)`` work, ``model.to(requires_grad=True)``
  raises.  (glasstorch/_to_args_check.py, _tensor_convert.py, nn/modules/_conversion.py)
- ``t.to(copy=True)`` where nothing changes hangs the copy from ``ToCopyBackward0`` (torch's
  ``aten::_to_copy``), not ``CloneBackward0``; found while pinning the fix above
  (glasstorch/ops/conversion.py).
- float32 / float64 ``pow`` (and ``float_power``) of broadcast operands, e.g. ``x.unsqueeze(-1).pow(p)``,
  is laid out as torch's TensorIterator lays it out (row-major, strides (3, 1)) instead of NumPy's
  column-major (1, n) result; a ``Linear(3, 1)`` fed those features then gets torch's weight gradient
  bit for bit (MKL's order for that layout), so examples_nn/polynomial_optim.py's SGD run no longer
  drifts from torch's in the 7th digit for that reason (glasstorch/ops/_pow_kernel.py).
- ``PowBackward1`` (tensor ** tensor) as torch computes it: an integer exponent tensor is cast to the
  base's float dtype before ``exponent * self.pow(exponent - 1)`` (NumPy took float32 ** int64 in
  float64, one rounding off), and the exponent's gradient takes ``self.log()`` from torch's log kernel
  as ``torch.log`` does, not NumPy's float32 log; found by the layout tests above
  (glasstorch/ops/power.py).
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from glasstorch.autograd.gradcheck import gradcheck
from tests.parity._helpers import same_outcome

# values an argument of ``to`` may take, each built for the library under test
POOL = {
    "f64": lambda m: m.float64,
    "i32": lambda m: m.int32,
    "cpu": lambda m: "cpu",
    "cpu_dev": lambda m: m.device("cpu"),
    "None": lambda m: None,
    "True": lambda m: True,
    "False": lambda m: False,
    "one": lambda m: 1,
    "neg": lambda m: -1,
    "half": lambda m: 1.5,
    "cplx": lambda m: 1j,
    "np_f": lambda m: np.float32(2.0),
    "np_i": lambda m: np.int64(0),
    "np_b": lambda m: np.bool_(True),
    "float": lambda m: float,
    "int": lambda m: int,
    "list": lambda m: [1],
    "str": lambda m: "float",
    "tensor": lambda m: m.ones(1, dtype=m.float64),
    "cf": lambda m: m.contiguous_format,
    "pf": lambda m: m.preserve_format,
}
KWNAMES = ["dtype", "device", "non_blocking", "copy", "memory_format", "requires_grad", "foo"]


def _call(args, kwargs):
    def fn(m):
        t = m.arange(6, dtype=m.float32).reshape(2, 3)
        return t.to(*[POOL[a](m) for a in args], **{k: POOL[v](m) for k, v in kwargs.items()})
    return fn


CASES = [
    ((), {"requires_grad": "True"}),                 # former_torchies/autograd_tutorial.py
    (("f64",), {"foo": "one"}),
    ((), {"dtype": "f64", "requires_grad": "True"}),
    (("f64",), {"requires_grad": "False", "copy": "True"}),
    (("f64",), {"non_blocking": "None"}),
    (("tensor",), {"non_blocking": "one"}),
    (("tensor",), {"copy": "one"}),
    (("tensor",), {"dtype": "f64"}),
    (("tensor", "True", "True"), {}),
    (("tensor", "None"), {}),
    (("tensor",), {"memory_format": "None"}),
    (("cpu", "str"), {}),
    (("cpu",), {"dtype": "str"}),
    ((), {"device": "half"}),
    ((), {"device": "True"}),
    ((), {"device": "one"}),
    (("f64", "f64"), {}),
    (("f64", "None"), {}),
    (("None", "f64"), {}),
    (("None", "None", "None"), {}),
    (("f64", "True", "True", "True"), {}),
    (("cpu", "f64", "True", "True", "True"), {}),
    (("cpu", "f64", "True", "False"), {}),
    (("cpu", "True"), {}),
    (("cpu_dev", "half"), {}),
    (("list",), {}),
    (("half",), {}),
    (("half", "True"), {}),
    (("half",), {"copy": "True"}),
    ((), {"dtype": "half"}),
    (("True",), {}),
    (("False", "True"), {}),
    (("cplx",), {}),
    (("np_f",), {}),
    (("np_b",), {}),
    (("np_i",), {}),
    (("one", "f64"), {}),
    (("neg",), {}),
    (("float",), {}),
    ((), {"dtype": "int"}),
    (("f64",), {"memory_format": "cf", "foo": "one"}),
    (("f64", "False", "False"), {"memory_format": "pf"}),
    (("f64",), {"device": "cpu"}),
    (("cpu",), {"dtype": "i32", "requires_grad": "False"}),
    ((), {}),
    (("None",), {}),
    ((), {"non_blocking": "True"}),
]


@pytest.mark.parametrize("args,kwargs", CASES, ids=[f"{a}-{k}" for a, k in CASES])
def test_to_argument_parsing(args, kwargs):
    same_outcome(_call(args, kwargs))


@settings(max_examples=150, deadline=None)
@given(args=st.lists(st.sampled_from(sorted(POOL)), max_size=5),
       kwargs=st.dictionaries(st.sampled_from(KWNAMES), st.sampled_from(sorted(POOL)), max_size=2))
def test_to_argument_parsing_any(args, kwargs):
    same_outcome(_call(args, kwargs))


def test_to_keeps_value_and_graph():
    # the flags given by position still reach the conversion (copy=True gives a new tensor)
    import torch
    import glasstorch
    for m in (torch, glasstorch):
        x = m.ones(3, requires_grad=True)
        y = x.to(m.float32, False, True)
        assert y is not x and type(y.grad_fn).__name__ == "ToCopyBackward0"
        assert x.to(m.float32, False, False) is x
        other = m.zeros(1, dtype=m.float64)
        z = x.to(other, True, True)
        assert z.dtype == m.float64 and type(z.grad_fn).__name__ == "ToCopyBackward0"


@pytest.mark.parametrize("call", [
    lambda m, x: x.to(copy=True),
    lambda m, x: x.to(m.float32, copy=True),
    lambda m, x: x.to("cpu", m.float32, False, True),
    lambda m, x: x.t().to(copy=True),
    lambda m, x: x.to(m.float64, copy=True),
])
def test_to_copy_node_and_gradient(call):
    from tests.parity._helpers import same_on_both
    same_on_both(call, [np.arange(6, dtype=np.float32).reshape(2, 3)])


def _module_call(args, kwargs):
    def fn(m):
        m.manual_seed(0)
        lin = m.nn.Linear(2, 3)
        out = lin.to(*[POOL[a](m) for a in args], **{k: POOL[v](m) for k, v in kwargs.items()})
        return out.weight.detach(), out.bias.detach()
    return fn


@pytest.mark.parametrize("args,kwargs", [
    ((), {"requires_grad": "True"}),
    (("f64",), {"foo": "one"}),
    ((), {"non_blocking": "one"}),
    (("half",), {}),
    (("f64", "True"), {}),
    (("cpu", "f64", "True"), {}),
    (("tensor",), {}),
    (("i32",), {}),
    (("f64", "f64"), {}),
    (("cpu", "True"), {}),
    ((), {"dtype": "f64", "memory_format": "cf"}),
])
def test_module_to_argument_parsing(args, kwargs):
    # nn.Module.to parses with torch._C._nn._parse_to, the same three overloads
    same_outcome(_module_call(args, kwargs))


# pow of broadcast operands: examples_nn/polynomial_*.py build their features as
# ``x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))``; torch's result is row-major (TensorIterator), and a
# linear layer's weight gradient then takes MKL's order for that layout
POW_LAYOUTS = {
    "col_row_int": (lambda m, a, b: a.unsqueeze(-1).pow(m.tensor([1, 2, 3])), (5,), (3,)),
    "col_row": (lambda m, a, b: a.unsqueeze(-1).pow(b), (6,), (4,)),
    "col_row_op": (lambda m, a, b: a.unsqueeze(-1) ** b, (6,), (4,)),
    "row_col": (lambda m, a, b: a.unsqueeze(0).pow(b.unsqueeze(-1)), (3,), (5,)),
    "torch_pow": (lambda m, a, b: m.pow(a.unsqueeze(-1), b), (7,), (2,)),
    "float_power": (lambda m, a, b: m.float_power(a.unsqueeze(-1), b), (4,), (3,)),
    "transposed": (lambda m, a, b: a.t().pow(b), (3, 4), (3,)),
    "expanded": (lambda m, a, b: a.expand(4, 5).pow(b.unsqueeze(-1)), (5,), (4,)),
    "number_base": (lambda m, a, b: m.pow(2.0, a.unsqueeze(-1) + b), (4,), (3,)),
    "rpow": (lambda m, a, b: 1.5 ** (a.unsqueeze(-1) * b), (4,), (3,)),
    "three_d": (lambda m, a, b: a.reshape(2, 1, 3).pow(b.reshape(1, 4, 1)), (6,), (4,)),
    "zero_d": (lambda m, a, b: a.pow(b), (), ()),                  # (a 0-d result stays 0-d)
    "zero_d_base": (lambda m, a, b: m.pow(2.0, a * b), (), ()),
    "zero_d_number": (lambda m, a, b: a.pow(1.7) * b, (), ()),
}


@pytest.mark.parametrize("name", sorted(POW_LAYOUTS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pow_broadcast_layout(name, dtype):
    import torch
    import glasstorch
    fn, sa, sb = POW_LAYOUTS[name]
    rng = np.random.default_rng(0)
    a = rng.uniform(0.5, 2.0, sa).astype(dtype)
    b = rng.uniform(-2.0, 3.0, sb).astype(dtype)
    from tests.parity._helpers import same_on_both
    same_on_both(fn, [a, b])
    strides = [fn(m, m.from_numpy(a.copy()), m.from_numpy(b.copy())).stride() for m in (torch, glasstorch)]
    assert strides[0] == strides[1]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 9), k=st.integers(1, 5), lead=st.booleans(), dt=st.sampled_from([np.float32, np.float64]))
def test_pow_broadcast_layout_any(n, k, lead, dt):
    import torch
    import glasstorch
    rng = np.random.default_rng(n * 10 + k)
    a = rng.uniform(0.1, 3.0, n).astype(dt)
    b = rng.uniform(-3.0, 3.0, k).astype(dt)

    def fn(m, x, e):
        return x.unsqueeze(0).pow(e.unsqueeze(-1)) if lead else x.unsqueeze(-1).pow(e)
    outs = [fn(m, m.from_numpy(a.copy()), m.from_numpy(b.copy())) for m in (torch, glasstorch)]
    assert outs[0].stride() == outs[1].stride()
    assert np.array_equal(outs[0].numpy(), outs[1].numpy())


def test_polynomial_features_weight_gradient_bit_exact():
    # the Linear(3, 1) fit of polynomial_optim.py: one step's weight gradient, torch's to the bit
    import torch
    import glasstorch
    grads = []
    for m in (torch, glasstorch):
        m.manual_seed(0)
        x = m.linspace(-3.0, 3.0, 2000)
        xx = x.unsqueeze(-1).pow(m.tensor([1, 2, 3]))
        lin = m.nn.Linear(3, 1)
        y = m.from_numpy(np.cos(np.linspace(-3.0, 3.0, 2000)).astype(np.float32))
        loss = m.nn.MSELoss(reduction="sum")(m.nn.Flatten(0, 1)(lin(xx)), y)
        loss.backward()
        grads.append((lin.weight.grad.numpy().copy(), lin.bias.grad.numpy().copy(), loss.item()))
    assert np.array_equal(grads[0][0], grads[1][0])
    assert np.array_equal(grads[0][1], grads[1][1])
    assert grads[0][2] == grads[1][2]


def test_pow_backward_gradcheck_float64():
    import glasstorch
    x = glasstorch.rand(4, 1, dtype=glasstorch.float64) + 0.5
    x.requires_grad_(True)
    e = glasstorch.rand(3, dtype=glasstorch.float64) * 3 - 1
    e.requires_grad_(True)
    assert gradcheck(lambda a, b: a.pow(b), (x, e))
    assert gradcheck(lambda a, b: a.t().pow(b), (glasstorch.rand(3, 4, dtype=glasstorch.float64).add(0.5)
                                                 .requires_grad_(True), e))
    assert gradcheck(lambda a: a.pow(glasstorch.tensor([1, 2, 3])), (x,))
