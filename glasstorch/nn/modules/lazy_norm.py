"""``LazyBatchNorm1d/2d/3d`` and ``LazyInstanceNorm1d/2d/3d``: ``num_features`` is the first input's
channel dim (dim 1).  Weight, bias and the running statistics start uninitialised; the first forward
materialises and resets them, and the module becomes its plain class (as torch's ``_LazyNormBase``)."""
import numpy as np

from ..._tensor import _wrap
from ...autograd.grad_mode import no_grad
from ..parameter import UninitializedBuffer, UninitializedParameter
from .batchnorm import _NormBase, BatchNorm1d, BatchNorm2d, BatchNorm3d
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .lazy import LazyModuleMixin

__all__ = ["LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
           "LazyInstanceNorm3d"]


class _LazyNormBase(LazyModuleMixin, _NormBase):
    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *,
                 bias=True):
        # affine and running stats off here: the uninitialised tensors below take their places
        super().__init__(0, eps, momentum, False, False, device, dtype, bias=False)
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = UninitializedParameter(dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(dtype=dtype)
            self.running_var = UninitializedBuffer(dtype=dtype)
            self.num_batches_tracked = _wrap(np.array(0, np.int64))

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            with no_grad():
                if self.affine:
                    self.weight.materialize((self.num_features,))
                    if self.bias is not None:
                        self.bias.materialize((self.num_features,))
                if self.track_running_stats:
                    self.running_mean.materialize((self.num_features,))
                    self.running_var.materialize((self.num_features,))
                self.reset_parameters()


def _lazy(base):
    return type(f"Lazy{base.__name__}", (_LazyNormBase, base), {
        "cls_to_become": base, "__module__": __name__,
        "__doc__": f"A ``{base.__name__}`` whose ``num_features`` is inferred from the input's dim 1."})


LazyBatchNorm1d = _lazy(BatchNorm1d)
LazyBatchNorm2d = _lazy(BatchNorm2d)
LazyBatchNorm3d = _lazy(BatchNorm3d)
LazyInstanceNorm1d = _lazy(InstanceNorm1d)
LazyInstanceNorm2d = _lazy(InstanceNorm2d)
LazyInstanceNorm3d = _lazy(InstanceNorm3d)
