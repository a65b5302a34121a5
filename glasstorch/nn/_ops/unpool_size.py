"""What torch's ``F.max_unpool{1,2,3}d`` check before they scatter: the output size (the default one,
or a given one that must lie strictly within a stride of it) and each index against that size."""
import numpy as np


def unpool_output_size(spatial, k, s, p, output_size):
    default = [(n - 1) * st + kk - 2 * pp for n, kk, st, pp in zip(spatial, k, s, p)]
    if output_size is None:
        return tuple(default)
    if len(output_size) == len(k) + 2:
        output_size = output_size[2:]
    if len(output_size) != len(k):
        raise ValueError(f"output_size should be a sequence containing {len(k)} or {len(k) + 2} elements, but it "
                         f"has a length of '{len(output_size)}'")
    for d in range(len(k)):
        lo, hi = default[d] - s[d], default[d] + s[d]
        if not lo < output_size[d] < hi:
            raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {lo} and {hi})')
    return tuple(int(v) for v in output_size)


def check_unpool_indices(flat_i, size):
    n = int(np.prod(size))
    bad = (flat_i < 0) | (flat_i >= n)
    if bad.any():
        # torch's kernel keeps scanning after a bad index: one thread reports the last one
        last = int(flat_i.reshape(-1)[np.nonzero(bad.reshape(-1))[0][-1]])
        raise RuntimeError(f"Found an invalid max index: {last} (output volumes are of size "
                           f"{'x'.join(str(v) for v in size)})")
