"""The ``Tensor.is_*`` backend and layout flags torch defines on every tensor and glasstorch's tensors
are never: a CPU tensor is not on XLA, XPU, IPU, MAIA, MTIA or Vulkan, not MKL-DNN, not nested and not
a CSR matrix (the CSR class overrides ``is_sparse_csr``).  ``is_distributed()`` is a method in torch, as
is ``_is_view()`` (torchviz's make_dot asks it of every tensor it draws)."""
from ._tensor import Tensor

_FALSE = property(lambda self: False)


def _install():
    for name in ("is_ipu", "is_maia", "is_mkldnn", "is_mtia", "is_nested", "is_sparse_csr", "is_vulkan",
                 "is_xla", "is_xpu"):
        if name not in Tensor.__dict__:
            setattr(Tensor, name, _FALSE)
    if "is_distributed" not in Tensor.__dict__:
        Tensor.is_distributed = lambda self: False
    if "_is_view" not in Tensor.__dict__:
        Tensor._is_view = _is_view


def _is_view(self):
    """torch's ``Tensor._is_view()``: whether the tensor shares its base's storage as an autograd view
    (``_base`` is set), which ``detach()``, ``.data`` and ``from_numpy`` results are not."""
    return self._base is not None


_install()
