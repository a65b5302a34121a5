"""``torch.distributed.algorithms.join``: training on uneven inputs.  A rank that runs out of data
leaves the ``with Join(...)`` block and keeps answering its peers' collectives (each joinable's
``main_hook``) until every rank has left; then each ``post_hook`` learns whether this rank was the
last to join.  The ranks count who is still working with an all_reduce per round: a working rank
adds 1 (``notify_join_context``), a joined one 0."""
import warnings
from abc import ABC, abstractmethod
from typing import NamedTuple

__all__ = ["JoinHook", "Joinable", "Join"]


class JoinHook:
    """What a joined rank does each round (``main_hook``) and once all have joined (``post_hook``)."""

    def main_hook(self):
        pass

    def post_hook(self, is_last_joiner):
        pass


class _JoinConfig(NamedTuple):
    enable: bool
    throw_on_early_termination: bool
    is_first_joinable: bool

    @staticmethod
    def construct_disabled_join_config():
        return _JoinConfig(enable=False, throw_on_early_termination=False, is_first_joinable=False)


class Joinable(ABC):
    @abstractmethod
    def __init__(self):
        super().__init__()
        self._join_config = _JoinConfig.construct_disabled_join_config()

    @abstractmethod
    def join_hook(self, **kwargs):
        ...

    @property
    @abstractmethod
    def join_device(self):
        ...

    @property
    @abstractmethod
    def join_process_group(self):
        ...


class Join:
    def __init__(self, joinables, enable=True, throw_on_early_termination=False, **kwargs):
        if len(joinables) == 0:
            raise ValueError("The join context manager requires at least one joinable")
        self._joinables = joinables
        self._join_hooks = [j.join_hook(**kwargs) for j in joinables]
        self._enable = enable
        self._throw_on_early_termination = throw_on_early_termination
        for i, j in enumerate(joinables):
            j._join_config = _JoinConfig(enable=enable, throw_on_early_termination=throw_on_early_termination,
                                         is_first_joinable=i == 0)
        self._process_group = self._device = None
        for j in joinables:
            if self._process_group is None:
                self._process_group = j.join_process_group
            elif self._process_group != j.join_process_group:
                raise ValueError("Using join context manager with multiple process groups")
            if self._device is None:
                self._device = j.join_device
        from .. import get_rank
        self._rank = get_rank(self._process_group)

    def __enter__(self):
        pass

    def __exit__(self, type, value, traceback):
        if not self._enable or type:
            return                      # an exception goes on as it is
        is_last_joiner = True
        rounds = 0
        warnings.simplefilter("once")
        while self._count(0) != 0:
            if rounds > 1000:
                warnings.warn(f"Detected uneven input skew of greater than 1000. This means that rank "
                              f"{self._rank} has at least 1000 fewer inputs than other currently-active ranks. "
                              "This level of skew could lead to performance degradation during training.")
            if self._throw_on_early_termination:
                self._count(1)
                raise RuntimeError(f"Rank {self._rank} exhausted all inputs.")
            for hook in self._join_hooks:
                hook.main_hook()
            is_last_joiner = False
            rounds += 1
        for hook in self._join_hooks:
            hook.post_hook(is_last_joiner)

    def _count(self, mine):
        from ... import tensor
        from .. import all_reduce
        t = tensor([float(mine)], device=self._device)
        all_reduce(t, group=self._process_group)
        return t.item()

    @staticmethod
    def notify_join_context(joinable):
        """A working rank's vote for this round (only the first joinable votes)."""
        if not hasattr(joinable, "_join_config"):
            raise AssertionError(f"Check that the {type(joinable)} constructor calls the ``Joinable`` constructor")
        config = joinable._join_config
        if not config.is_first_joinable or not config.enable:
            return None
        from ... import ones, zeros
        from .. import all_reduce
        work = all_reduce(ones(1, device=joinable.join_device), group=joinable.join_process_group, async_op=True)
        if config.throw_on_early_termination:
            z = zeros(1, device=joinable.join_device)
            all_reduce(z, group=joinable.join_process_group)
            if z.item():
                raise RuntimeError("Detected at least one rank that exhausted inputs. Throwing across all ranks.")
        return work
