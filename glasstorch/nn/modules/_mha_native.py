"""torch's fused CPU self-attention, ``torch._native_multi_head_attention``: the inference fast path of
``MultiheadAttention`` and the attention inside ``torch._transformer_encoder_layer_fwd``.

Its math is the layer's attention, with two differences from ``F.multi_head_attention_forward``:

- the masks are merged into one (``merge_masks``: the key padding mask alone, type 1; else the attention
  mask expanded to (N, H, L, L), plus the padding mask when both are given, type 2), and that mask is
  read as a *boolean*: every non-zero entry (a finite bias such as -1.0 too, and NaN) masks its key;
- the masked softmax divides by the sum over the unmasked keys, so a query row whose keys are all
  masked is 0 / 0 = NaN, where the math path's safe softmax gives zeros; NaN rows then reach every
  query of the sequence through the values in the next attention.

The ``is_causal`` hint plays no part: only the mask's entries count (no mask, no causal masking).
"""
from .._ops.attention import _canonical_mask, multi_head_attention_forward


def _g():
    import glasstorch
    return glasstorch


def merge_masks(attn_mask, key_padding_mask, query, num_heads):
    """torch's ``MultiheadAttention.merge_masks``: (merged mask, mask type 0 / 1 / 2), or (None, None)."""
    mask_type, merged = None, None
    if key_padding_mask is not None:
        mask_type, merged = 1, key_padding_mask
    if attn_mask is not None:
        batch_size, seq_len, _ = query.shape
        mask_type = 2
        if attn_mask.dim() == 3:
            expanded = attn_mask.view(batch_size, -1, seq_len, seq_len)
        else:
            expanded = attn_mask.view(1, 1, seq_len, seq_len).expand(batch_size, num_heads, -1, -1)
        merged = expanded
        if key_padding_mask is not None:
            merged = expanded + key_padding_mask.view(batch_size, 1, 1, seq_len).expand(-1, num_heads, -1, -1)
    return merged, mask_type


def native_self_attention(sa, x, merged_mask, mask_type, need_weights=False, average_attn_weights=True):
    """Self-attention of the batch-first ``x`` (N, L, E) with ``sa``'s packed weights, as the fused kernel
    computes it; returns (output (N, L, E), weights or None)."""
    g = _g()
    q = x.transpose(1, 0)
    masks = {}
    if merged_mask is not None:
        _check_mask(merged_mask, mask_type, x.shape[0], sa.num_heads, x.shape[1])
        masked = merged_mask.to(g.bool)
        if mask_type == 1:
            masks["key_padding_mask"] = masked
        else:
            masks["attn_mask"] = masked.reshape(-1, x.shape[1], x.shape[1])
    # with a mask, the plain softmax of the weights path: its fully masked rows are NaN like native's
    out, w = multi_head_attention_forward(
        q, q, q, sa.embed_dim, sa.num_heads, sa.in_proj_weight, sa.in_proj_bias, None, None, False, 0.0,
        sa.out_proj.weight, sa.out_proj.bias, training=False, need_weights=need_weights or bool(masks),
        average_attn_weights=average_attn_weights, **masks)
    return out.transpose(1, 0), (w if need_weights else None)


def _check_mask(mask, mask_type, batch, heads, seq):
    """The masked softmax's checks of the mask against the (N, H, L, L) scores: a mask other than 2-d
    is taken as type 2."""
    if mask.dim() != 2 or mask_type == 2:
        if tuple(mask.shape) != (batch, heads, seq, seq):
            raise RuntimeError("For mask_type == 2 mask shape should match input shape")
    elif mask.shape[0] != batch or mask.shape[1] != seq:
        raise RuntimeError("For mask_type == 1 mask shape should be (B, L)")


def _why_not(mha, query, key, value, attn_mask, key_padding_mask):
    g = _g()
    if not g.backends.mha.get_fastpath_enabled() or query.dim() != 3:
        return True
    if query is not key or key is not value:
        return True
    if mha.in_proj_bias is not None and query.dtype != mha.in_proj_bias.dtype:
        return True
    if mha.in_proj_weight is None or query.dtype != mha.in_proj_weight.dtype:
        return True
    if mha.training or mha.num_heads % 2 or not mha.batch_first or mha.bias_k is not None:
        return True
    if mha.bias_v is not None or mha.add_zero_attn or not mha._qkv_same_embed_dim or g.is_autocast_enabled():
        return True
    tensors = (query, key, value, mha.in_proj_weight, mha.in_proj_bias, mha.out_proj.weight, mha.out_proj.bias)
    if g.overrides.has_torch_function(tensors) or any(t is not None and t.device.type != "cpu" for t in tensors):
        return True
    return g.is_grad_enabled() and any(t is not None and t.requires_grad for t in tensors)


def mha_fast_forward(mha, query, key, value, key_padding_mask, need_weights, attn_mask, average_attn_weights):
    """``MultiheadAttention.forward``'s fast path: its (output, weights) when torch takes it, else None."""
    # torch tests for floating masks first; the fast path only takes boolean ones
    if (attn_mask is not None and attn_mask.is_floating_point()) or (
            key_padding_mask is not None and key_padding_mask.is_floating_point()):
        return None
    if _why_not(mha, query, key, value, attn_mask, key_padding_mask) or mha.in_proj_bias is None:
        return None
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", query.dtype, attn_mask, "attn_mask")
    attn_mask = _canonical_mask(attn_mask, "attn_mask", query.dtype)
    merged, mask_type = merge_masks(attn_mask, key_padding_mask, query, mha.num_heads)
    return native_self_attention(mha, query, merged, mask_type, need_weights, average_attn_weights)


__all__ = ["merge_masks", "native_self_attention", "mha_fast_forward"]
