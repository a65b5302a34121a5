"""``torch.autograd``: ``backward``, ``grad``, grad modes, and the legacy ``Variable``.

The graph lives in ``graph.py`` (nodes) and runs in ``engine.py``.
"""
from collections.abc import Mapping

import numpy as np

from . import engine as _engine
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)
from .graph import Node
from ._gradient_edge import GradientEdge as _Edge, as_edge as _as_edge, stand_in as _stand_in
from . import _graph_task
from . import _make_grads

__all__ = ["backward", "grad", "Variable", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
           "inference_mode", "Function", "gradcheck", "gradgradcheck", "set_detect_anomaly", "detect_anomaly"]


def _tensors(x):
    from .._tensor import Tensor
    if isinstance(x, (Tensor, _Edge)):      # (an edge is a tuple too, but one item)
        return (x,)
    if x is None:
        return ()
    return tuple(x)


def _inputs(inputs, who):
    """``inputs`` of backward() / grad() as a tuple, and the keys where it was a dict (whose values
    are the tensors; grad() then answers a dict).  torch refuses an empty one."""
    keys = None
    if type(inputs) is dict:
        keys = tuple(inputs)
        inputs = tuple(inputs.values())
    elif isinstance(inputs, Mapping):
        raise TypeError(f"`inputs` argument to `{who}()` must be a dict, not {type(inputs).__name__}. "
                        "Other Mapping types are not supported.")
    inputs = _tensors(inputs)
    if not inputs:
        raise RuntimeError(f"`inputs` argument to `{who}()` cannot be empty.")
    return inputs, keys


def _seed(t, g, create_graph, who="backward"):
    """The gradient a root starts with: ones for a scalar, else the one the caller gave."""
    if isinstance(t, _Edge):
        t = _stand_in(t)
    if g is None:
        if t._data.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        if t._data.dtype.kind != "f":
            raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got {t.dtype}")
        arr = np.ones(t._data.shape, t._data.dtype)
    else:
        from .._tensor import Tensor
        if not isinstance(g, Tensor):
            from .._creation import tensor
            g = tensor(g)
        if g._data.shape != t._data.shape:
            if g._data.size == t._data.size == 1 or _broadcastable(g._data.shape, t._data.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {g.shape} and output[0] "
                                   f"has a shape of {t.shape}.")
            raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {g.shape} and output[0] has a "
                               f"shape of {t.shape}.")
        if create_graph:
            return g
        arr = g._data
    if create_graph:
        return _engine._T._wrap(arr)
    return arr


def _broadcastable(a, b):
    try:
        np.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


def _root(t, i):
    node, nr = _as_edge(t)
    if node is None:
        raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    return node, nr


_CREATE_GRAPH_CYCLE = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient "
    "which can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid this. If you "
    "have to use this function, make sure to reset the .grad fields of your parameters to None after use to break "
    "the cycle and avoid the leak. (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None):
    """Compute the gradient of ``tensors`` and add it into the ``.grad`` of the leaves."""
    tensors = _tensors(tensors)
    grads = _tensors(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"got {len(grads)} tensors and {len(tensors)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    _make_grads.check(tensors, grads)      # torch checks the gradients before the graph
    roots = [_root(t, i) for i, t in enumerate(tensors)]
    seeds = [_seed(t, g, create_graph) for t, g in zip(tensors, grads)]
    if create_graph:
        from .._user_warning import warn_once
        warn_once("backward_create_graph", _CREATE_GRAPH_CYCLE)
    if inputs is not None:
        inputs = _inputs(inputs, "backward")[0]
        for x in inputs:
            if not isinstance(x, _Edge):
                # torch's run_backward: each input tensor retains its grad, for this call and later ones
                # (and one that requires none is refused there)
                x.retain_grad()
        capture = {_as_edge(x): i for i, x in enumerate(inputs)}
        got = _engine.execute(roots, seeds, retain_graph, create_graph, capture, accumulate=False)
        for x, g in zip(inputs, got):
            # a leaf (or a leaf's edge) gets its gradient as its AccumulateGrad gives it (CopyBackwards under
            # create_graph, the layout contract, post-accumulate hooks); a non-leaf's reached its .grad
            # through the retain_grad above; a gradient stopped at an inner edge is kept nowhere
            node = x.node if isinstance(x, _Edge) else _as_edge(x)[0] if x.grad_fn is None else None
            if g is None or not hasattr(node, "variable"):
                continue
            if g.is_sparse:
                x = node.variable
                x._grad = g if x._grad is None else x._grad + g
            else:
                _engine._accumulate(node, g if create_graph else g._data, create_graph)
        return
    _engine.execute(roots, seeds, retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned, not accumulated."""
    outputs = _tensors(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    inputs, keys = _inputs(inputs, "grad")
    if not only_inputs:     # torch still takes the flag (wgan-gp style code passes it) but only warns
        import warnings
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate "
                      "gradient for other parts of the graph, please use torch.autograd.backward.",
                      FutureWarning, stacklevel=2)
    grads = _tensors(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if is_grads_batched:
        from ._grads_batched import grad_batched
        res = grad_batched(grad, outputs, inputs, grads, retain_graph, create_graph, allow_unused, materialize_grads)
        return res if keys is None else dict(zip(keys, res))
    _make_grads.check(outputs, grads)      # torch's _make_grads runs before the engine's checks
    roots = [_root(t, i) for i, t in enumerate(outputs)]      # then the outputs, then the inputs
    for i, x in enumerate(inputs):
        if not isinstance(x, _Edge) and not x._rg:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    seeds = [_seed(t, g, create_graph) for t, g in zip(outputs, grads)]
    capture = {}
    for i, x in enumerate(inputs):
        capture.setdefault(_as_edge(x), i)
    _graph_task.NEXT_IS_GRAD[0] = True        # hooks may ask (torch._C._will_engine_execute_node)
    try:
        got = _engine.execute(roots, seeds, retain_graph, create_graph, capture, accumulate=False)
    finally:
        _graph_task.NEXT_IS_GRAD[0] = False
    out = []
    for i, x in enumerate(inputs):
        g = got[capture[_as_edge(x)]]
        if g is None:
            if materialize_grads and isinstance(x, _Edge):
                raise RuntimeError("materialize_grads cannot be used when the given input is a GradientEdge")
            if materialize_grads:
                from .._creation import zeros_like
                g = zeros_like(x, requires_grad=bool(create_graph))     # torch: requires_grad=create_graph
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
        out.append(g)
    return tuple(out) if keys is None else dict(zip(keys, out))


def _is_checkpoint_valid():
    """False while backward runs for ``autograd.grad`` or ``backward(inputs=...)``: reentrant
    checkpointing cannot send its gradients back to such a call."""
    from .graph import MODE
    return not MODE.capture


from .variable import Variable  # noqa: E402  (the pre-0.4 wrapper: a detached alias of the tensor)


from .function import Function  # noqa: E402
from .anomaly_mode import detect_anomaly, set_detect_anomaly  # noqa: E402
from ._profiler_emit import kineto_available  # noqa: E402,F401
from .gradcheck import gradcheck, gradgradcheck  # noqa: E402
from . import graph, function, gradcheck as _gc_module  # noqa: E402,F401


def __getattr__(name):
    # torch.autograd.functional works without its own import; loaded on first use (it needs Tensor)
    if name == "functional":
        import importlib
        return importlib.import_module(__name__ + ".functional")
    raise AttributeError(f"module 'torch.autograd' has no attribute '{name}': torch.autograd.{name} is not "
                         f"implemented in glasstorch yet")
from . import profiler  # noqa: E402,F401  (torch.autograd.profiler)
from . import forward_ad  # noqa: E402,F401  (torch.autograd.forward_ad)
from .grad_mode import set_multithreading_enabled, is_multithreading_enabled  # noqa: E402,F401
from ._grad_layout_policy import enforce_grad_layout_policy  # noqa: E402,F401


def variable(*args, **kwargs):
    raise RuntimeError("torch.autograd.variable(...) is deprecated, use torch.tensor(...) instead")


__all__ += ["set_multithreading_enabled", "variable", "enforce_grad_layout_policy"]
