"""Parity pins for real_rq (Sebastian Raschka's deeplearning-models notebooks and the STAT453 lecture code).

Fixed in glasstorch:
- ``torch.__version__`` compares as torch's ``TorchVersion`` does: the other operand (a string, or an
  iterable joined with dots) is read as a PEP 440 version (epoch, pre-, post-, dev-releases, local
  part, ``v`` prefix, surrounding space, case); where it is no valid version (``'parrot'``, a
  ``distutils`` ``LooseVersion``, a number) the comparison falls back to ``str``'s, so Python tries the
  other operand's reflected method: ``torch.__version__ <= LooseVersion("1.7")`` is False instead of
  "'LooseVersion' object is not iterable", and ``> 3`` is torch's TypeError (STAT453 L10-L12
  ``helper_evaluation.py``) (torch_version.py);
- indexing a 0-dim tensor raises torch's message for the index's form: a lone slice "slice() cannot
  be applied to a 0-dim tensor.", a lone int other than 0 "index i is out of bounds for dimension 0
  with size 0", a lone 0 the "invalid index of a 0-dim tensor" hint, anything else (a tuple, a list,
  an index tensor) "too many indices for tensor of dimension 0"; every case was the 0-dim hint
  (STAT453 L08 softmax-regression_scratch's sums, probed as ``t.sum(0)[:2]``) (ops/index_parse.py);
- an exception raised by the dataset (or ``worker_init_fn``) in a DataLoader with ``num_workers > 0``
  comes back as torch's ``ExceptionWrapper`` re-raises it: same type, message "Caught <Type> in
  DataLoader worker process <id>.\nOriginal Traceback ...", a KeyError's message unquoted, a type
  that cannot take one message a RuntimeError; an init failure arrives with that worker's first batch
  (deeplearning-models mechanics/validation-splits) (utils/data/_worker_errors.py, _workers.py);
- the "modified by an inplace operation" error prints a saved *output*'s sizes as they were when the
  node saved it (torch keeps a shallow copy), so ``output.squeeze_(0)`` after an LSTM names
  ``[1, 1, 100]``, not ``[1, 100]``; a saved input keeps its current sizes (STAT453 L19 char-rnn)
  (autograd/graph.py).
"""
import operator
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_on_both, same_outcome, same_result_or_error, same_error

OPS = [operator.gt, operator.ge, operator.lt, operator.le, operator.eq, operator.ne]


def _outcome(fn):
    try:
        return repr(fn())
    except Exception as e:            # noqa: BLE001 - torch's exception is the expectation
        return f"{type(e).__name__}: {e}"


def _same_version_cmp(other):
    for op in OPS:
        want = _outcome(lambda: op(torch.__version__, other))
        got = _outcome(lambda: op(glasstorch.__version__, other))
        assert got == want, (op.__name__, other, want, got)
        want = _outcome(lambda: op(other, torch.__version__))
        got = _outcome(lambda: op(other, glasstorch.__version__))
        assert got == want, ("reflected", op.__name__, other, want, got)


def _loose(v):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from distutils.version import LooseVersion
        return LooseVersion(v)


@pytest.mark.parametrize("other", [
    "1.7", "2.13", "2.13.0", "2.13.0+cpu", "2.13.0+CPU", "2.13.0+cu121", "2.13+cpu", "2.13.0.0", "2.13.1",
    "2.13.0rc1", "2.13.0.dev0", "2.13.0.post1", "2.13.0-1", "2.13.0a", "2.13.0beta2", "2.14.0.dev20250101",
    "1!1.0", "V2.13", " 2.13 ", "parrot", "2.x", "", "2.13.0+", "2.13.0+cpu.1", "2.13.0+1",
    (2, 13), (2, 13, 0), [2, 14], (1,), ("a",), (), 3, 2.5, None, b"2.0",
])
def test_version_compares_like_torch(other):
    _same_version_cmp(other)


@pytest.mark.parametrize("v", ["1.7", "2.13.0", "3.0", "2.13.0+cpu", "parrot"])
def test_version_against_looseversion(v):
    _same_version_cmp(_loose(v))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=4),
       st.sampled_from(["", "a1", "b2", "rc1", ".post2", ".dev3", "rc1.dev1", ".post1.dev0", "+cpu", "+cu118", "+1.a"]))
def test_version_random_strings(release, suffix):
    _same_version_cmp(".".join(map(str, release)) + suffix)


# ---- indexing a 0-dim tensor: torch's message depends on the index's form
ZERO_DIM_INDEXES = {
    "int0": lambda: 0, "int1": lambda: 1, "int-1": lambda: -1, "np_int0": lambda: np.int64(0),
    "np_int3": lambda: np.int64(3), "slice": lambda: slice(None, 2), "slice_full": lambda: slice(None),
    "slice_step": lambda: slice(None, None, 2), "tuple_int": lambda: (0,), "tuple_slice": lambda: (slice(None),),
    "none_slice": lambda: (None, slice(None)), "ellipsis_int": lambda: (Ellipsis, 1), "list": lambda: [0],
    "none": lambda: None, "ellipsis": lambda: Ellipsis, "true": lambda: True, "false": lambda: False,
    "empty_tuple": lambda: (), "none_none": lambda: (None, None), "two_ints": lambda: (0, 0),
}


@pytest.mark.parametrize("name", sorted(ZERO_DIM_INDEXES))
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_zero_dim_getitem_errors(name, dtype):
    ix = ZERO_DIM_INDEXES[name]
    same_outcome(lambda m: m.tensor(3, dtype=getattr(m, dtype))[ix()])


@pytest.mark.parametrize("name", sorted(ZERO_DIM_INDEXES))
def test_zero_dim_setitem_errors(name):
    def fn(m):
        t = m.tensor(3.5)
        t[ZERO_DIM_INDEXES[name]()] = 7.0
        return t
    same_outcome(fn)


@pytest.mark.parametrize("kind", ["int", "index_tensor", "int_tensor0"])
def test_zero_dim_index_by_tensor(kind):
    def fn(m):
        ix = {"int": 2, "index_tensor": m.tensor([0]), "int_tensor0": m.tensor(0, dtype=m.int32)}[kind]
        return m.tensor(3.5)[ix]
    same_outcome(fn)


# ---- DataLoader workers: an exception in a worker comes back wrapped, as torch's ExceptionWrapper
class _Failing:
    def __init__(self, exc, at=5):
        self.exc, self.at = exc, at

    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == self.at:
            raise self.exc
        return np.array([i])


class _TwoArgError(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)


def _loader_outcome(m, exc, workers, init=None, batch_size=2):
    dl = m.utils.data.DataLoader(_Failing(exc), batch_size=batch_size, num_workers=workers, worker_init_fn=init)
    try:
        return [b.tolist() for b in dl]
    except Exception as e:                # noqa: BLE001 - the wrapped error is the expectation
        lines = str(e).split("\n")
        return type(e).__name__, lines[:2], lines[-1] if len(lines) > 2 else None


@pytest.mark.parametrize("exc", [lambda: IndexError("index 9 is out of range"), lambda: KeyError("k"),
                                 lambda: ValueError("v"), lambda: _TwoArgError(1, 2), lambda: StopIteration(),
                                 lambda: RuntimeError("")])
@pytest.mark.parametrize("workers", [0, 2])
def test_dataloader_worker_error_is_wrapped(exc, workers):
    got = _loader_outcome(glasstorch, exc(), workers)
    want = _loader_outcome(torch, exc(), workers)
    assert got == want


def _bad_init(worker_id):
    if worker_id == 1:
        raise ValueError("init failed")


def test_dataloader_worker_init_error_comes_with_its_first_batch():
    got = _loader_outcome(glasstorch, ValueError("unused"), 2, init=_bad_init, batch_size=1)
    want = _loader_outcome(torch, ValueError("unused"), 2, init=_bad_init, batch_size=1)
    assert got == want


# ---- the version-counter error prints a saved output's sizes as they were when it was saved
def _inplace_meta_cases():
    def exp_squeeze(m):
        x = m.ones(1, 3, requires_grad=True)
        y = x.exp()
        y.squeeze_(0)
        y.sum().backward()

    def input_squeeze(m):
        x = m.ones(1, 3, requires_grad=True)
        y = x * 2
        z = y.sin()
        y.squeeze_(0)
        z.sum().backward()

    def tanh_t(m):
        x = m.ones(2, 3, requires_grad=True)
        y = x.tanh()
        y.t_()
        y.sum().backward()

    def sigmoid_unsqueeze(m):
        x = m.ones(2, 3, dtype=m.float64, requires_grad=True)
        y = x.sigmoid()
        y.unsqueeze_(0)
        y.sum().backward()

    def lstm_squeeze(m):
        m.manual_seed(0)
        lstm = m.nn.LSTM(4, 5)
        o, _ = lstm(m.ones(1, 1, 4))
        o.squeeze_(0)
        o.sum().backward()

    def gru_transpose(m):
        m.manual_seed(0)
        gru = m.nn.GRU(3, 2, num_layers=2)
        o, _ = gru(m.ones(2, 1, 3))
        o.transpose_(0, 1)
        o.sum().backward()

    def custom_function_output(m):
        class Sq(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x * x
                ctx.save_for_backward(y)
                return y

            @staticmethod
            def backward(ctx, g):
                y, = ctx.saved_tensors
                return g * y
        y = Sq.apply(m.ones(1, 4, requires_grad=True))
        y.squeeze_(0)
        y.sum().backward()
    return [exp_squeeze, input_squeeze, tanh_t, sigmoid_unsqueeze, lstm_squeeze, gru_transpose,
            custom_function_output]


@pytest.mark.parametrize("case", _inplace_meta_cases(), ids=lambda f: f.__name__)
def test_version_error_names_saved_sizes(case):
    try:
        case(torch)
    except RuntimeError:
        same_error(case)
        return
    case(glasstorch)                  # torch saved no output here: glasstorch must not complain either


@pytest.mark.parametrize("workers", [0, 2])
def test_dataloader_worker_error_has_no_chained_context(workers):
    def ctx(m):
        try:
            list(m.utils.data.DataLoader(_Failing(IndexError("boom"), at=0), num_workers=workers))
        except IndexError as e:
            return type(e.__context__).__name__ if e.__context__ is not None else None
    assert ctx(glasstorch) == ctx(torch)
