"""Grouped-query attention (``F.scaled_dot_product_attention(..., enable_gqa=True)``): key and value
carry fewer heads than the query (dim -3); each key/value head serves a group of consecutive query
heads.

    math kernel:  k' = k.repeat_interleave(Hq / Hk, -3),  v' = v.repeat_interleave(Hq / Hv, -3)
    flash kernel: the same product on the grouped heads; its key/value gradient is the sum of the
                  gradients of the heads in each group:  dk[h] = sum_{j < Hq/Hk} dk'[h * Hq/Hk + j]

torch's CPU flash kernel takes a grouped product only when the batch sizes agree, key and value have
the same number of heads, and that number divides the query's; anything else goes to the math
kernel, which repeats the heads first (and raises its own message when they do not divide).
"""

__all__ = ["gqa_heads", "heads_fit", "expand_groups", "fold_groups"]


def gqa_heads(query, key, value):
    """torch's pre_process_group_query_attention_input: (key, value) with the query's number of heads."""
    qh, kh, vh = query.size(-3), key.size(-3), value.size(-3)      # a 2-d argument: the IndexError
    if qh == kh == vh:
        return key, value
    if qh % kh or qh % vh:
        # torch's message stops there (its check passes an empty string for the rest)
        raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
    return key.repeat_interleave(qh // kh, -3), value.repeat_interleave(qh // vh, -3)


def heads_fit(query, key, value, enable_gqa):
    """torch's check_batch_size_and_num_heads_dense for the CPU flash kernel (4-d inputs)."""
    if not query.shape[0] == key.shape[0] == value.shape[0]:
        return False
    qh, kh, vh = query.shape[1], key.shape[1], value.shape[1]
    if enable_gqa:
        return kh == vh and qh % kh == 0
    return qh == kh == vh


def expand_groups(query, key, value):
    """(key, value) repeated to the query's heads inside the flash node (no graph of their own)."""
    rep = query.shape[1] // key.shape[1]
    if rep == 1:
        return key, value
    return key.repeat_interleave(rep, 1), value.repeat_interleave(rep, 1)


def fold_groups(grad, like):
    """The gradient of a grouped key/value: each group of query heads summed back onto its head."""
    b, h = like.shape[0], like.shape[1]
    if grad.shape[1] == h:
        return grad
    return grad.reshape(b, h, grad.shape[1] // h, *grad.shape[2:]).sum(2)
