"""Losses given operands of two dtypes, integer operands, wrong class weights and other common
mistakes: torch's result dtype (mse and smooth L1 promote; BCE-with-logits takes the target's
dtype; huber and BCE refuse), or torch's exception type and message.  Also MultiheadAttention's
shape asserts, flatten/unflatten of 0-d tensors, mean's dtype= and arange's sign check."""
import warnings

import numpy as np
import pytest
import torch

from ._helpers import same_error, same_on_both, same_outcome

DTYPES = ["float32", "float64", "float16", "int64", "bool"]
LOSSES = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
          "binary_cross_entropy_with_logits", "soft_margin_loss", "kl_div", "poisson_nll_loss"]


def _both(fn):
    """The same tensors (or the same error) from ``fn(module)`` on torch and glasstorch (float16 within
    its rounding)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            half = "16" in str(fn(torch).dtype)
        except Exception:      # noqa: BLE001
            half = False
    same_outcome(fn, rtol=1e-3 if half else 2e-7)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("xd", DTYPES)
@pytest.mark.parametrize("td", DTYPES)
def test_loss_operand_dtypes(loss, xd, td):
    x = np.array([0.25, 0.5, 0.75])
    t = np.array([0.0, 1.0, 1.0])

    def fn(m):
        xi = m.from_numpy(x.copy()).to(getattr(m, xd) if xd != "bool" else m.bool)
        ti = m.from_numpy(t.copy()).to(getattr(m, td) if td != "bool" else m.bool)
        return getattr(m.nn.functional, loss)(xi, ti)
    _both(fn)


@pytest.mark.parametrize("loss", ["mse_loss", "smooth_l1_loss", "binary_cross_entropy_with_logits"])
@pytest.mark.parametrize("xd,td", [("float32", "float64"), ("float64", "float32")])
def test_mixed_dtype_loss_gradients(loss, xd, td):
    # the gradient of each operand comes back in its own dtype
    x = np.array([0.25, -1.5, 0.75], dtype=xd)
    t = np.array([0.0, 1.0, 0.5], dtype=td)
    same_on_both(lambda m, a, b: getattr(m.nn.functional, loss)(a, b), [x, t], rtol=1e-6, grad_rtol=1e-6)


@pytest.mark.parametrize("expr", [
    "F.mse_loss(t.zeros(2, 3), t.zeros(3, 2))",
    "F.cross_entropy(t.zeros(2, 3), t.tensor(1))",
    "F.nll_loss(t.zeros(1, 3), t.tensor(1))",
    "F.cross_entropy(t.zeros(2, 3), t.tensor([1, 2]), weight=t.ones(4))",
    "F.nll_loss(t.zeros(2, 3), t.tensor([1, 2]), weight=t.ones(2, 2))",
    "F.nll_loss(t.zeros(3), t.tensor(1), weight=t.ones(4))",
    "F.nll_loss(t.zeros(2, 3, 4), t.zeros(2, 4).long(), weight=t.ones(4))",
    "F.nll_loss(t.zeros(2, 3, 4, 4), t.zeros(2, 4, 4).long(), weight=t.ones(4))",
    "F.nll_loss(t.zeros(2, 3, 4, 4), t.zeros(2, 4, 4).long(), weight=t.ones(3).double())",
    "F.cross_entropy(t.zeros(2, 3), t.full((2, 3), 0.2), weight=t.ones(4))",
    "F.cross_entropy(t.zeros(2, 3), t.full((2, 3), 0.2), weight=t.ones(3).double())",
    "F.cross_entropy(t.zeros(2, 3), t.tensor([1, 2]), weight=t.ones(3).double(), label_smoothing=0.1)",
    "F.cross_entropy(t.zeros(2, 3), t.tensor([1, 2]), weight=t.ones(3).half())",
    "F.nll_loss(t.zeros(2, 3), t.tensor([1, 2]), weight=t.ones(3, dtype=t.long))",
    "F.binary_cross_entropy(t.full((3,), 0.5), t.zeros(3), weight=t.ones(3, dtype=t.float64))",
    "F.binary_cross_entropy_with_logits(t.zeros(3), t.zeros(3), weight=t.ones(3, dtype=t.float64))",
    "F.binary_cross_entropy_with_logits(t.zeros(3), t.zeros(3), pos_weight=t.ones(3, dtype=t.float64))",
    "F.binary_cross_entropy_with_logits(t.zeros(3), t.zeros(3).int())",
    "nn.GroupNorm(2, 4)(t.zeros(1, 3, 2))",
    "nn.MultiheadAttention(9, 3)(t.zeros(2, 4, 9), t.zeros(2, 4, 8), t.zeros(2, 4, 9))",
    "nn.MultiheadAttention(9, 3)(t.zeros(2, 4, 9), t.zeros(2, 4, 9), t.zeros(2, 3, 9))",
    "nn.MultiheadAttention(9, 3, kdim=5, vdim=7)(t.zeros(2, 4, 9), t.zeros(2, 3, 5), t.zeros(2, 4, 7))",
    "nn.MultiheadAttention(9, 3)(t.zeros(2, 4, 9), t.zeros(2, 4, 9), t.zeros(2, 4, 9), key_padding_mask=t.zeros(3, 3))",
    "nn.MultiheadAttention(9, 3)(t.zeros(2, 4, 9), t.zeros(2, 4, 9), t.zeros(2, 4, 9), key_padding_mask=t.zeros(4, 3))",
    "nn.MultiheadAttention(9, 3)(t.zeros(2, 4, 9), t.zeros(2, 4, 9), t.zeros(2, 4, 9), key_padding_mask=t.zeros(4))",
    "nn.MultiheadAttention(9, 3)(t.zeros(2, 4, 9), t.zeros(2, 4, 9), t.zeros(2, 4, 9), attn_mask=t.zeros(3))",
    "nn.MultiheadAttention(9, 3)(t.zeros(1, 2, 4, 9), t.zeros(1, 2, 4, 9), t.zeros(1, 2, 4, 9))",
    "nn.MultiheadAttention(9, 3)(t.zeros(4, 9), t.zeros(4, 9, 1), t.zeros(4, 9))",
    "nn.MultiheadAttention(9, 3)(t.zeros(4, 9), t.zeros(4, 9), t.zeros(4, 9), attn_mask=t.zeros(2, 4, 4))",
    "nn.MultiheadAttention(9, 3)(t.zeros(4, 9), t.zeros(4, 9), t.zeros(4, 9), key_padding_mask=t.zeros(1, 4))",
    "t.flatten(t.zeros(()), 1)",
    "t.zeros(()).flatten(0, 1)",
    "nn.Flatten()(t.zeros(()))",
    "t.zeros(()).flatten(-1, 0)",
    "t.zeros(()).unflatten(0, (1,))",
    "t.tensor([1., 2.]).mean(dtype=t.long)",
    "t.tensor([1, 2]).mean(dtype=t.float64)",
    "t.tensor([1, 2]).mean()",
    "t.arange(0, 10, -1)",
    "t.arange(10, 0, 1)",
])
def test_common_mistakes(expr):
    def fn(m):
        t, nn, F = m, m.nn, m.nn.functional  # noqa: F841  (names the expression uses)
        m.manual_seed(0)
        out = eval(expr)
        return out[0] if isinstance(out, tuple) else out
    _both(fn)


def test_huber_backward_refuses_two_dtypes():
    # torch's huber forward takes a float64 target for a float32 input; its backward does not
    def fn(m):
        x = m.tensor([0.25, -1.5, 3.0], requires_grad=True)
        m.nn.functional.huber_loss(x, m.tensor([0.0, 1.0, 0.5], dtype=m.float64)).backward()
    same_error(fn)
