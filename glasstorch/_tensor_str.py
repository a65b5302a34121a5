"""``torch._tensor_str``: where torch keeps its print options.  Programs reach in here to save and
restore them (``torch._tensor_str.PRINT_OPTS.precision``, ``get_printoptions()``, the
``printoptions(...)`` context manager); the options themselves live in ``_printing.py``."""
from ._printing import PRINT_OPTS, get_printoptions, printoptions, set_printoptions  # noqa: F401


def _tensor_str(self, indent):
    """The bracketed values of ``repr(self)`` alone (no ``tensor(`` nor suffixes); rows after the first
    start ``indent + 1`` columns in.  Libraries print tensors their own way with it (PyG's OFF writer)."""
    from ._printing import _tensor_body
    if self.numel() == 0:
        return "[]"
    return _tensor_body(self.detach()._data, indent, PRINT_OPTS)
