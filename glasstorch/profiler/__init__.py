"""``torch.profiler``: ``profile`` with a step ``schedule``, ``record_function`` regions, summary
tables and Chrome traces (see ``autograd/profiler.py`` for what is timed)."""
from ..autograd.profiler import record_function
from ..autograd._profiler_emit import kineto_available  # noqa: F401
from .profiler import (ProfilerAction, ProfilerActivity, profile, schedule, supported_activities,
                       tensorboard_trace_handler, _KinetoProfile)

__all__ = ["profile", "schedule", "supported_activities", "tensorboard_trace_handler", "ProfilerAction",
           "ProfilerActivity", "record_function"]
