"""``torch.nn.attention.flex_attention``: the names (libraries test for them and annotate with
``BlockMask``); flex attention itself is not implemented in glasstorch yet."""

__all__ = ["BlockMask", "flex_attention", "create_block_mask", "create_mask", "noop_mask", "and_masks", "or_masks",
           "AuxRequest", "AuxOutput"]

from ..._dtype import bool_

_DEFAULT_SPARSE_BLOCK_SIZE = 128


def _not_yet(name):
    return NotImplementedError(f"torch.nn.attention.flex_attention.{name} is not implemented in glasstorch yet")


class BlockMask:
    def __init__(self, *args, **kwargs):
        raise _not_yet("BlockMask")

    @classmethod
    def from_kv_blocks(cls, *args, **kwargs):
        raise _not_yet("BlockMask")


class AuxRequest:
    def __init__(self, *args, **kwargs):
        raise _not_yet("AuxRequest")


class AuxOutput:
    def __init__(self, *args, **kwargs):
        raise _not_yet("AuxOutput")


def flex_attention(query, key, value, score_mod=None, block_mask=None, scale=None, enable_gqa=False,
                   return_lse=False, kernel_options=None, *, return_aux=None):
    raise _not_yet("flex_attention")


def create_block_mask(mask_mod, B, H, Q_LEN, KV_LEN, device="cuda", BLOCK_SIZE=_DEFAULT_SPARSE_BLOCK_SIZE,
                      _compile=False):
    raise _not_yet("create_block_mask")


def create_mask(mod_fn, B, H, Q_LEN, KV_LEN, device="cuda"):
    raise _not_yet("create_mask")


def noop_mask(batch, head, token_q, token_kv):
    """The mask that keeps everything."""
    return batch.new_ones(size=(), dtype=bool_)


def and_masks(*mask_mods):
    if not all(callable(arg) for arg in mask_mods):
        raise RuntimeError(f"All inputs should be callable mask_mods: {mask_mods}")

    def and_mask(b, h, q_idx, kv_idx):
        result = b.new_ones((), dtype=bool_)
        for mod in mask_mods:
            result = result & mod(b, h, q_idx, kv_idx)
        return result
    return and_mask


def or_masks(*mask_mods):
    if not all(callable(arg) for arg in mask_mods):
        raise RuntimeError(f"All inputs should be callable mask_mods: {mask_mods}")

    def or_mask(b, h, q_idx, kv_idx):
        result = b.new_zeros((), dtype=bool_)
        for mod in mask_mods:
            result = result | mod(b, h, q_idx, kv_idx)
        return result
    return or_mask
