"""``DistributedDataParallel``: each process holds a replica; gradients are averaged across processes.

At construction rank 0's parameters and buffers are broadcast, so every replica starts equal.  Each
parameter gets a post-accumulate-grad hook.  A forward (with grad enabled, outside ``no_sync``) arms
the reducer with the parameters expected to receive a gradient; when the last of them has its
``.grad`` written, the reducer averages all gradients across ranks in one exchange, still inside
``backward()``, as torch's reducer does.  Like torch's, each rank scales its gradient by
``1 / world_size`` before the sum (``g * float(1/n)`` in the gradient's dtype), so two ranks give
exactly torch's numbers.

``find_unused_parameters=True`` walks the forward's output graph to find the parameters it does not
reach; those count as ready at once.  A parameter no rank used keeps ``.grad = None``.
"""
from contextlib import contextmanager

import numpy as np

from ..._nested import tensors_in
from ..modules.module import Module

__all__ = ["DistributedDataParallel"]

_UNUSED = ("Expected to have finished reduction in the prior iteration before starting a new one. This error "
           "indicates that your module has parameters that were not used in producing loss. You can enable unused "
           "parameter detection by passing the keyword argument `find_unused_parameters=True` to "
           "`torch.nn.parallel.DistributedDataParallel`, and by \nmaking sure all `forward` function outputs "
           "participate in calculating loss. \nIf you already have done the above, then the distributed data "
           "parallel module wasn't able to locate the output tensors in the return value of your module's "
           "`forward` function. Please include the loss function and the structure of the return value of "
           "`forward` of your module when reporting this issue (e.g. list, dict, iterable).\nParameter indices "
           "which did not receive grad for rank {rank}: {idx}\n In addition, you can set the environment variable "
           "TORCH_DISTRIBUTED_DEBUG to either INFO or DETAIL to print out information about which particular "
           "parameters did not receive gradient on this rank as part of this error")


def _reached(outputs):
    """ids of the leaf tensors the outputs' graph reaches."""
    seen, leaves = set(), set()
    stack = [t.grad_fn for t in outputs if t.grad_fn is not None]
    for t in outputs:
        if t.grad_fn is None and t.requires_grad:
            leaves.add(id(t))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        var = getattr(node, "variable", None)
        if var is not None:
            leaves.add(id(var))
        stack.extend(n for n, _ in node.next_functions if n is not None)
    return leaves


class DistributedDataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 init_sync=True, process_group=None, bucket_cap_mb=None, find_unused_parameters=False,
                 check_reduction=False, gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None, mixed_precision=None,
                 device_mesh=None, skip_all_reduce_unused_params=False):
        super().__init__()
        from ...distributed.distributed_c10d import _pg
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter "
                               "that requires a gradient.")
        if device_ids is not None or output_device is not None:
            devices = "{" + ", ".join(sorted({repr(p.device) for p in module.parameters()})) + "}"
            raise ValueError("DistributedDataParallel device_ids and output_device arguments only work with "
                             "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                             f"{device_ids}, output_device {output_device}, and module parameters {devices}.")
        self.process_group = _pg(process_group)
        self.module = module
        self.device_ids = None
        self.output_device = None
        self.dim = dim
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self._params = params
        self._buffers_to_sync = list(module.buffers())
        self._pending = None            # indices still waiting for a gradient this iteration
        self._used = None               # indices that got one on this rank
        if init_sync:
            self._broadcast([t for t in module.state_dict(keep_vars=True).values()])
        self._hook_handles = [p.register_post_accumulate_grad_hook(self._make_hook(i)) for i, p in enumerate(params)]

    # ---- keeping replicas equal --------------------------------------------------------------------
    def _broadcast(self, tensors):
        """Rank 0's values of ``tensors`` everywhere, in one exchange."""
        from ...distributed.collectives import _arr, _write
        pg = self.process_group
        if pg.size() == 1 or not tensors:
            return
        arrays = pg._exchange([_arr(t) for t in tensors] if pg.rank() == 0 else None)[0]
        for t, a in zip(tensors, arrays):
            _write(t, a)

    def forward(self, *inputs, **kwargs):
        from ... import is_grad_enabled
        if self.require_forward_param_sync and self.broadcast_buffers and self._buffers_to_sync:
            self._broadcast(self._buffers_to_sync)
        armed = is_grad_enabled() and self.require_backward_grad_sync
        if armed and self._pending and not self.find_unused_parameters:
            idx = " ".join(str(i) for i in sorted(self._pending))
            raise RuntimeError(_UNUSED.format(rank=self.process_group.rank(), idx=idx))
        out = self.module(*inputs, **kwargs)
        if armed:
            self._pending = set(range(len(self._params)))
            self._used = set()
            if self.find_unused_parameters:
                reached = _reached(tensors_in(out))
                self._pending = {i for i in self._pending if id(self._params[i]) in reached}
                if not self._pending:
                    self._reduce()
        else:
            self._pending = None
        return out

    def _make_hook(self, i):
        def hook(param):
            pending = self._pending
            if pending is None or i not in pending:
                return
            pending.discard(i)
            self._used.add(i)
            if not pending:
                self._reduce()
        return hook

    def _reduce(self):
        """Average every parameter's gradient across the ranks (``.grad`` written in place)."""
        from ...distributed.collectives import _write
        from ... import from_numpy
        self._pending = None
        pg = self.process_group
        n = pg.size()
        grads = []
        for p in self._params:
            g = None if p.grad is None else np.asarray(p.grad.detach().numpy())
            grads.append(None if g is None else g * g.dtype.type(1.0 / n))
        everyone = pg._exchange(grads)
        for i, p in enumerate(self._params):
            parts = [g[i] for g in everyone if g[i] is not None]
            if not parts:
                continue            # no rank used it: the gradient stays None, as in torch
            total = parts[0]
            for a in parts[1:]:
                total = total + a
            total = np.asarray(total).astype(parts[0].dtype, copy=False)
            if p.grad is None:
                p.grad = from_numpy(np.array(total))
            else:
                _write(p.grad, total)

    @contextmanager
    def no_sync(self):
        """Backward passes inside accumulate gradients locally; the next synced one averages the sum."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def __getstate__(self):
        state = self.__dict__.copy()
        for k in ("process_group", "_hook_handles"):
            state.pop(k, None)
        return state
