"""``torch.distributed.algorithms``: the join context for uneven inputs (join.py)."""
from .join import Join, Joinable, JoinHook  # noqa: F401
