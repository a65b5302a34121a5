"""``torch.distributed.constants``: the default process-group timeouts.

Non-NCCL backends default to 30 minutes; a CPU-only build has no NCCL, so its default is ``None``
(as torch's ``default_pg_nccl_timeout`` is when ``_DEFAULT_PG_NCCL_TIMEOUT`` cannot be imported).
"""
from datetime import timedelta

from .distributed_c10d import default_pg_timeout

__all__ = ["default_pg_timeout", "default_pg_nccl_timeout"]

default_pg_nccl_timeout: "timedelta | None" = None
