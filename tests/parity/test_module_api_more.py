"""Sequential's + and * (the same module objects, torch's errors for other operands), pad_sequence as
torch builds it (a filled tensor of the first sequence's dtype into which each is copied: CopySlices,
broadcasting, padding_side), and nn.init / Parameter / Conv2d argument errors."""
import numpy as np
import pytest
import torch

import glasstorch

from ._helpers import same_on_both, same_outcome


def _layers(m):
    return m.nn.Sequential(m.nn.Linear(2, 3), m.nn.ReLU()), m.nn.Sequential(m.nn.Tanh())


@pytest.mark.parametrize("op", ["a + b", "a * 2", "2 * a", "a * 1"])
def test_sequential_arithmetic_reprs(op):
    outs = []
    for m in (torch, glasstorch):
        a, b = _layers(m)      # noqa: F841  (the expression uses them)
        r = eval(op)
        outs.append((repr(r), [id(x) for x in r] == [id(x) for x in (list(a) + list(b) if "+" in op else
                                                                    list(a) * (2 if "2" in op else 1))]))
    assert outs[0] == outs[1]


def test_sequential_in_place_arithmetic():
    outs = []
    for m in (torch, glasstorch):
        a, b = _layers(m)
        a += b
        a *= 2
        outs.append((repr(a), len(a), a[0] is a[3]))
    assert outs[0] == outs[1]


@pytest.mark.parametrize("op", ["a + 1", "a + m.nn.ModuleList([m.nn.ReLU()])", "a * 2.0", "a * 0", "a * -1"])
def test_sequential_arithmetic_errors(op):
    # torch's messages print the classes, whose module path names the library
    errs = []
    for m in (torch, glasstorch):
        a, _ = _layers(m)
        with pytest.raises(Exception) as e:
            eval(op)
        errs.append((type(e.value).__name__, str(e.value).replace("glasstorch.", "torch.")))
    assert errs[0] == errs[1]


@pytest.mark.parametrize("kw", [{}, {"batch_first": True}, {"padding_side": "left"}, {"padding_value": -1.5},
                                {"batch_first": True, "padding_side": "left"}])
def test_pad_sequence_values_grads_and_node(kw):
    rng = np.random.default_rng(0)
    seqs = [rng.standard_normal((n, 3)).astype(np.float32) for n in (2, 4, 1)]
    same_on_both(lambda m, *xs: m.nn.utils.rnn.pad_sequence(list(xs), **kw), seqs)


@pytest.mark.parametrize("expr", [
    "rnn.pad_sequence([])", "rnn.pad_sequence([t.zeros(2), t.zeros(3, 1)])", "rnn.pad_sequence([t.zeros(2, 3), t.zeros(3, 1)])",
    "rnn.pad_sequence([t.zeros(2, 3), t.zeros(3, 2)])", "rnn.pad_sequence([t.zeros(2), t.ones(3, dtype=t.float64)])",
    "rnn.pad_sequence(t.ones(2, 3))", "rnn.pad_sequence(5)", "rnn.pad_sequence([t.zeros(2)], padding_side='up')",
    "t.nn.init.kaiming_normal_(t.zeros(3, 4), mode='foo')", "t.nn.init.kaiming_uniform_(t.zeros(3, 4), mode='foo')",
    "t.nn.init.trunc_normal_(t.zeros(3), a=2, b=-2)", "t.nn.init.trunc_normal_(t.zeros(3), a=2.5, b=-2)",
    "t.nn.Parameter([1., 2.])", "t.nn.Conv2d(3, 4, 3, padding='foo')",
])
def test_api_errors_and_results(expr):
    def fn(m):
        t = m  # noqa: F841
        rnn = m.nn.utils.rnn  # noqa: F841
        m.manual_seed(0)
        return eval(expr)
    same_outcome(fn)


@pytest.mark.parametrize("region", ["out[0:2, 1]", "out[1]", "out.select(1, 2)", "out.t()[1:]"])
def test_copy_into_view_of_plain_tensor_records_copyslices(region):
    # torch gives the base CopySlices (and the view AsStridedBackward0) when a view is written in place
    # with a tensor that needs a gradient, even though the base needed none
    def fn(m, src):
        out = m.zeros(4, 3)
        v = eval(region)
        v.copy_(src.reshape(v.shape) if src.numel() == v.numel() else src)
        return out * m.arange(12.0).reshape(4, 3)
    n = {"out[0:2, 1]": 2, "out[1]": 3, "out.select(1, 2)": 4, "out.t()[1:]": 8}[region]
    same_on_both(fn, [np.arange(1.0, n + 1, dtype=np.float32)])
