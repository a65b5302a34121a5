"""The CPU flash kernel of ``F.scaled_dot_product_attention`` as torch's autograd sees it: one node,
``ScaledDotProductFlashAttentionForCpuBackward0``, where the math kernel leaves a chain of matmul,
softmax and view nodes (``UnsafeViewBackward0`` on top).  torch picks flash on the CPU for 4-d
query/key/value with one head size, rows of unit stride, no dropout, and nonzero sequence lengths; the
numbers are the math kernel's either way (see attention.py), only the graph (and the output's layout,
``empty_like(query)``) differs.

Backward, with P = softmax(S), S = q k^T * scale + mask, out = P v:

    dv = P^T g,   dP = g v^T,   dS = P * (dP - rowsum(dP * P)),   dq = dS k * scale,   dk = dS^T q * scale

torch gives this kernel no double backward, and neither does glasstorch (the same error).
"""
from ...autograd.function import Function
from .attention_gqa import expand_groups, fold_groups

__all__ = ["flash_applies", "flash_attention"]


def flash_applies(query, key, value, attn_mask, dropout_p, enable_gqa):
    from ... import _sdp
    if not _sdp._ENABLED[_sdp.SDPBackend.FLASH_ATTENTION]:
        return False
    if dropout_p != 0.0 or query.dim() != 4 or key.dim() != 4 or value.dim() != 4:
        return False
    from .attention_gqa import heads_fit
    if not heads_fit(query, key, value, enable_gqa) or not _mask_fits(attn_mask, query, key):
        return False
    if not (query.shape[-1] == key.shape[-1] == value.shape[-1]):
        return False
    if query.shape[-2] == 0 or key.shape[-2] == 0 or query.shape[-1] == 0:
        return False
    # the kernel reads rows of q, k and v with unit stride (the mask's layout does not matter)
    if query.stride(-1) != 1 or key.stride(-1) != 1 or value.stride(-1) != 1:
        return False
    return query.is_floating_point()


def laid_out_as_query(out, query):
    """The kernel writes into ``empty_like(query)``: a query that is a transposed (b, n, h, d) buffer, as
    heads split by view + transpose are, gives an output laid out the same way."""
    from ...ops._common import _wrap
    from ...ops._layout import preserve
    arr = preserve(out._data, query._data)
    return out if arr is out._data else _wrap(arr)


def _mask_fits(mask, query, key):
    """torch's check_attn_mask_shape: no grad; last dims (L or 1, S or 1); 2-d, or 4-d with batch and
    heads 1 or full.  It reads the mask's dim -2 first, so a 0-d or 1-d mask raises IndexError."""
    if mask is None:
        return True
    if mask.requires_grad:
        return False
    if mask.dim() < 2:
        raise IndexError("Dimension specified as -2 but tensor has no dimensions" if mask.dim() == 0 else
                         "Dimension out of range (expected to be in range of [-1, 0], but got -2)")
    if mask.shape[-2] not in (query.shape[2], 1) or mask.shape[-1] not in (key.shape[2], 1):
        return False
    if mask.dim() == 2:
        return True
    return mask.dim() == 4 and mask.shape[0] in (1, query.shape[0]) and mask.shape[1] in (1, query.shape[1])


class _FlashAttention(Function):
    @staticmethod
    def forward(ctx, query, key, value, mask, scale, compute):
        ctx.save_for_backward(query, key, value)
        ctx.mask, ctx.scale, ctx.compute = mask, scale, compute
        return laid_out_as_query(compute(query, *expand_groups(query, key, value), mask, scale)[0], query)

    @staticmethod
    def backward(ctx, g):
        import glasstorch
        from ...ops._no_derivative import record_not_implemented
        q, k_grouped, v_grouped = ctx.saved_tensors
        k, v = expand_groups(q, k_grouped, v_grouped)       # grouped-query attention: heads repeated
        scale = ctx.scale
        with glasstorch.no_grad():
            _, p = ctx.compute(q, k, v, ctx.mask, scale)
            dv = glasstorch.matmul(p.transpose(-2, -1), g)
            dp = glasstorch.matmul(g, v.transpose(-2, -1))
            ds = p * (dp - (dp * p).sum(-1, keepdim=True))
            dq = glasstorch.matmul(ds, k) * scale
            dk = glasstorch.matmul(ds.transpose(-2, -1), q) * scale
            dk, dv = fold_groups(dk, k_grouped), fold_groups(dv, v_grouped)
        # torch has no double backward for this kernel: under create_graph the results carry a
        # NotImplemented node that raises torch's message when reached
        op = "_scaled_dot_product_flash_attention_for_cpu_backward"
        dq, dk, dv = (record_not_implemented(op, d, g, q, k, v, forward_ad=False) for d in (dq, dk, dv))
        return dq, dk, dv, None, None, None


_node = _FlashAttention._backward_cls
_node.__name__ = _node.__qualname__ = "ScaledDotProductFlashAttentionForCpuBackward0"
# a generated (built-in) node in torch: name() and repr carry no namespace or module
_node.name = lambda self: "ScaledDotProductFlashAttentionForCpuBackward0"
_node.__repr__ = lambda self: f"<ScaledDotProductFlashAttentionForCpuBackward0 object at {hex(id(self))}>"


def flash_attention(query, key, value, mask, scale, compute):
    """``compute(q, k, v, mask, scale)`` returns (output, attention weights) with ops on tensors."""
    from ...autograd._no_forward_ad import refuse_forward_ad      # no forward formula in torch's derivatives.yaml
    refuse_forward_ad("_scaled_dot_product_flash_attention_for_cpu", query, key, value)
    return _FlashAttention.apply(query, key, value, mask, scale, compute)
