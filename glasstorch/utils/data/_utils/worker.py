"""``torch.utils.data._utils.worker``: where torch defines ``get_worker_info`` and ``WorkerInfo``."""
from .._workers import WorkerInfo, get_worker_info  # noqa: F401
