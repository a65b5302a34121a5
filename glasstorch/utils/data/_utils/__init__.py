"""``torch.utils.data._utils``: the DataLoader's helper modules, which libraries import from (opacus
takes ``default_collate`` from ``_utils.collate``).  glasstorch keeps the code in ``utils/data/_collate.py``
and ``_workers.py``; these modules give it torch's paths."""
import sys

IS_WINDOWS = sys.platform == "win32"
MP_STATUS_CHECK_INTERVAL = 5.0
python_exit_status = False
HAS_NUMPY = True

from . import collate, worker  # noqa: E402,F401
