"""``torch.utils.data.datapipes``: the DataPipe base classes and the core iterable and map pipes."""
from . import iter, map  # noqa: F401  (torch imports both packages, registering the functional forms)
