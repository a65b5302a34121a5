"""``torch.nn.utils.rnn``: ``pad_sequence`` (PackedSequence is not supported)."""


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack variable-length sequences (L_i, *) into (L_max, B, *) or (B, L_max, *)."""
    import glasstorch
    from ..functional import pad
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    max_len = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        extra = max_len - s.shape[0]
        widths = [0, 0] * (s.dim() - 1) + ([0, extra] if padding_side == "right" else [extra, 0])
        padded.append(pad(s, widths, value=padding_value) if extra else s)
    return glasstorch.stack(padded, 0 if batch_first else 1)
