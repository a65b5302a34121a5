"""``torch.fx.passes``: graph passes (``shape_prop``, ``utils.matcher_utils``)."""
from . import shape_prop  # noqa: F401
from . import utils  # noqa: F401
