"""See how autograd works: a picture of the graph, a trace of the backward pass, the source of an op.

    from glasstorch.viz import draw_graph, trace_backward, show_source

All three accept glasstorch tensors and real torch tensors alike.
"""
from .picture import GraphPicture, draw_graph
from .source import Source, show_source
from .trace import Trace, trace_backward

__all__ = ["draw_graph", "GraphPicture", "trace_backward", "Trace", "show_source", "Source"]
