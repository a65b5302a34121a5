"""``ZeroRedundancyOptimizer``: each rank keeps optimizer state for only its shard of the parameters.

Sharding (torch's ``_partition_parameters``): within each parameter group the parameters, largest
first, go one by one to the rank whose running total of elements is smallest (ties to the lowest
rank); the totals carry over from group to group.  ``step()`` runs the wrapped optimizer on the local
shard, then every rank broadcasts the parameters it owns, so all ranks end the step with the same
weights -- the values a plain optimizer on one process would give.
"""
from ... import no_grad
from ...optim.optimizer import Optimizer
from .. import distributed_c10d as _c10d


class ZeroRedundancyOptimizer(Optimizer):

    def __init__(self, params, optimizer_class, process_group=None, parameters_as_bucket_view=False,
                 overlap_with_ddp=False, **defaults):
        # torch resolves the group first: with no default group this is the ValueError users see
        self.process_group = process_group if process_group is not None else _c10d._pg()
        self.world_size = _c10d.get_world_size(self.process_group)
        self.rank = _c10d.get_rank(self.process_group)
        self.global_rank = self.rank
        self._optim_constructor = optimizer_class
        self._optim_defaults = defaults
        self.parameters_as_bucket_view = parameters_as_bucket_view
        self._overlap_with_ddp = overlap_with_ddp
        if overlap_with_ddp:
            raise NotImplementedError("ZeroRedundancyOptimizer(overlap_with_ddp=True) needs a DDP "
                                      "communication hook, which glasstorch does not have")
        super().__init__(params, defaults)
        self._build_local_optimizer()

    def _partition_parameters(self):
        sizes = [0] * self.world_size
        per_rank = [[] for _ in range(self.world_size)]
        for group in self.param_groups:
            shards = [[] for _ in range(self.world_size)]
            for p in sorted(group["params"], key=lambda t: t.numel(), reverse=True):
                r = sizes.index(min(sizes))
                shards[r].append(p)
                sizes[r] += p.numel()
            for r in range(self.world_size):
                g = {k: v for k, v in group.items() if k != "params"}
                g["params"] = shards[r]
                per_rank[r].append(g)
        return per_rank

    def _build_local_optimizer(self):
        self._partition = self._partition_parameters()
        self._owner = {id(p): r for r, groups in enumerate(self._partition) for g in groups for p in g["params"]}
        # every group, even one this rank owns nothing of, so the local groups line up with the wrapper's
        self.optim = self._optim_constructor(self._partition[self.rank], **self._optim_defaults)

    def add_param_group(self, param_group):
        super().add_param_group(param_group)
        if hasattr(self, "_partition"):
            self._build_local_optimizer()

    def step(self, closure=None, **kwargs):
        # group options changed on the wrapper (an LR scheduler) reach the shard first, and whatever
        # the local step changed comes back
        self._sync_param_groups(self.param_groups, self.optim.param_groups)
        loss = self.optim.step(closure=closure, **kwargs) if closure is not None else self.optim.step(**kwargs)
        self._sync_param_groups(self.optim.param_groups, self.param_groups)
        if self.world_size > 1:
            from ..collectives import broadcast
            with no_grad():
                for group in self.param_groups:
                    for p in group["params"]:
                        broadcast(p.data, src=_c10d.get_global_rank(self.process_group, self._owner[id(p)]),
                                  group=self.process_group)
        return loss

    @staticmethod
    def _sync_param_groups(src_param_groups, dst_param_groups):
        for src, dst in zip(src_param_groups, dst_param_groups):
            for k, v in src.items():
                if k != "params":
                    dst[k] = v

    def consolidate_state_dict(self, to=0):
        """Gather every rank's local optimizer state on rank ``to`` (call it on all ranks)."""
        from ..collectives import all_gather_object
        self._sync_param_groups(self.param_groups, self.optim.param_groups)
        got = [None] * self.world_size
        all_gather_object(got, self.optim.state_dict(), group=self.process_group)
        self._all_state_dicts = got if self.rank == to else []

    def state_dict(self):
        """The global state, parameters indexed as in the wrapper's groups; needs a prior
        ``consolidate_state_dict`` to this rank."""
        if not getattr(self, "_all_state_dicts", None):
            raise RuntimeError("Optimizer state has not been consolidated on this rank. "
                               f"Please call `consolidate_state_dict(to={self.rank})` on "
                               "all ranks beforehand if you meant to save the global state.")
        state_dict = super().state_dict()
        index = {id(p): i for i, p in enumerate(p for g in self.param_groups for p in g["params"])}
        for rank, local in enumerate(self._all_state_dicts):
            for lg, gg in zip(local["param_groups"], self._partition[rank]):
                for li, p in zip(lg["params"], gg["params"]):
                    if li in local["state"]:
                        state_dict["state"][index[id(p)]] = local["state"][li]
        state_dict["state"] = dict(sorted(state_dict["state"].items()))
        return state_dict
