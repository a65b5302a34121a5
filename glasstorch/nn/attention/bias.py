"""``torch.nn.attention.bias``: causal masks that ``F.scaled_dot_product_attention`` understands.

    causal_upper_left(L, S):   keep[i, j] = j <= i              (what ``is_causal=True`` means)
    causal_lower_right(L, S):  keep[i, j] = j <= i + (S - L)    (the diagonal ends in the last corner:
                                                                  the mask of L new queries over a KV cache)

Like torch's, a ``CausalBias`` is a Tensor subclass made by ``Tensor.__new__`` from its three arguments
(so its own data is an uninitialised (variant, L, S) tensor nobody reads); it prints as its materialised
bool mask.  ``scaled_dot_product_attention`` hands a CausalBias mask to ``CausalBias._dispatch``.
"""
import warnings
from enum import IntEnum

from ..._tensor import Tensor

__all__ = ["causal_upper_left", "causal_lower_right", "CausalVariant", "CausalBias"]


class CausalVariant(IntEnum):
    """Where the causal triangle is anchored: the upper-left or the lower-right corner."""
    UPPER_LEFT = 1
    LOWER_RIGHT = 2


class CausalBias(Tensor):
    """A causal mask of ``seq_len_q`` queries over ``seq_len_kv`` keys, kept symbolic until used."""

    def __init__(self, variant, seq_len_q, seq_len_kv):
        if not isinstance(variant, CausalVariant):
            raise AssertionError(f"variant must be a CausalVariant, got {type(variant).__name__}")
        super().__init__()
        self.variant = variant
        self.seq_len_q = seq_len_q
        self.seq_len_kv = seq_len_kv
        if seq_len_q > seq_len_kv and variant == CausalVariant.LOWER_RIGHT:
            warnings.warn("Lower right causal bias will produce NaNs in the output when seq_len_q > seq_len_kv!",
                          stacklevel=3)

    def _upper_left(self, device):
        g = _g()
        return g.tril(g.ones(self.seq_len_q, self.seq_len_kv, device=device, dtype=g.bool))

    def _lower_right(self, device):
        g = _g()
        keep = g.ones(self.seq_len_q, self.seq_len_kv, device=device, dtype=g.bool)
        return g.tril(keep, diagonal=self.seq_len_kv - self.seq_len_q)

    def _materialize(self, device=None):
        """The bool mask (True = attend) this bias stands for."""
        device = "cpu" if device is None else device
        if self.variant == CausalVariant.UPPER_LEFT:
            return self._upper_left(device)
        if self.variant == CausalVariant.LOWER_RIGHT:
            return self._lower_right(device)
        return None

    @staticmethod
    def _dispatch(query, key, value, attn_mask, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
        """sdpa with this bias: ``is_causal=True`` where the two corners agree, else the materialised mask
        (torch's CPU path: its fused CUDA kernels are not used on CPU)."""
        from .. import functional as F
        if is_causal:
            raise ValueError("CausalBias should not be used with causal=True")
        if attn_mask.seq_len_q == attn_mask.seq_len_kv or attn_mask.variant == CausalVariant.UPPER_LEFT:
            return F.scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=dropout_p,
                                                  is_causal=True, scale=scale, enable_gqa=enable_gqa)
        if attn_mask.variant == CausalVariant.LOWER_RIGHT:
            return F.scaled_dot_product_attention(query, key, value, attn_mask=attn_mask._materialize(query.device),
                                                  dropout_p=dropout_p, is_causal=False, scale=scale,
                                                  enable_gqa=enable_gqa)
        raise ValueError(f"CausalBias.variant must be a CausalVariant type, but found: {attn_mask.variant}")

    def __repr__(self):
        return self._materialize().__repr__()


def _g():
    import glasstorch
    return glasstorch


def causal_upper_left(*size):
    """The UPPER_LEFT bias of ``size`` = (L, S): ``tril(ones(L, S, dtype=bool))``."""
    if len(size) != 2:
        raise AssertionError("causal_upper_left only supports 2D tensors")
    seq_len_q, seq_len_kv = size
    return CausalBias(CausalVariant.UPPER_LEFT, seq_len_q, seq_len_kv)


def causal_lower_right(*size):
    """The LOWER_RIGHT bias of ``size`` = (L, S): ``tril(ones(L, S, dtype=bool), diagonal=S - L)``."""
    if len(size) != 2:
        raise AssertionError("causal_lower_right only supports 2D tensors")
    seq_len_q, seq_len_kv = size
    return CausalBias(CausalVariant.LOWER_RIGHT, seq_len_q, seq_len_kv)
