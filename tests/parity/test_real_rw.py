"""Parity pins for real_rw (learner tutorials and books run unchanged on torch and on glasstorch:
dvgodoy/PyTorchStepByStep's chapter notebooks, patrickloeber/pytorchTutorial's numbered scripts,
vinhkhuc/PyTorch-Mini-Tutorials).

Fixed in glasstorch:
- ``Tensor._is_view()`` exists: whether the tensor is an autograd view of a base (``_base`` set), so
  False for ``detach()``, ``.data``, ``clone()``, ``from_numpy`` results (_tensor_flags.py).  torchviz's
  ``make_dot``, which PyTorchStepByStep's Chapter01 draws every graph with, asks it of each tensor.
- ``SummaryWriter.add_graph`` fails as torch's does: a module (or its bound ``forward``) without an
  input raises "example_kwarg_inputs should be a dict" (torch.jit.trace's check) instead of calling
  forward with None, a non-module without ``training`` is refused by the eval-mode switch
  (AttributeError), and a RuntimeError while tracing is printed, followed by "Error occurs, No graph
  saved", before it propagates (utils/tensorboard/_graph.py).  Chapter02's ``writer.add_graph(model)``
  showed it.
- the common backward nodes expose the non-tensor values torch saves, by torch's names
  (``grad_fn._saved_alpha`` of Add/Sub/Rsub, ``_saved_self_sym_sizes`` of Sum/Mean/View, Mean's
  ``_saved_self_sym_numel``, Sum/Mean over dims' ``_saved_keepdim``, mm/addmm's (also ``nn.Linear``'s)
  ``_saved_{mat1,self,mat2}_sym_sizes`` and ``_sym_strides`` (strides only where that operand requires
  grad, else ``()``), mse/smooth L1/huber's ``_saved_reduction`` as torch's enum, ``_saved_beta``,
  ``_saved_delta``) (new autograd/_saved_meta.py, called from ops/matmul.py and nn/_ops/linear.py).
  torchviz's ``make_dot(show_attrs=True, show_saved=True)`` of the chapters' linear models printed
  none of them.
- ``div``/``divide``/``div_``/``divide_`` (function and method) with ``rounding_mode=None`` written out
  are torch's ``div.Tensor_mode``: the node is ``DivBackward2`` (true division's gradient, saving
  ``rounding_mode``), not ``DivBackward0``, which only a call without the keyword gets; the floor and
  trunc ``DivBackward2`` save their mode too (new ops/_div_mode.py; ops/arithmetic.py,
  ops/arithmetic_inplace.py, _tensor_math.py, _tensor_fill.py).  Found probing the saved values of the
  chapters' graphs (``_saved_rounding_mode``).
- a Python number operand a node saved (``(a * 2).grad_fn._saved_other``, ``a / 2``'s) reads as torch's
  wrapped 0-d tensor (int64, float64, complex128 or bool; the same tensor at each access), not as the
  number (autograd/graph.py, autograd/_saved_meta.py).  torchviz's ``show_saved`` draws it as a
  saved tensor.
- a tensor indexed (read or written) with any Python sequence, such as the ``Subset`` that
  ``random_split(np.arange(N), ...)`` returns, reads it as the list of its items, as torch does
  (PySequence_Check): indices, and a short one holding slices/None/tensors taken as a tuple with
  torch's warning; a class without ``len()`` is Python's TypeError (was "only integers, slices ...
  (got Subset)"; ops/index_parse.py).  Chapter04's ``x_tensor[train_idx]`` showed it.
"""
import io
import contextlib
import tempfile

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from glasstorch.autograd.gradcheck import gradcheck, gradgradcheck
from tests.parity._helpers import same_on_both, same_outcome, same_result_or_error

MODS = (torch, glasstorch)


# ---- Tensor._is_view ------------------------------------------------------------------------------
VIEWS = {
    "plain": lambda m, x, w: x,
    "view": lambda m, x, w: x.view(12),
    "slice": lambda m, x, w: x[1:],
    "detach": lambda m, x, w: w.detach(),
    "data": lambda m, x, w: w.data,
    "t": lambda m, x, w: w.t(),
    "expand": lambda m, x, w: w[0].expand(2, 4),
    "clone": lambda m, x, w: w.clone(),
    "reshape_copy": lambda m, x, w: w.t().reshape(12),
    "reshape_view": lambda m, x, w: w.reshape(12),
    "view_of_view": lambda m, x, w: w.view(12)[2:],
    "from_numpy": lambda m, x, w: m.from_numpy(x.numpy()),
    "unbind": lambda m, x, w: w.unbind(0)[1],
    "split": lambda m, x, w: w.split(1)[0],
    "diagonal": lambda m, x, w: w.diagonal(),
    "contiguous": lambda m, x, w: w.contiguous(),
    "squeeze": lambda m, x, w: w.squeeze(),
    "int_select": lambda m, x, w: m.arange(5)[2],
    "op_result": lambda m, x, w: w * 2,
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_is_view(name):
    def run(m):
        x = m.from_numpy(np.arange(12.0).reshape(3, 4))
        w = m.from_numpy(np.ones((3, 4))).requires_grad_()
        v = VIEWS[name](m, x, w)
        base = v._base
        return v._is_view(), base is not None, base is x or base is w
    assert run(glasstorch) == run(torch)


# ---- SummaryWriter.add_graph's failures -------------------------------------------------------------
ADD_GRAPH = {
    "module_no_input": lambda m, mod: (mod,),
    "bound_forward_no_input": lambda m, mod: (mod.forward,),
    "function_no_input": lambda m, mod: (lambda x: x * 2,),
    "function_with_input": lambda m, mod: (lambda x: x * 2, m.ones(2)),
    "bad_shape": lambda m, mod: (mod, m.ones(3, 5)),
    "empty_list": lambda m, mod: (mod, []),
}


def _add_graph(m, name):
    from importlib import import_module
    writer = import_module(m.__name__ + ".utils.tensorboard").SummaryWriter(tempfile.mkdtemp())
    m.manual_seed(0)
    mod = m.nn.Sequential(m.nn.Linear(2, 1))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            writer.add_graph(*ADD_GRAPH[name](m, mod))
            res = "ok"
        except Exception as e:      # noqa: BLE001 - torch's error is the expectation
            res = f"{type(e).__name__}: {e}"
    writer.close()
    return res, out.getvalue(), mod.training


@pytest.mark.parametrize("name", sorted(ADD_GRAPH))
def test_add_graph_failures(name):
    assert _add_graph(glasstorch, name) == _add_graph(torch, name)


# ---- saved non-tensor values of common nodes ---------------------------------------------------------
def _saved(fn):
    """(node name, [(saved name, value or 'T' for a tensor)]) of ``fn``'s grad_fn."""
    out = []
    for a in dir(fn):
        if a.startswith("_saved_"):
            v = getattr(fn, a)
            out.append((a, "T" if isinstance(v, (torch.Tensor, glasstorch.Tensor)) else v))
    return type(fn).__name__, out


def _mats(m, ga, gb, gc, ta=False, tb=False):
    """A (4, 3) and a (3, 2) float64 operand, each transposed (column-major) or not, and a bias."""
    a = m.from_numpy(np.arange(12.0).reshape(3, 4)).t() if ta else m.from_numpy(np.arange(12.0).reshape(4, 3))
    b = m.from_numpy(np.arange(6.0).reshape(2, 3)).t() if tb else m.from_numpy(np.arange(6.0).reshape(3, 2))
    return a.requires_grad_(ga), b.requires_grad_(gb), m.zeros(2, dtype=m.float64, requires_grad=gc)


NODES = {
    "add": lambda m, x, y: x + y,
    "add_alpha": lambda m, x, y: m.add(x, y, alpha=2),
    "add_scalar": lambda m, x, y: x + 2,
    "sub": lambda m, x, y: x - y,
    "sub_alpha": lambda m, x, y: m.sub(x, y, alpha=0.5),
    "rsub_number": lambda m, x, y: 2 - x,
    "rsub": lambda m, x, y: m.rsub(x, y, alpha=3),
    "rsub_number_alpha": lambda m, x, y: m.rsub(x, 2, alpha=2),
    "sum": lambda m, x, y: x.sum(),
    "mean": lambda m, x, y: x.mean(),
    "mean_double": lambda m, x, y: x.double().mean(),
    "view": lambda m, x, y: x.view(2, 6),
    "reshape_view": lambda m, x, y: x.reshape(12),
    "reshape_copy": lambda m, x, y: x.t().reshape(12),
    "mse": lambda m, x, y: m.nn.functional.mse_loss(x, y),
    "mse_sum": lambda m, x, y: m.nn.functional.mse_loss(x, y, reduction="sum"),
    "mse_none": lambda m, x, y: m.nn.functional.mse_loss(x, y, reduction="none"),
    "MSELoss": lambda m, x, y: m.nn.MSELoss()(x, y),
    "smooth_l1": lambda m, x, y: m.nn.functional.smooth_l1_loss(x, y, beta=0.5),
    "huber": lambda m, x, y: m.nn.functional.huber_loss(x, y, reduction="sum", delta=2.0),
    "bmm": lambda m, x, y: m.bmm(x.view(1, 4, 3), y.view(1, 3, 4)),
    "baddbmm": lambda m, x, y: m.baddbmm(m.zeros(1, 4, 4), x.view(1, 4, 3), y.view(1, 3, 4), alpha=2),
}


@pytest.mark.parametrize("name", sorted(NODES))
@pytest.mark.parametrize("grads", [(True, False), (False, True), (True, True)])
def test_saved_values(name, grads):
    def run(m):
        x = m.from_numpy(np.linspace(-1, 1, 12).reshape(4, 3).astype(np.float32)).requires_grad_(grads[0])
        y = m.from_numpy(np.linspace(2, 0, 12).reshape(4, 3).astype(np.float32)).requires_grad_(grads[1])
        return _saved(NODES[name](m, x, y).grad_fn)
    assert run(glasstorch) == run(torch)


@pytest.mark.parametrize("op", ["sum", "mean"])
@pytest.mark.parametrize("dim, keepdim", [(0, True), (-1, False), ((2, 0), False), ((), True)])
def test_saved_values_of_reductions_over_dims(op, dim, keepdim):
    """(``_saved_dim``, the dims as written with negative ones wrapped to unsigned, is not kept.)"""
    def run(m):
        x = m.ones(4, 3, 2, requires_grad=True)
        f = getattr(x, op)(dim, keepdim=keepdim).grad_fn
        return (type(f).__name__, f._saved_keepdim, f._saved_self_sym_sizes,
                getattr(f, "_saved_self_sym_numel", None))
    assert run(glasstorch) == run(torch)


@settings(max_examples=40, deadline=None)
@given(ga=st.booleans(), gb=st.booleans(), gc=st.booleans(), ta=st.booleans(), tb=st.booleans(),
       op=st.sampled_from(["addmm", "addmm_scaled", "mm", "matmul", "linear", "linear_bias", "Linear"]))
def test_saved_matrix_product_layouts(ga, gb, gc, ta, tb, op):
    """Each operand's sizes, and its strides where it requires grad, as torch's mm/addmm nodes keep them."""
    def run(m):
        a, b, c = _mats(m, ga, gb, gc, ta, tb)
        f = {"addmm": lambda: m.addmm(c, a, b), "addmm_scaled": lambda: m.addmm(c, a, b, beta=2, alpha=0.5),
             "mm": lambda: m.mm(a, b), "matmul": lambda: a @ b,
             "linear": lambda: m.nn.functional.linear(a, b.t()),
             "linear_bias": lambda: m.nn.functional.linear(a, b.t(), c),
             "Linear": lambda: _linear(m, a, gb)}[op]
        y = f()
        return None if y.grad_fn is None else _saved(y.grad_fn)
    assert run(glasstorch) == run(torch)


def _linear(m, x, grad_w):
    m.manual_seed(0)
    lin = m.nn.Linear(3, 2, dtype=m.float64)
    lin.requires_grad_(grad_w)
    return lin(x)


def test_saved_values_under_torchviz_style_walk():
    """Every node of a small regression graph: name and saved values, as make_dot(show_saved=True) walks it."""
    def run(m):
        m.manual_seed(0)
        model = m.nn.Sequential(m.nn.Linear(1, 3), m.nn.ReLU(), m.nn.Linear(3, 1))
        x = m.linspace(0, 1, 8).view(8, 1)
        loss = m.nn.MSELoss()(model(x), 2 * x + 1)
        out, todo, seen = [], [loss.grad_fn], set()
        while todo:
            f = todo.pop()
            if f is None or f in seen:
                continue
            seen.add(f)
            if type(f).__name__ != "AccumulateGrad":
                out.append(_saved(f))
            todo += [n for n, _ in f.next_functions]
        return out
    assert run(glasstorch) == run(torch)


def test_saved_reduction_values_are_tensors_where_torch_keeps_them():
    same_outcome(lambda m: m.nn.functional.mse_loss(m.ones(3, requires_grad=True), m.zeros(3)).grad_fn._saved_target)


# ---- div with rounding_mode=None written out: DivBackward2 -----------------------------------------
DIVS = {
    "method_none_scalar": lambda m, a, b: a.div(2, rounding_mode=None),
    "method_none_tensor": lambda m, a, b: a.div(b, rounding_mode=None),
    "fn_none": lambda m, a, b: m.div(a, b, rounding_mode=None),
    "divide_none": lambda m, a, b: m.divide(a, 3, rounding_mode=None),
    "method_divide_none": lambda m, a, b: a.divide(b, rounding_mode=None),
    "inplace_none": lambda m, a, b: (a * 1).div_(b, rounding_mode=None),
    "inplace_divide_none": lambda m, a, b: (a * 1).divide_(2.5, rounding_mode=None),
    "zero_d_none": lambda m, a, b: a.div(b[0].detach(), rounding_mode=None),
    "floor": lambda m, a, b: a.div(b, rounding_mode="floor"),
    "trunc_scalar": lambda m, a, b: m.div(a, 2, rounding_mode="trunc"),
    "plain": lambda m, a, b: a.div(b),
    "plain_scalar": lambda m, a, b: a / 2,
    "true_divide": lambda m, a, b: m.true_divide(a, b),
    "bad_mode": lambda m, a, b: a.div(b, rounding_mode="round"),
}
A = np.array([1.5, -2.25, 3.0, 0.5])
B = np.array([0.5, 4.0, -1.5, 2.0])


@pytest.mark.parametrize("name", sorted(DIVS))
def test_div_rounding_mode_node(name):
    same_result_or_error(DIVS[name], [A, B])


@pytest.mark.parametrize("name", sorted(DIVS))
def test_div_rounding_mode_saved(name):
    def run(m):
        a = m.from_numpy(A.copy()).requires_grad_()
        b = m.from_numpy(B.copy()).requires_grad_()
        try:
            return _saved(DIVS[name](m, a, b).grad_fn)
        except RuntimeError as e:
            return str(e)
    got, want = run(glasstorch), run(torch)
    assert got == want


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-5, 5).filter(lambda v: abs(v) > 0.1), min_size=2, max_size=6),
       st.sampled_from([np.float32, np.float64]), st.booleans())
def test_div_none_mode_values_and_grads(vals, dt, scalar):
    a = np.array(vals, dtype=dt)
    b = np.array(vals[::-1], dtype=dt)
    fn = (lambda m, x, y: x.div(1.7, rounding_mode=None) * y) if scalar else \
        (lambda m, x, y: m.div(x, y, rounding_mode=None))
    same_on_both(fn, [a, b])


def test_div_none_mode_gradcheck():
    x = glasstorch.tensor([1.5, -2.0, 0.75], dtype=glasstorch.float64, requires_grad=True)
    y = glasstorch.tensor([0.5, 3.0, -1.25], dtype=glasstorch.float64, requires_grad=True)
    assert gradcheck(lambda a, b: glasstorch.div(a, b, rounding_mode=None), (x, y))
    assert gradgradcheck(lambda a, b: glasstorch.div(a, b, rounding_mode=None), (x, y))


def test_div_signature_shows_none():
    import inspect
    assert str(inspect.signature(glasstorch.Tensor.div)).endswith("rounding_mode=None)")


def test_div_floor_saves_its_operands():
    """torch keeps floor/trunc division's operands, so changing one in place breaks backward there too."""
    def run(m):
        a = m.tensor([1.5, -2.0], requires_grad=True)
        b = m.tensor([0.5, 3.0], requires_grad=True) * 1
        y = a.div(b, rounding_mode="floor")
        b.mul_(2)
        y.sum().backward()
        return a.grad
    same_outcome(run)


# ---- a number operand saved as torch's wrapped 0-d tensor --------------------------------------------
WRAPPED = {
    "mul_int": lambda m, a: a * 2,
    "mul_float": lambda m, a: a * 2.5,
    "mul_bool": lambda m, a: a * True,
    "mul_complex": lambda m, a: a * (1 + 2j),
    "rmul": lambda m, a: 2 * a,
    "div_int": lambda m, a: a.div(3),
    "div_float": lambda m, a: a / 2.0,
    "div_none_mode": lambda m, a: a.div(2, rounding_mode=None),
    "div_floor": lambda m, a: a.div(2, rounding_mode="floor"),
    "mul_inplace": lambda m, a: (a * 1).mul_(3),
    "half": lambda m, a: a.half() * 2,
    "double": lambda m, a: a.double() * 2,
}


@pytest.mark.parametrize("name", sorted(WRAPPED))
def test_saved_number_operand_is_wrapped_tensor(name):
    def run(m):
        a = m.tensor([1.0, -2.0, 3.0], requires_grad=True)
        fn = WRAPPED[name](m, a).grad_fn
        o = fn._saved_other
        return (type(fn).__name__, repr(o), str(o.dtype), o.requires_grad, fn._saved_other is o, o._version,
                o.grad_fn is None, o.is_leaf)
    assert run(glasstorch) == run(torch)


# ---- indexing with any Python sequence (a random_split Subset of indices) ---------------------------
class _Seq:
    """A minimal user sequence: __len__ and __getitem__, nothing else."""
    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class _NoLen:
    def __getitem__(self, i):
        if i < 3:
            return i
        raise IndexError


def _subset(m, n, k):
    m.manual_seed(0)
    return m.utils.data.random_split(np.arange(n), [n - k, k])


SEQ_INDEX = {
    "subset_long": lambda m, x: x[_subset(m, 20, 3)[0]],
    "subset_short": lambda m, x: x[_subset(m, 20, 3)[1]],
    "subset_in_tuple": lambda m, x: x[_subset(m, 20, 3)[1], 1],
    "subset_then_slice": lambda m, x: x[:, _Seq([1, 0])],
    "ints": lambda m, x: x[_Seq([1, 2, 3])],
    "numpy_ints": lambda m, x: x[_Seq([np.int64(4), np.int64(0)])],
    "floats": lambda m, x: x[_Seq([1.0, 2.0])],
    "negative": lambda m, x: x[_Seq([-1, -2])],
    "bools": lambda m, x: x[_Seq([True, False] * 10)],
    "empty": lambda m, x: x[_Seq([])],
    "nested": lambda m, x: x[_Seq([[0, 1], [1, 0]])],
    "with_slice": lambda m, x: x[_Seq([slice(0, 2), 1])],
    "with_none": lambda m, x: x[_Seq([None, 0])],
    "with_tensor": lambda m, x: x[_Seq([m.tensor([0, 1]), 1])],
    "out_of_bounds": lambda m, x: x[_Seq([200])],
    "strs": lambda m, x: x[_Seq(["a"])],
    "no_len": lambda m, x: x[_NoLen()],
    "dict": lambda m, x: x[{0: 1}],
    "setitem": lambda m, x: [y := x.clone(), y.__setitem__(_subset(m, 20, 5)[1], -1.0), y][-1],
    "setitem_grad": lambda m, x: [y := x * 1, y.__setitem__(_Seq([0, 3]), 0.0), y][-1],
}


@pytest.mark.parametrize("name", sorted(SEQ_INDEX))
def test_index_with_python_sequence(name):
    same_result_or_error(SEQ_INDEX[name], [np.arange(40.0).reshape(20, 2)])


@pytest.mark.parametrize("name", ["with_slice", "with_none", "nested", "subset_long"])
def test_index_with_python_sequence_warnings(name):
    def run(m):
        import warnings
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            SEQ_INDEX[name](m, m.arange(40.0).view(20, 2))
        return [(c.category.__name__, str(c.message)) for c in w]
    assert run(glasstorch) == run(torch)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-6, 5), min_size=0, max_size=40))
def test_index_with_python_sequence_hypothesis(idx):
    same_result_or_error(lambda m, x: x[_Seq(idx)] * 2, [np.arange(18.0).reshape(6, 3)])
