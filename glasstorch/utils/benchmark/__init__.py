"""``torch.utils.benchmark``: ``Timer`` measures a statement, ``Measurement`` holds the times,
``Compare`` prints many of them as a table.  Wall-clock times only (no C++ statements, no
Callgrind, no fuzzers): see docs/differences.md."""
from .utils.common import *  # noqa: F401,F403
from .utils.timer import *  # noqa: F401,F403
from .utils.compare import *  # noqa: F401,F403

__all__ = ["TaskSpec", "Measurement", "select_unit", "unit_to_english", "trim_sigfig", "ordered_unique",
           "set_torch_threads", "Timer", "timer", "Language", "Colorize", "Compare"]
