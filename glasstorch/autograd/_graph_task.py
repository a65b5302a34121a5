"""The backward pass the engine is running now (torch's "graph task"), for hooks that ask about it.

``torch._C._current_graph_task_id()`` numbers the running backward (-1 outside one), and
``torch._C._will_engine_execute_node(node)`` tells whether this backward will run ``node``: a node
reachable from the roots, and with ``inputs=`` / ``autograd.grad``, only one that leads to an input
(``needed``). ``register_multi_grad_hook`` (torch.autograd.graph) is built on the two.
Only the engine's general walk (engine._run) records a task: the fast path runs only when no hook
is registered, so nothing can ask.
"""
import threading

_TASK = {"id": -1, "nodes": None, "accs": None, "need": None, "grad": False}
_COUNT = [0]
NEXT_IS_GRAD = [False]      # set by autograd.grad just before the engine starts (backward(inputs=) walks alike)


def begin(nodes, accs, need):
    """Record a new running backward; returns the one it interrupts (a backward inside a hook)."""
    prev = dict(_TASK)
    _COUNT[0] += 1
    _TASK.update(id=_COUNT[0], nodes=nodes, accs=accs, need=need, grad=NEXT_IS_GRAD[0])
    NEXT_IS_GRAD[0] = False
    return prev


def end(prev):
    _TASK.update(prev)


def needed(nodes, targets, floor=-1):
    """Nodes from which some target can be reached (autograd.grad runs only those); nodes created
    before ``floor`` are not walked (see engine._discover)."""
    need = {}
    for start in nodes:
        if start in need:
            continue
        stack = [(start, False)]
        while stack:
            n, done = stack.pop()
            if done:
                need[n] = n in targets or any(nx is not None and need.get(nx, False) for nx, _ in n.next_functions)
                continue
            if n in need:
                continue
            need[n] = False   # provisional, guards against revisiting
            stack.append((n, True))
            for nx, _ in n.next_functions:
                if nx is not None and nx not in need and nx._seq >= floor:
                    stack.append((nx, False))
    return need


def current_graph_task_id():
    return _TASK["id"]


def will_engine_execute_node(node):
    from .graph import Node
    if not isinstance(node, Node):
        raise RuntimeError(f"_will_engine_execute_node expects an grad_fn, but got {type(node).__name__}")
    if _TASK["id"] == -1:
        raise RuntimeError("_get_should_execute_nodes should only be called during the backward pass")
    need = _TASK["need"]
    if _TASK["grad"] and node.__class__.__name__ == "AccumulateGrad":
        raise RuntimeError("A leaf node was passed to _will_engine_execute_node but we are currently running "
                           "autograd.grad(). This is currently not supported.")
    if need is not None:
        return bool(need.get(node, False))
    if isinstance(_TASK["nodes"], list):          # a set, made on the first question of this backward
        _TASK["nodes"] = set(_TASK["nodes"])
    return node in _TASK["nodes"] or node in _TASK["accs"]


class _MultiHandle:
    """What register_multi_grad_hook returns: removes the hook from every tensor at once."""
    __slots__ = ("handles",)

    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        for handle in self.handles:
            handle.remove()

    def __getstate__(self):
        return self.handles

    def __setstate__(self, state):
        self.handles = state


def _grad_node(t):
    from ..ops._common import edge
    return edge(t)[0]


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """mode "all": ``fn(grads)`` once per backward, after the gradients of all ``tensors`` that this
    backward computes (None for the others); mode "any": ``fn(grad)`` with the first of them."""
    modes = ("all", "any")
    if mode not in modes:
        raise ValueError(f"Expects mode to be one of {modes} but got {mode}")
    lock = threading.Lock()
    if mode == "all":
        nodes = [_grad_node(t) for t in tensors]
        count, buffer, expected = {}, {}, [None]

        def make_hook(idx):
            def hook(grad):
                task = current_graph_task_id()
                slots = buffer.setdefault(task, [None] * len(tensors))
                with lock:
                    seen = count.get(task, 0)
                    count[task] = seen + 1
                    if seen == 0:             # the first of them this backward: how many will come
                        expected[0] = sum(map(will_engine_execute_node, nodes))
                slots[idx] = grad
                if seen == expected[0] - 1:
                    fn(slots)
                    del count[task], buffer[task]
            return hook
        handles = tuple(t.register_hook(make_hook(i)) for i, t in enumerate(tensors))
    else:
        ran = {}

        def hook(grad):
            task = current_graph_task_id()
            with lock:
                first = not ran.get(task, False)
                ran[task] = True
            if first:
                fn(grad)
        handles = tuple(t.register_hook(hook) for t in tensors if t.requires_grad)
    return _MultiHandle(handles)
