"""``torch.optim.Optimizer``: parameter groups, per-parameter state, and their state_dict.

A subclass gives ``defaults`` and a ``step`` that gathers each group's lists and calls one plain
function (see ``sgd.py``).  ``param_groups`` are dicts filled from ``defaults`` by
``setdefault``; ``state`` is keyed by the parameter tensor; ``state_dict()`` swaps parameters for
integer positions.  ``step`` gets no wrapper until a step hook exists (torch wraps it always).
"""
import warnings
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from copy import deepcopy
from itertools import chain

from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from ..autograd.graph import RemovableHandle   # the one handle class all hooks share, as torch's

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]


class _RequiredParameter:
    """Singleton class representing a required parameter for an Optimizer."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()

_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()
_all_optimizers = weakref.WeakSet()      # to hook optimizers made before a global hook


def _typename(obj):
    """``torch.typename``: ``torch.FloatTensor`` for tensors, ``int`` for builtins."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def _to_scalar(x):
    """A hyperparameter given as a 1-element tensor becomes a 0-d one; numbers stay."""
    if isinstance(x, Tensor) and x.dim() != 0:
        return x.view(())
    return x


def _lr_value(lr):
    return lr.item() if isinstance(lr, Tensor) else lr


def _closure_loss(closure):
    if closure is None:
        return None
    with enable_grad():
        return closure()


def _use_grad_for_differentiable(fn):
    return fn


def _add_hook(hooks, hook):
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def register_optimizer_step_pre_hook(hook):
    """A pre hook on every optimizer: ``hook(optimizer, args, kwargs) -> None or (args, kwargs)``."""
    for opt in list(_all_optimizers):
        opt._install_hooked_step()
    return _add_hook(_global_optimizer_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """A post hook on every optimizer: ``hook(optimizer, args, kwargs) -> None``."""
    for opt in list(_all_optimizers):
        opt._install_hooked_step()
    return _add_hook(_global_optimizer_post_hooks, hook)


class Optimizer:
    """Base class of all optimizers."""

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)
        _all_optimizers.add(self)
        self._zero_grad_profile_name = f"Optimizer.zero_grad#{type(self).__name__}.zero_grad"
        if _global_optimizer_pre_hooks or _global_optimizer_post_hooks:
            self._install_hooked_step()

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks", "_optimizer_state_dict_pre_hooks",
                     "_optimizer_state_dict_post_hooks", "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self._zero_grad_profile_name = f"Optimizer.zero_grad#{type(self).__name__}.zero_grad"
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += "\n"
            s += f"Parameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        s += ")"
        return s

    # ---- parameter groups ------------------------------------------------------------------
    def add_param_group(self, param_group):
        """Add a group; options it leaves out come from ``defaults``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)
        # (name, tensor) pairs, as named_parameters() gives, keep their names
        tensors, names = [], []
        for p in param_group["params"]:
            if isinstance(p, tuple):
                names.append(p[0])
                tensors.append(p[1])
            else:
                tensors.append(p)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        if len(tensors) != len(set(map(id, tensors))):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        param_set = set()
        for group in self.param_groups:
            param_set.update(map(id, group["params"]))
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {txt} to the optimizer")
        if not param_set.isdisjoint(map(id, tensors)):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Clear every parameter's ``.grad`` (to None by default, as torch 2.x)."""
        self.defaults.get("foreach", False) or self.defaults.get("fused", False)    # torch reads them first
        if not hasattr(self, "_zero_grad_profile_name"):        # __init__ never ran: _step_patch.py
            from ._step_patch import patch_step_function
            patch_step_function(self)
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    if g.is_sparse:
                        g.zero_()
                    else:
                        g._data[...] = 0
                    g._vc[0] += 1

    # ---- state_dict ------------------------------------------------------------------------
    def state_dict(self):
        """{'state': {index: state}, 'param_groups': [{options..., 'params': [indices]}]}."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        mappings = {}
        start = 0

        def pack(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            mappings.update({id(p): i for i, p in enumerate(group["params"], start) if id(p) not in mappings})
            packed["params"] = [mappings[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack(g) for g in self.param_groups]
        packed_state = {(mappings[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _process_value_according_to_param_policy(param, value, param_id, param_groups, key=None):
        """Float state follows the parameter's dtype; ``step`` stays as saved."""
        fused = capturable = False
        for pg in param_groups:
            if param_id in pg["params"]:
                fused = pg.get("fused", False)
                capturable = pg.get("capturable", False)
                break
        if key == "step":
            if capturable or fused:
                from .._dtype import float32
                return value.to(dtype=float32)
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype)
        return value

    def load_state_dict(self, state_dict):
        """Load a ``state_dict()``; parameters are matched by position, not checked further."""
        state_dict = state_dict.copy()
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, param_id, key=None):
            if isinstance(value, Tensor):
                return Optimizer._process_value_according_to_param_policy(
                    param, value, param_id, state_dict["param_groups"], key)
            if isinstance(value, dict):
                return {k: cast(param, v, param_id, k) for k, v in value.items()}
            if isinstance(value, Iterable) and not isinstance(value, str):
                return type(value)(cast(param, v, param_id) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = cast(id_map[k], v, k)
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    # ---- hooks -----------------------------------------------------------------------------
    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs)`` before each step."""
        self._install_hooked_step()
        return _add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` after each step."""
        self._install_hooked_step()
        return _add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        handle = _add_hook(self._optimizer_state_dict_pre_hooks, hook)
        if prepend:
            self._optimizer_state_dict_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_state_dict_post_hook(self, hook, prepend=False):
        handle = _add_hook(self._optimizer_state_dict_post_hooks, hook)
        if prepend:
            self._optimizer_state_dict_post_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        handle = _add_hook(self._optimizer_load_state_dict_pre_hooks, hook)
        if prepend:
            self._optimizer_load_state_dict_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        handle = _add_hook(self._optimizer_load_state_dict_post_hooks, hook)
        if prepend:
            self._optimizer_load_state_dict_post_hooks.move_to_end(handle.id, last=False)
        return handle

    def _install_hooked_step(self):
        """Wrap this optimizer's ``step`` with the hooks, once a hook exists (no cost before)."""
        if "step" in self.__dict__:
            return
        plain = type(self).step

        def step(*args, **kwargs):
            args = (self,) + args          # torch's hooks see ``self`` as the first argument
            for hook in list(chain(_global_optimizer_pre_hooks.values(), self._optimizer_step_pre_hooks.values())):
                result = hook(self, args, kwargs)
                if result is not None:
                    if isinstance(result, tuple) and len(result) == 2:
                        args, kwargs = result
                    else:
                        raise RuntimeError(f"{plain} must return None or a tuple of (new_args, new_kwargs), "
                                           f"but got {result}.")
            out = plain(*args, **kwargs)
            for hook in list(chain(self._optimizer_step_post_hooks.values(), _global_optimizer_post_hooks.values())):
                hook(self, args, kwargs)
            return out
        self.step = step

    # ---- what step() gathers ---------------------------------------------------------------
    def _init_group(self, group, *keys):
        """torch's ``_init_group``: the group's params that have a gradient, their grads, then for
        each name in ``keys`` the list of that state entry per param (``None`` gives an empty list,
        for buffers an option turns off).  A param without state first gets ``_new_state``."""
        params, grads, lists = [], [], [[] for _ in keys]
        for p in group["params"]:
            if p._grad is None:
                continue
            if self._sparse_error is not None and p._grad.is_sparse:
                raise RuntimeError(self._sparse_error)
            params.append(p)
            grads.append(p._grad)
            state = self.state[p]
            if len(state) == 0:
                state.update(self._new_state(group, p))
            for key, out in zip(keys, lists):
                if key is not None:
                    out.append(state[key])
        return (params, grads, *lists)

    # torch's message for a sparse gradient, raised by ``_init_group`` (None: sparse grads are handled)
    _sparse_error = None

    def _new_state(self, group, p):
        """A param's state at its first step; empty where the constructor makes it (Adagrad)."""
        return {}

    def _fill_group_options(self, **options):
        """``__setstate__`` of an older pickle: options a group lacks take these values."""
        for group in self.param_groups:
            for name, value in options.items():
                group.setdefault(name, value)

    def step(self, closure=None):
        """Perform a single optimization step (subclasses implement it)."""
        raise NotImplementedError
