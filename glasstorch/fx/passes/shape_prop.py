"""``ShapeProp``: run a GraphModule once and record each node's result shape and dtype.

Every node whose value holds tensors gets ``node.meta['tensor_meta']``, a ``TensorMetadata``
(shape, dtype, requires_grad, stride, memory_format, is_quantized, qparams), in the same structure as
the value; ``node.meta['type']`` is the value's type.
"""
import traceback
from typing import Any, NamedTuple

from ..interpreter import Interpreter
from ..node import map_aggregate

__all__ = ["TensorMetadata", "ShapeProp"]


class TensorMetadata(NamedTuple):
    shape: Any
    dtype: Any
    requires_grad: bool
    stride: tuple
    memory_format: Any
    is_quantized: bool
    qparams: dict


def _extract_tensor_metadata(result, include_contiguity=True):
    import glasstorch
    memory_format = None
    if include_contiguity:
        for fmt in (glasstorch.contiguous_format, glasstorch.channels_last, glasstorch.channels_last_3d):
            try:
                ok = result.is_contiguous(memory_format=fmt)
            except RuntimeError:       # channels_last asked of a tensor with other than 4 dims
                ok = False
            if ok:
                memory_format = fmt
                break
    return TensorMetadata(result.shape, result.dtype, result.requires_grad, result.stride(), memory_format,
                          False, {})


class ShapeProp(Interpreter):
    """An Interpreter that records shapes as it runs (see the module docstring)."""

    def __init__(self, gm, fake_mode=None):
        super().__init__(gm)
        self.fake_module = None
        self.fake_mode = None
        self.real_module = self.module

    def run_node(self, n):
        import glasstorch
        try:
            result = super().run_node(n)
        except Exception as e:
            traceback.print_exc()
            raise RuntimeError(f"ShapeProp error for: node={n.format_node()} with meta={n.meta}") from e
        found = []

        def extract(obj):
            if isinstance(obj, glasstorch.Tensor):
                found.append(True)
                return _extract_tensor_metadata(obj)
            return obj
        meta = map_aggregate(result, extract)
        if found:
            n.meta["tensor_meta"] = meta
        n.meta["type"] = type(result)
        return result

    def propagate(self, *args):
        """Run the module on ``args``, recording shapes; returns its result."""
        return super().run(*args)
