"""``torch.fx``: capture a program as a graph of operations, change the graph, run it again.

``symbolic_trace(module)`` runs ``forward`` on Proxies (``proxy.py``) and records a ``Graph`` of
``Node``s (``graph.py``, ``node.py``); the ``GraphModule`` it returns runs Python source generated
from that graph (``_codegen.py``).  ``Interpreter`` runs a graph node by node, ``Transformer``
rewrites one, ``passes.shape_prop.ShapeProp`` records shapes.  See each file's docstring.
"""
from .graph import Graph
from .graph_module import GraphModule
from .node import Node, map_arg, map_aggregate, has_side_effect
from .proxy import Proxy, Attribute, TraceError, GraphAppendingTracer, TracerBase
from ._symbolic_trace import Tracer, symbolic_trace, wrap, PH
from .interpreter import Interpreter, Transformer
from . import passes  # noqa: F401
from . import subgraph_rewriter  # noqa: F401
from .subgraph_rewriter import replace_pattern

__all__ = ["symbolic_trace", "Tracer", "wrap", "Graph", "GraphModule", "Interpreter", "Transformer", "Node", "Proxy",
           "replace_pattern", "map_arg", "map_aggregate", "has_side_effect", "Attribute", "TraceError", "GraphAppendingTracer",
           "TracerBase", "PH"]
