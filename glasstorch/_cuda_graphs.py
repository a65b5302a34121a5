"""``torch.cuda.graphs`` as a CPU-only torch build has it: the names exist (libraries annotate with
``torch.cuda.CUDAGraph | None``), and using any of them fails as there, on torch's dummy C classes."""
from . import _class_paths
from ._runtime import _module, cuda


def _dummy(name):
    # torch._utils._dummy_type: a CPU build's stand-in for a missing C class or function
    raise RuntimeError(f"Tried to instantiate dummy base class {name}")


def is_current_stream_capturing():
    _dummy("_cuda_isCurrentStreamCapturing")


def graph_pool_handle():
    _dummy("_graph_pool_handle")


class CUDAGraph:
    """A CUDA graph; a CPU build has only its dummy base class."""

    def __new__(cls, *args, **kwargs):
        _dummy("CUDAGraph")


class graph:
    """``with torch.cuda.graph(g):``: its first use makes the default capture stream, which a CPU
    build refuses."""

    default_capture_stream = None

    def __init__(self, cuda_graph, pool=None, stream=None, capture_error_mode="global"):
        if self.__class__.default_capture_stream is None:
            self.__class__.default_capture_stream = cuda.Stream()


def make_graphed_callables(callables, sample_args, num_warmup_iters=3, allow_unused_input=False, pool=None):
    CUDAGraph()


graphs = _module("torch.cuda.graphs", is_current_stream_capturing=is_current_stream_capturing,
                 graph_pool_handle=graph_pool_handle, CUDAGraph=CUDAGraph, graph=graph,
                 make_graphed_callables=make_graphed_callables)
for _cls in (CUDAGraph, graph):
    _class_paths.place(_cls, "torch.cuda.graphs")
# a CPU build has no CUDA generators (Reformer checks ``len(torch.cuda.default_generators)``)
cuda.default_generators = ()
cuda.__dict__.update(graphs=graphs, **{k: v for k, v in vars(graphs).items() if not k.startswith("__")})
