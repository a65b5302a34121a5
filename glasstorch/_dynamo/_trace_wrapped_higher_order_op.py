"""``torch._dynamo._trace_wrapped_higher_order_op.TransformGetItemToIndex``: inside it, indexing a
tensor with tensors and ints (``A[q_idx]`` in a mask or score function) is ``aten.index``, an advanced
index with every int made a 0-d int64 tensor, instead of a view at a Python number."""
from .._function_mode import TorchFunctionMode


def _mod_index_function():
    from .. import autograd, ops, zeros

    class ModIndex(autograd.Function):
        """y = x[indices] (aten.index); dx = zeros of x's shape with dy scattered back at the indices,
        repeated indices adding up."""

        @staticmethod
        def forward(ctx, x, indices):
            ctx.save_for_backward(*indices)
            ctx.input_shape = x.shape
            return ops.aten.index.Tensor(x, indices)

        @staticmethod
        def backward(ctx, grad):
            dx = zeros(ctx.input_shape, dtype=grad.dtype, device=grad.device)
            return ops.aten.index_put.default(dx, list(ctx.saved_tensors), grad, True), None
    return ModIndex


_MOD_INDEX = []


def mod_index(x, indices):
    if not _MOD_INDEX:
        _MOD_INDEX.append(_mod_index_function())
    return _MOD_INDEX[0].apply(x, indices)


class TransformGetItemToIndex(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        from .. import Tensor, tensor, int64
        from ..utils._pytree import tree_leaves
        if func is Tensor.__getitem__:
            x = args[0]
            if not isinstance(x, Tensor):
                raise AssertionError(f"expected torch.Tensor, got {type(x)}")
            index_args = tree_leaves(args[1])
            if all(isinstance(i, (Tensor, int)) for i in index_args):
                return mod_index(x, [tensor(i, dtype=int64, device=x.device) if isinstance(i, int) else i
                                     for i in index_args])
        return func(*args, **(kwargs or {}))
