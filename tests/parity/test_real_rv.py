"""Parity pins for real_rv (course labs run unchanged on torch and on glasstorch: MIT 6.S191's PyTorch
labs with the mitdeeplearning package, jcjohnson/pytorch-examples, udlbook notebooks, the
Practical_DL PyTorch seminars).

Fixed in glasstorch:
- ``nn.Module.__call__`` runs ``forward`` two frames below the caller, as torch's
  ``_wrapped_call_impl`` -> ``_call_impl`` do, so a stacklevel-counted warning raised in ``forward``
  lands where torch's does: ``nn.Softmax()``/``nn.LogSoftmax()``/``nn.Softmin()`` without ``dim``
  warn inside the library (once per process under the default filter), not at every user line
  that calls the layer (Practical_DL week03's ``how_to_shoot_yourself_in_the_foot_with_cnn`` net
  and MIT lab2's ``nn.Softmax``, found probing ``nn.Softmax()`` after them; nn/modules/module.py).
- ``np.sum(t)`` / ``np.mean(t)`` (NumPy calls ``t.sum(axis=None, out=None)``) and any unknown keyword of
  ``Tensor.sum``/``Tensor.mean`` are refused in torch's parser words ("sum() got an unexpected keyword
  argument 'axis'", "received an invalid combination ...") instead of Python's "... 'out'" and
  "TensorMath.mean() ..."; ``keepdims`` that is not a bool, or given with ``keepdim``, is refused as
  torch does, and a refusal shows ``keepdims=`` as spelled.  The methods take NumPy's names as
  ``**numpy_names`` so the call on the stack keeps them as passed, and the refusal reader includes
  a method's ``**kwargs`` (ops/_hot.py, _tensor_math.py, ops/reduction.py, ops/_no_dim.py,
  _arg_refuse.py).  Found probing NumPy calls on tensors after the udlbook/6.S191 training loops.
- Python's own refusals of a Tensor method's arguments name it as torch does: "tril() got an
  unexpected keyword argument 'k'" (torch's C++ methods), "Tensor.unique() ..." (its Python ones),
  not "TensorViews.tril()" (new _tensor_qualnames.py, called from _tensor.py); ``uniform_``,
  ``random_``, ``type`` and ``is_pinned`` no longer accept any keyword silently (_tensor_random.py,
  _tensor_convert.py).
- ``x.sum(dtype=...)``/``mean``/``nansum`` with a float dtype reduce the converted tensor in torch's
  order (torch's make_reduction converts first): a float64 tensor summed with dtype=torch.float32 is
  bit for bit ``x.float().sum()`` (was NumPy's pairwise order; ops/reduction.py).  Found checking
  the hypothesis test of the NumPy-named reductions.
- a float32 ``nn.LSTM`` with ``proj_size`` warns once per process, as torch's lstm_input does, "LSTM
  with projections is not supported with oneDNN. Using default implementation." (not for float64 or
  a packed batch), at the nn module's line that runs the kernel (nn/_ops/rnn.py).  Found probing LSTM
  variants after 6.S191 lab1's LSTM.

Checked and left: the jcjohnson two-layer nets, 6.S191 lab1/lab2 and the udlbook MNIST-1D trainings
agree to the last digits at first and drift by float noise after hundreds of SGD/Adam steps (BLAS
matmul rounding, amplified by ReLU kinks and high learning rates).
"""
import sys
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_result_or_error

MODS = (torch, glasstorch)


# ---- where a warning raised inside forward lands ------------------------------------------------
def _where(fn):
    """Where each warning ``fn()`` gives points: this file's line (relative to the call) or 'library'."""
    here = sys._getframe(1).f_lineno
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [(w.category.__name__, str(w.message),
             w.lineno - here if w.filename == __file__ else "library") for w in caught]


SOFT = {
    "Softmax": lambda m: m.nn.Softmax(),
    "LogSoftmax": lambda m: m.nn.LogSoftmax(),
    "Softmin": lambda m: m.nn.Softmin(),
    "Sequential(Linear, Softmax)": lambda m: m.nn.Sequential(m.nn.Linear(3, 3), m.nn.Softmax()),
}


@pytest.mark.parametrize("name", sorted(SOFT))
@pytest.mark.parametrize("hooked", [False, True])
def test_implicit_dim_warning_lands_in_the_library(name, hooked):
    out = []
    for m in MODS:
        m.manual_seed(0)
        layer = SOFT[name](m)
        if hooked:
            layer.register_forward_hook(lambda mod, args, res: None)
        x = m.randn(2, 3)
        out.append(_where(lambda: layer(x)))
    assert out[0] == out[1]


def test_implicit_dim_functional_warning_stays_at_the_caller():
    out = [_where(lambda: m.nn.functional.softmax(m.ones(2, 3))) for m in MODS]
    assert out[0] == out[1]


@pytest.mark.parametrize("level", [2, 3, 4, 5])
def test_user_forward_stacklevel_counts_torchs_frames(level):
    """A user's forward warning with stacklevel=4 reaches the line that called the module, as in torch."""
    out = []
    for m in MODS:
        class Noisy(m.nn.Module):
            def forward(self, x):
                warnings.warn("noisy forward", UserWarning, stacklevel=level)
                return x * 2
        net = Noisy()
        seq = m.nn.Sequential(Noisy())
        out.append((_where(lambda: net(m.ones(2))), _where(lambda: seq(m.ones(2)))))
    assert out[0] == out[1]


def test_implicit_dim_warns_once_per_process_location():
    """Under the default filter, torch shows the module's warning once however many lines call it."""
    out = []
    for m in MODS:
        layer = m.nn.Softmax()
        x = m.ones(2, 3)
        with warnings.catch_warnings(record=True) as caught:
            warnings.resetwarnings()
            warnings.simplefilter("default")
            for _ in range(3):
                layer(x)
            layer(x)
        out.append(len([w for w in caught if "Implicit dimension" in str(w.message)]))
    assert out[0] == out[1]


# ---- NumPy's reductions on a tensor, and keywords a method does not take ------------------------
X = np.array([[1.0, 5.0, 2.0], [3.0, 4.0, 0.0]], dtype=np.float32)

REFUSED = [
    lambda m, x: np.sum(x),
    lambda m, x: np.sum(x, axis=0),
    lambda m, x: np.sum(x, keepdims=True),
    lambda m, x: np.sum(x, dtype=np.float32),
    lambda m, x: np.mean(x),
    lambda m, x: np.mean(x, axis=1),
    lambda m, x: np.mean(x, dtype=np.float64),
    lambda m, x: x.sum(out=None),
    lambda m, x: x.sum(0, out=None),
    lambda m, x: x.sum(axis=None, out=None),
    lambda m, x: x.sum(foo=1),
    lambda m, x: x.sum(axis=0, foo=1),
    lambda m, x: x.sum(dtype=m.float64, out=None),
    lambda m, x: x.mean(out=None),
    lambda m, x: x.mean(0, out=None),
    lambda m, x: x.mean(foo=1),
    lambda m, x: x.mean(axis=0, foo=1, bar=2),
    lambda m, x: x.sum(0, keepdims=1),
    lambda m, x: x.sum(0, keepdims=np.bool_(True)),
    lambda m, x: x.sum(0, keepdims=m.tensor(True)),
    lambda m, x: x.mean(0, keepdims=1),
    lambda m, x: x.sum(axis=0, keepdim=True, keepdims=False),
    lambda m, x: x.sum(dim=0, keepdim=False, keepdims=True),
    lambda m, x: x.mean(1, keepdim=True, keepdims=True),
    lambda m, x: x.sum(keepdims=True),
    lambda m, x: x.mean(keepdims=True),
    lambda m, x: x.sum(keepdims=None),
    lambda m, x: x.mean(keepdims=None),
    lambda m, x: x.sum(axis=None, keepdims=None),
    lambda m, x: m.sum(x, 0, keepdims=1),
    lambda m, x: m.sum(x, axis=0, keepdim=True, keepdims=False),
    lambda m, x: m.mean(x, 0, keepdims=1),
    lambda m, x: m.mean(x, axis=0, keepdim=True, keepdims=True),
    lambda m, x: m.sum(x, keepdims=True),
    lambda m, x: m.mean(x, keepdims=True),
]


@pytest.mark.parametrize("i", range(len(REFUSED)))
def test_reduction_keywords_refused_as_torch(i):
    same_result_or_error(REFUSED[i], [X])


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), keep=st.sampled_from([None, True, False]),
       data=st.data())
def test_numpy_named_reductions_values_and_grads(shape, keep, data):
    """``x.sum(axis=, keepdims=)`` and ``x.mean(...)`` (NumPy's names, torch's parser takes them)."""
    axis = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1),
                               st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape),
                                        unique=True).map(tuple)))
    kw = {"axis": axis} if axis is not None else {}
    if keep is not None and axis is not None:
        kw["keepdims"] = keep
    a = np.random.default_rng(len(shape)).standard_normal(shape)
    same_result_or_error(lambda m, x: x.sum(**kw), [a])
    same_result_or_error(lambda m, x: x.mean(**kw), [a], rtol=1e-12)
    same_result_or_error(lambda m, x: x.sum(dtype=m.float32, **kw), [a])


UNEXPECTED = ["tril", "triu", "unique", "unique_consecutive", "unflatten", "norm", "split", "to_sparse_coo",
              "is_pinned", "type", "uniform_", "random_", "sum", "mean", "cumsum", "clip", "round", "tolist",
              "zero_", "view", "transpose", "softmax", "argmax", "std"]


@pytest.mark.parametrize("name", UNEXPECTED)
def test_unexpected_keyword_worded_as_torch(name):
    """Where torch's refusal of an unknown keyword is "name() got an unexpected keyword argument" (or
    "Tensor.name()" for its Python-level methods), glasstorch's is word for word."""
    def call(m):
        return getattr(m.ones(2, 2), name)(foo_bar=1)
    try:
        call(torch)
    except TypeError as e:
        want = str(e)
    else:
        pytest.fail("torch took foo_bar")
    with pytest.raises(TypeError) as got:
        call(glasstorch)
    if "got an unexpected keyword argument" in want:
        assert str(got.value) == want
    else:       # torch's other words (missing arguments, overloads): glasstorch refuses too, in Python's
        assert "foo_bar" in str(got.value) or str(got.value) == want


def test_every_single_overload_unexpected_keyword_matches():
    """A sweep over Tensor's public methods: each one torch refuses with "...() got an unexpected keyword
    argument 'foo_bar'" is refused by glasstorch in the same words."""
    wrong = []
    for name in dir(torch.Tensor):
        if name.startswith("_") or not callable(getattr(torch.Tensor, name, None)):
            continue
        if not hasattr(glasstorch.Tensor, name):
            continue
        msgs = []
        for m in MODS:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    getattr(m.ones(2, 2), name)(foo_bar=1)
                msgs.append(None)
            except Exception as e:      # noqa: BLE001 - the words are what is compared
                msgs.append(f"{type(e).__name__}: {e}")
        if msgs[0] and "got an unexpected keyword argument 'foo_bar'" in msgs[0] and msgs[0] != msgs[1]:
            wrong.append(f"{name}: torch {msgs[0]!r} glasstorch {msgs[1]!r}")
    assert not wrong, "\n".join(wrong)


# ---- a sum with dtype= reduces the converted tensor in torch's order ----------------------------
@settings(max_examples=60, deadline=None)
@given(shape=st.lists(st.integers(1, 40), min_size=1, max_size=3),
       pair=st.sampled_from([(np.float64, "float32"), (np.float32, "float64"), (np.int64, "float32"),
                             (np.float16, "float32"), (np.int32, "float64")]),
       fn=st.sampled_from(["sum", "nansum", "mean"]), keep=st.booleans(), data=st.data())
def test_reduction_with_dtype_sums_the_converted_tensor(shape, pair, fn, keep, data):
    """torch's make_reduction converts the input to ``dtype`` first, then reduces it as a tensor of that
    dtype: x.sum(dtype=torch.float32) of a float64 x is x.float().sum(), bit for bit."""
    src, dst = pair
    if fn == "mean" and np.dtype(src).kind == "i":
        return
    dim = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    a = (np.random.default_rng(sum(shape)).standard_normal(shape) * 10).astype(src)
    if dim is None:
        same_result_or_error(lambda m, x: getattr(x, fn)(dtype=getattr(m, dst)), [a], grad=False)
    else:
        same_result_or_error(lambda m, x: getattr(x, fn)(dim, keepdim=keep, dtype=getattr(m, dst)), [a],
                             grad=False)
    same_result_or_error(lambda m, x: getattr(m, fn)(x, dtype=getattr(m, dst)), [a], grad=False)


# ---- LSTM with projections on float32: torch's once-per-process oneDNN warning ------------------
LSTM_PROJ = """
import sys, warnings
import {lib} as torch
warnings.simplefilter("always")
torch.manual_seed(0)
l = torch.nn.LSTM(5, 4, proj_size=3{extra})
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for _ in range(2):
        try:
            l({x})
        except Exception as e:
            print(type(e).__name__, e)
print([(w.category.__name__, str(w.message), w.filename.endswith("rnn.py")) for w in caught])
"""


@pytest.mark.parametrize("extra, x", [
    ("", "torch.randn(6, 2, 5)"),
    ("", "torch.randn(6, 5)"),
    (", dtype=torch.float64", "torch.randn(6, 2, 5, dtype=torch.float64)"),
    ("", "torch.nn.utils.rnn.pack_padded_sequence(torch.randn(3, 2, 5), [3, 2])"),
])
def test_lstm_projection_warning_once(extra, x):
    import subprocess
    out = [subprocess.run([sys.executable, "-c", LSTM_PROJ.format(lib=lib, extra=extra, x=x)], capture_output=True,
                          text=True, timeout=120).stdout for lib in ("torch", "glasstorch")]
    assert out[0] == out[1]
