"""Attention built from differentiable ops: ``scaled_dot_product_attention`` and the body of
``nn.MultiheadAttention`` (torch's ``F.multi_head_attention_forward``).

    attention(Q, K, V) = softmax(Q K^T * scale + mask) V,     scale = 1 / sqrt(head_dim)

Masks come in two kinds, and the two functions read a boolean mask *oppositely*, as torch does:
for ``scaled_dot_product_attention`` True means "may attend"; for ``MultiheadAttention``'s
``attn_mask`` and ``key_padding_mask`` True means "masked out".  A float mask is added.
"""
import math
import warnings

import numpy as np

from ... import _sdp


def _g():
    import glasstorch
    return glasstorch


def _bool_to_additive(mask, masked_where_true, dtype):
    """A float mask holding -inf where attention is not allowed, 0 elsewhere."""
    g = _g()
    blocked = mask if masked_where_true else g.logical_not(mask)
    return g.zeros(tuple(mask.shape), dtype=dtype).masked_fill_(blocked, float("-inf"))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(q k^T * scale + mask) v over the last two dims; leading dims are batch dims."""
    g = _g()
    from .attention_flash import flash_applies, flash_attention, laid_out_as_query
    if attn_mask is not None and type(attn_mask) is not g.Tensor:
        from ..attention.bias import CausalBias
        if isinstance(attn_mask, CausalBias):       # torch routes it through CausalBias.__torch_function__
            return CausalBias._dispatch(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)
    _validate_sdpa_input(query, key, value, attn_mask)
    _sdp._check_cpu_kernel()
    flash = flash_applies(query, key, value, attn_mask, dropout_p, enable_gqa)
    # only the math kernel refuses a mask with is_causal; torch's CPU flash kernel applies both
    if is_causal and attn_mask is not None and not flash:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    # GRAD.enabled: whether ops record (never in inference mode, even under enable_grad, as torch's
    # native kernel), not the grad mode a custom Function asks
    from ...autograd.grad_mode import GRAD
    wants_grad = GRAD.enabled and (query.requires_grad or key.requires_grad or value.requires_grad)
    if query.dtype == g.float16 and not (flash and wants_grad):
        # torch computes half attention in float32 and rounds the result once (the math kernel upcasts;
        # the CPU flash kernel accumulates in float too, rounding the softmax numerator to half before
        # P @ V, which this leaves out: its results can differ from torch's in the last half bit)
        mask = attn_mask.float() if attn_mask is not None and attn_mask.is_floating_point() else attn_mask
        return scaled_dot_product_attention(query.float(), key.float(), value.float(), mask, dropout_p, is_causal,
                                            scale, enable_gqa).half()
    L, S = query.shape[-2], key.shape[-2]
    grouped = key, value         # the flash node takes grouped heads as they are (attention_gqa.py)
    if enable_gqa:
        from .attention_gqa import gqa_heads
        key, value = gqa_heads(query, key, value)
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    if attn_mask is not None and attn_mask.dtype == g.bool:
        attn_mask = _bool_to_additive(attn_mask, False, query.dtype)
    if is_causal:
        keep = g.from_numpy(np.tril(np.ones((L, S), dtype=bool)))
        causal = _bool_to_additive(keep, False, query.dtype)
        attn_mask = causal if attn_mask is None else attn_mask + causal
    if flash and wants_grad:
        return flash_attention(query, *grouped, attn_mask, scale, _attend)
    attend = _attend if flash else _attend_math
    if dropout_p <= 0.0:
        out = attend(query, key, value, attn_mask, scale)[0]
        return laid_out_as_query(out, query) if flash else out
    from .. import functional as F
    weights = F.dropout(attend(query, key, value, attn_mask, scale)[1], dropout_p, True)
    return g.matmul(weights, value)


def _validate_sdpa_input(query, key, value, attn_mask):
    """torch's validate_sdpa_input: one dtype for q, k, v; at least 2-d; a bool, float32 or query-dtype mask."""
    from ...ops.matmul_checks import _c_name
    q, k, v = query._data, key._data, value._data
    if not q.dtype == k.dtype == v.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{_c_name(q.dtype)} key.dtype: {_c_name(k.dtype)} and value.dtype: {_c_name(v.dtype)} "
                           "instead.")
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{q.ndim} key.dim: {k.ndim} and value.dim: {v.ndim} instead.")
    if attn_mask is not None:
        m = attn_mask._data.dtype
        if not (m == np.bool_ or m == np.float32 or m == q.dtype):
            raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                               f"attn_mask.dtype: {_c_name(m)} and  query.dtype: {_c_name(q.dtype)} instead.")


def _attend(query, key, value, attn_mask, scale, key_t=None):
    """(softmax(q k^T * scale + mask) v, the softmax) for an additive mask or None; ``key_t``: k^T
    already made (the math kernel's scaled one), whose softmax is torch's _safe_softmax node."""
    g = _g()
    scores = g.matmul(query if scale is None else query * scale, key.transpose(-2, -1) if key_t is None else key_t)
    if attn_mask is not None:
        try:
            full = np.broadcast_shapes(tuple(scores.shape), tuple(attn_mask.shape))
        except ValueError:                        # the add below raises torch's message
            full = tuple(scores.shape)
        if full != tuple(scores.shape):           # torch adds the mask in place (attn.add_(mask))
            raise RuntimeError(f"output with shape {list(scores.shape)} doesn't match the broadcast shape "
                               f"{list(full)}")
        scores = scores + attn_mask
    weights = _safe_softmax(scores, key_t is not None)
    return g.matmul(weights, value), weights


def _attend_math(query, key, value, attn_mask, scale):
    """torch's math kernel (_scaled_dot_product_attention_math): q and k^T each times sqrt(scale)
    (mul.Scalar, so MulBackward1 under create_graph; a negative scale's sign goes to q), then as _attend."""
    from ...ops.scalar_arith import mul_scalar
    root = math.sqrt(abs(scale))
    q = mul_scalar(query, -root if scale < 0 else root)
    return _attend(q, None, value, attn_mask, None, mul_scalar(key.transpose(-2, -1), root))


def _safe_softmax(scores, node=False):
    """softmax over the last dim; a row masked everywhere (all -inf) gives zeros, not NaN.  ``node``:
    torch's ``_safe_softmax`` op itself (one SafeSoftmaxBackward0, the zeros written into its result,
    whose saved zeros give those rows a zero gradient), else softmax then a where."""
    g = _g()
    w = g.softmax(scores, -1)
    dead = np.isneginf(scores._data).all(-1, keepdims=True)
    if node:
        if dead.any():
            np.copyto(w._data, 0, where=dead)
        if w.grad_fn is not None:
            from ...ops.softmax import SafeSoftmaxBackward0
            w.grad_fn.__class__ = SafeSoftmaxBackward0
        return w
    if dead.any():
        w = g.where(g.from_numpy(dead), g.zeros((), dtype=w.dtype), w)
    return w


def _canonical_mask(mask, name, dtype, other=None, other_name="", stacklevel=3):
    """``mask`` as an additive float mask of ``dtype`` (bool True -> -inf); warns, like torch, when the
    ``other`` mask given has a different dtype.  ``stacklevel`` 2: a module's forward calling it directly
    (the Transformer layers, as torch's); 3: the attention helpers called by MultiheadAttention.forward."""
    g = _g()
    if mask is None:
        return None
    if other is not None and mask.dtype != other.dtype and (mask.dtype == g.bool or mask.is_floating_point()):
        # at the caller's caller (MultiheadAttention.forward's line, as torch's), past a torch-function
        # wrapper around the caller: one location, so Python's filters show it once
        import sys
        level, frame = stacklevel, sys._getframe(stacklevel - 1)
        while frame is not None and frame.f_code.co_filename.endswith("_torch_function.py"):
            level, frame = level + 1, frame.f_back
        warnings.warn(f"Support for mismatched {name} and {other_name} is deprecated. Use same type for both "
                      f"instead.", stacklevel=level)
    if mask.dtype == g.bool:
        return _bool_to_additive(mask, True, dtype)
    if not mask.is_floating_point():
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """torch's checks of the ranks of query, key, value and the masks; True when batched (3-d)."""
    if query.dim() not in (2, 3):
        raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D "
                             f"query tensor")
    batched = query.dim() == 3
    what = "batched (3-D)" if batched else "unbatched (2-D)"
    if key.dim() != query.dim() or value.dim() != query.dim():
        raise AssertionError(f"For {what} `query`, expected `key` and `value` to be {query.dim()}-D but found "
                             f"{key.dim()}-D and {value.dim()}-D tensors respectively")
    if key_padding_mask is not None and key_padding_mask.dim() != query.dim() - 1:
        raise AssertionError(f"For {what} `query`, expected `key_padding_mask` to be `None` or "
                             f"{query.dim() - 1}-D but found {key_padding_mask.dim()}-D tensor instead")
    if attn_mask is not None:
        if attn_mask.dim() not in (2, 3):
            raise AssertionError(f"For {what} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
                                 f"{attn_mask.dim()}-D tensor instead")
        expected = (num_heads, query.shape[0], key.shape[0])
        if not batched and attn_mask.dim() == 3 and tuple(attn_mask.shape) != expected:
            raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}")
    return batched


def _in_projection_packed(q, k, v, w, b):
    """torch's _in_projection_packed: one linear for self-attention (q is k is v), one for k and v when
    they are one tensor, else three; the joint projection split as torch splits it."""
    from .. import functional as F
    E = q.shape[-1]
    if k is v:
        if q is k:
            proj = F.linear(q, w, b)
            proj = proj.unflatten(-1, (3, E)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
            return proj[0], proj[1], proj[2]
        w_q, w_kv = w.split([E, E * 2])
        b_q, b_kv = (None, None) if b is None else b.split([E, E * 2])
        kv = F.linear(k, w_kv, b_kv).unflatten(-1, (2, E)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
        return F.linear(q, w_q, b_q), kv[0], kv[1]
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return F.linear(q, w_q, b_q), F.linear(k, w_k, b_k), F.linear(v, w_v, b_v)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """Inputs (L, N, E) / (S, N, E) or unbatched (L, E); returns (output, weights or None)."""
    from .. import functional as F
    g = _g()
    batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                                 f"{value.shape[:2]}")
    elif key.shape != value.shape:
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", query.dtype, attn_mask, "attn_mask")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None                       # sdpa builds the causal mask itself
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", query.dtype)
        is_causal = False if key_padding_mask is not None else is_causal

    # ---- input projections ----
    if not use_separate_proj_weight:
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        b_q = b_k = b_v = None
        if in_proj_bias is not None:
            b_q, b_k, b_v = in_proj_bias.chunk(3)
        q, k = F.linear(query, q_proj_weight, b_q), F.linear(key, k_proj_weight, b_k)
        v = F.linear(value, v_proj_weight, b_v)

    # ---- masks to (1 or N*H, L, S) additive form ----
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(tgt_len, src_len)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    if bias_k is not None and bias_v is not None:
        k = g.cat([k, bias_k.repeat(1, bsz, 1)])
        v = g.cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, (0, 1))

    # ---- split heads: (L, N, E) -> (N*H, L, head_dim) ----
    q = q.view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.view(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    v = v.view(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    if add_zero_attn:
        zeros = g.zeros((bsz * num_heads, 1, head_dim), dtype=q.dtype)
        k, v = g.cat([k, zeros], 1), g.cat([v, zeros], 1)
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, (0, 1))
    src_len = k.shape[1]
    if key_padding_mask is not None:
        for i, want in enumerate((bsz, src_len)):       # (sic: torch's text says key_padded_mask)
            if key_padding_mask.shape[i] != want:
                raise AssertionError(f"Expected key_padded_mask.shape[{i}] to be {want}, but got "
                                     f"{key_padding_mask.shape[i]}")
        kpm = key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1).reshape(
            bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0

    # ---- attention ----
    # (torch's order of ops, so that the graph, and the nodes a create_graph backward meets, are its)
    if need_weights:
        q_scaled = q * math.sqrt(1.0 / float(head_dim))
        if attn_mask is not None:
            scores = g.baddbmm(attn_mask, q_scaled, k.transpose(-2, -1))
        else:
            scores = g.bmm(q_scaled, k.transpose(-2, -1))
        weights = g.softmax(scores, -1)
        if dropout_p > 0.0:
            weights = F.dropout(weights, dropout_p, True)
        out = g.bmm(weights, v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)   # (torch: UnsafeViewBackward0)
    else:
        if attn_mask is not None:
            attn_mask = attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1 and attn_mask.dim() == 3 else \
                attn_mask.view(bsz, num_heads, -1, src_len)
        q = q.view(bsz, num_heads, tgt_len, head_dim)
        k = k.view(bsz, num_heads, src_len, head_dim)
        v = v.view(bsz, num_heads, src_len, head_dim)
        out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
        out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
        weights = None
    out = F.linear(out, out_proj_weight, out_proj_bias).view(tgt_len, bsz, embed_dim)
    if weights is not None:
        weights = weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            weights = weights.squeeze(0)
    if not batched:
        out = out.squeeze(1)
    return out, weights
