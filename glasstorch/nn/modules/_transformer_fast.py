"""torch's inference fast paths of ``TransformerEncoderLayer`` and ``TransformerEncoder``.

In eval mode, with no gradient to record, torch runs an encoder layer as one fused kernel
(``torch._transformer_encoder_layer_fwd``) instead of calling its submodules: hooks on ``self_attn``,
``linear1``, ... do not fire (the layer takes the fused path only when none are attached, but global
module hooks and patched ``forward`` methods are bypassed), and the value is the same layer math but
for the fused attention's reading of the masks (``_mha_native``: boolean, NaN rows where all is masked).

The encoder, given a left-aligned ``src_key_padding_mask``, packs the batch into a nested tensor so
that padded positions take no part at all, and unpacks it with zeros there:

    out[b, s] = 0                      where src_key_padding_mask[b, s] marks padding
    out[b, s] = layers(src)[b, s]      elsewhere (keys at padded positions masked out)

glasstorch has no nested tensors: it runs the layers on the padded batch with the padding as a key
mask (a float mask's non-zero entries count as padding, as ``logical_not`` reads them; with
``mask_check=False`` a sequence keeps as many leading tokens as its mask has valid ones) and writes the
zeros afterwards; hooks on a layer then see the padded tensor where torch's see a nested one.
"""
from .. import functional as F
from ._mha_native import merge_masks, native_self_attention


def _g():
    import glasstorch
    return glasstorch


_DEVICES = ("cpu", "cuda", "xpu", "privateuseone")     # torch's _supported_device_type (meta: the module path)


def _fastpath_enabled():
    return _g().backends.mha.get_fastpath_enabled()


def _grad_blocks(tensors):
    """torch leaves the fast paths whenever grad mode is on and any of their tensors requires grad."""
    g = _g()
    return g.is_grad_enabled() and any(t is not None and t.requires_grad for t in tensors)


def _layer_tensors(layer, src):
    sa = layer.self_attn
    return (src, sa.in_proj_weight, sa.in_proj_bias, sa.out_proj.weight, sa.out_proj.bias, layer.norm1.weight,
            layer.norm1.bias, layer.norm2.weight, layer.norm2.bias, layer.linear1.weight, layer.linear1.bias,
            layer.linear2.weight, layer.linear2.bias)


def layer_takes_fast_path(layer, src):
    """torch's ``why_not_sparsity_fast_path`` of ``TransformerEncoderLayer.forward`` came out empty."""
    g = _g()
    sa = layer.self_attn
    if not _fastpath_enabled() or src.dim() != 3 or layer.training or not sa.batch_first:
        return False
    if sa.in_proj_bias is None or not sa._qkv_same_embed_dim or not layer.activation_relu_or_gelu:
        return False
    if layer.norm1.eps != layer.norm2.eps or sa.num_heads % 2 == 1 or g.is_autocast_enabled():
        return False
    # forward hooks anywhere in the layer keep the module calls (global hooks do not count)
    if any(len(getattr(m, "_forward_hooks", {})) + len(getattr(m, "_forward_pre_hooks", {}))
           for m in layer.modules()):
        return False
    tensors = _layer_tensors(layer, src)
    if g.overrides.has_torch_function(tensors) or any(t is not None and t.device.type not in _DEVICES for t in tensors):
        return False
    return not _grad_blocks(tensors)


def layer_fast_forward(layer, src, src_mask, src_key_padding_mask, is_causal):
    """The layer's math with its parameters, calling none of its submodules (eval: no dropout)."""
    sa = layer.self_attn
    act = F.relu if layer.activation_relu_or_gelu == 1 else F.gelu

    merged, mask_type = merge_masks(src_mask, src_key_padding_mask, src, sa.num_heads)

    def attend(x):      # the kernel reads the merged mask as boolean and ignores is_causal
        return native_self_attention(sa, x, merged, mask_type)[0]

    def norm(n, x):
        return F.layer_norm(x, n.normalized_shape, n.weight, n.bias, n.eps)

    def ff(x):
        return F.linear(act(F.linear(x, layer.linear1.weight, layer.linear1.bias)), layer.linear2.weight,
                        layer.linear2.bias)

    x = src
    if layer.norm_first:
        x = x + attend(norm(layer.norm1, x))
        return x + ff(norm(layer.norm2, x))
    x = norm(layer.norm1, x + attend(x))
    return norm(layer.norm2, x + ff(x))


def _packed_padding(valid):
    """The padding of the nested tensor built from ``valid`` (bool [N, S]): each sequence keeps its first
    ``valid.sum()`` tokens, so True from that count on."""
    g = _g()
    return g.arange(valid.shape[-1]).unsqueeze(0) >= valid.sum(-1, keepdim=True)


def encoder_nested_padding(encoder, src, mask, src_key_padding_mask):
    """Where torch's TransformerEncoder would run its layers on a nested tensor built from the padding
    mask, that tensor's padding (bool [N, S]); else None."""
    g = _g()
    first = encoder.layers[0]
    if not _fastpath_enabled() or not getattr(encoder, "use_nested_tensor", False) or first.training:
        return None
    if src.dim() != 3 or src_key_padding_mask is None:
        return None
    valid = src_key_padding_mask.logical_not()
    padding = _packed_padding(valid)
    # mask_check: only a left-aligned mask packs; without the check, any mask packs as its counts say
    if getattr(encoder, "mask_check", True) and not g.equal(valid, padding.logical_not()):
        return None
    if mask is not None or g.is_autocast_enabled():
        return None
    tensors = _layer_tensors(first, src)
    if g.overrides.has_torch_function(tensors) or src.device.type not in _DEVICES or _grad_blocks(tensors):
        return None
    return padding


_NESTED_PROTOTYPE = (
    "The PyTorch API of nested tensors is in prototype stage and will change in the near future. We recommend "
    "specifying layout=torch.jagged when constructing a nested tensor, as this layout receives active development, "
    "has better operator coverage, and works with torch.compile. (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/NestedTensorImpl.cpp:177.)")


def nested_layer_mask(padding, dtype):
    """The key mask that drops what the nested tensor leaves out: -inf at its padding."""
    g = _g()
    from ..._user_warning import warn_once
    warn_once("nested_tensor_prototype", _NESTED_PROTOTYPE)     # torch warns on building its first nested tensor
    return g.zeros(tuple(padding.shape), dtype=dtype).masked_fill_(padding, float("-inf"))


def unpack_nested(output, padding):
    """``to_padded_tensor(0.0, src.size())``: zeros at the padded positions."""
    if bool(padding.all()):
        raise RuntimeError("to_padded_tensor: at least one constituent tensor should have non-zero numel")
    return output.masked_fill(padding.unsqueeze(-1), 0.0)


__all__ = ["layer_takes_fast_path", "layer_fast_forward", "encoder_nested_padding", "nested_layer_mask",
           "unpack_nested"]
