"""``torch.optim.swap_in_optimizer_params_and_state``: run an optimizer, for the duration of a ``with``
block, on other parameter tensors and another ``optimizer.state_dict()``-shaped state, then put its
own parameters, hyperparameters and state back.

The state is keyed by packed parameter ids (0, 1, 2 ... in ``param_groups`` order), as
``state_dict()`` writes it; the parameters are given as a dict (``model.named_parameters()`` order)
and handed out to the groups in that order.  Checks and messages are torch's.
"""
import contextlib
from collections import defaultdict

from .._tensor import Tensor

_NAME = "swap_in_optimizer_params_and_state"


def _check_state(state):
    if not isinstance(state, dict):
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['state'] to be a dict mapping packed parameter "
                           f"ids to per-param state dicts, got {type(state).__name__}.")
    if any(isinstance(k, Tensor) for k in state):
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style state keyed by packed parameter ids.")
    if any(isinstance(k, int) and not isinstance(v, dict) for k, v in state.items()):
        raise RuntimeError(f"{_NAME} requires per-parameter optimizer state entries to be dictionaries.")
    return state


def _check_groups(optimizer, groups):
    if not isinstance(groups, list):
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['param_groups'] to be a list of param-group "
                           f"dicts, got {type(groups).__name__}.")
    if len(optimizer.param_groups) != len(groups):
        raise RuntimeError("swapin_optim_state has a different number of parameter groups than the live optimizer.")
    return groups


def _check_group(idx, group, swap):
    """The packed ids of one swap-in group, which must have the live group's keys and length."""
    if not isinstance(swap, dict):
        raise RuntimeError(f"{_NAME} requires each optimizer param group to be a dictionary.")
    ids = swap.get("params")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style param_groups[*]['params'] entries "
                           "keyed by packed parameter ids.")
    if len(group["params"]) != len(ids):
        raise RuntimeError(f"swapin_optim_state param group {idx} has a different number of params than the "
                           "live optimizer param group.")
    swap_only = [k for k in swap if k not in group]
    live_only = [k for k in group if k not in swap]
    if swap_only or live_only:
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style param group keys to exactly match the "
                           f"live optimizer group keys for group {idx}. Keys only in swap-in: {swap_only}. "
                           f"Keys only in live: {live_only}.")
    return ids


def _prepare(optimizer, params, osd):
    """Check everything first; returns the swap-in state and (live group, swap-in group, params) triples."""
    if not optimizer.state:
        raise RuntimeError(f"{_NAME} requires initialized optimizer state.")
    if not isinstance(osd, dict):
        raise RuntimeError(f"{_NAME} requires a DCP-style optimizer state_dict.")
    state = _check_state(osd.get("state"))
    groups = _check_groups(optimizer, osd.get("param_groups"))
    flat = list(params.values())
    offset, seen, plan = 0, set(), []
    for idx, (group, swap) in enumerate(zip(optimizer.param_groups, groups)):
        ids = _check_group(idx, group, swap)
        seen.update(ids)
        if offset + len(ids) > len(flat):
            raise RuntimeError(f"{_NAME} requires the explicit parameter state to match optimizer.param_groups "
                               "ordering.")
        plan.append((group, swap, flat[offset:offset + len(ids)]))
        offset += len(ids)
    extra = [k for k in state if k not in seen]
    if extra:
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['state'] to be keyed only by packed parameter "
                           f"ids from param_groups[*]['params']; got extra keys {extra!r}.")
    return state, plan


@contextlib.contextmanager
def swap_in_optimizer_params_and_state(optimizer, swapin_parameters, swapin_optim_state):
    """Temporarily give ``optimizer`` the tensors of ``swapin_parameters`` and the state and
    hyperparameters of ``swapin_optim_state``; in-place changes to the swapped-in tensors stay."""
    state, plan = _prepare(optimizer, swapin_parameters, swapin_optim_state)
    original_state = optimizer.state
    snapshots = [dict(g) for g in optimizer.param_groups]
    try:
        swapped = defaultdict(dict)
        for group, swap, params in plan:
            group["params"] = params
            for key, value in swap.items():
                if key != "params":
                    group[key] = value
            for p, pid in zip(params, swap["params"]):
                swapped[p] = dict(state.get(pid, {}))
        optimizer.state = swapped
        yield
    finally:
        for group, snap in zip(optimizer.param_groups, snapshots):
            group.clear()
            group.update(snap)
        optimizer.state = original_state


swap_in_optimizer_params_and_state.__module__ = "glasstorch.optim"
