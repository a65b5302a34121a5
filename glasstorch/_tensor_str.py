"""``torch._tensor_str``: where torch keeps its print options.  Programs reach in here to save and
restore them (``torch._tensor_str.PRINT_OPTS.precision``, ``get_printoptions()``, the
``printoptions(...)`` context manager); the options themselves live in ``_printing.py``."""
from ._printing import PRINT_OPTS, get_printoptions, printoptions, set_printoptions  # noqa: F401
