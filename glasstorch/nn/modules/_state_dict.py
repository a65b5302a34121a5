"""``Module.state_dict`` and ``load_state_dict``, with torch's keys, order and error messages."""
from collections import OrderedDict, namedtuple
import warnings

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ... import __future__ as _future
from ...utils._swap import swap_tensors


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns; prints ``<All keys matched successfully>`` when clean."""
    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


_EXTRA_STATE_KEY_SUFFIX = "_extra_state"


def _overrides(module, name):
    """Whether the module's class overrides ``Module.<name>`` (torch checks the class, not the instance)."""
    base = getattr(LoadHooks, name)
    return getattr(module.__class__, name, base) is not base


def save_own(module, destination, prefix, keep_vars):
    """torch's ``_save_to_state_dict``: own parameters, persistent buffers, then the extra state."""
    for name, p in module._parameters.items():
        if p is not None:
            destination[prefix + name] = p if keep_vars else p.detach()
    for name, b in module._buffers.items():
        if b is not None and name not in module._non_persistent_buffers_set:
            destination[prefix + name] = b if keep_vars else b.detach()
    if _overrides(module, "get_extra_state"):
        destination[prefix + _EXTRA_STATE_KEY_SUFFIX] = module.get_extra_state()


def state_dict(module, destination=None, prefix="", keep_vars=False):
    """Parameters, then persistent buffers, extra state, each child's entries, keyed by dotted name;
    post-hooks run last, as in torch."""
    if destination is None:
        destination = OrderedDict()
        destination._metadata = OrderedDict()
    for hook in module.__dict__.get("_state_dict_pre_hooks", {}).values():
        hook(module, prefix, keep_vars)
    local_metadata = {"version": module._version}
    meta = getattr(destination, "_metadata", None)
    if meta is not None:
        meta[prefix[:-1]] = local_metadata
    module._save_to_state_dict(destination, prefix, keep_vars)
    for name, child in module._modules.items():
        if child is not None:
            child.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
    for hook in module._state_dict_hooks.values():
        result = hook(module, destination, prefix, local_metadata)
        if result is not None:
            # hooks of the private _register_state_dict_hook may hand back a new dict; public ones may not
            if getattr(hook, "_from_public_api", False):
                raise RuntimeError("state_dict post-hook must return None")
            destination = result
    return destination


def _as_param_like(param, value):
    """``value`` as what replaces ``param``: a Parameter (``value`` itself if it is one) with
    ``param``'s requires_grad when ``param`` is a Parameter, else ``value``."""
    from ..parameter import Parameter
    if not isinstance(param, Parameter):
        return value
    if isinstance(value, Parameter):
        return value.requires_grad_(param.requires_grad)
    return Parameter(value, requires_grad=param.requires_grad)


def _load_own(module, sd, prefix, strict, missing, unexpected, errors, assign):
    persistent = {k: v for k, v in module._buffers.items() if k not in module._non_persistent_buffers_set}
    local = {k: v for k, v in list(module._parameters.items()) + list(persistent.items()) if v is not None}
    for name, param in local.items():
        key = prefix + name
        if key not in sd:
            missing.append(key)
            continue
        value = sd[key]
        if not isinstance(value, Tensor):
            errors.append(f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like '
                          f"object from checkpoint but received {type(value)}")
            continue
        if param.dim() == 0 and value.dim() == 1 and value.shape[0] == 1:   # torch 0.3 checkpoints: 0-d as [1]
            value = value[0]
        if value.shape != param.shape:
            errors.append(f"size mismatch for {key}: copying a param with shape {value.shape} from checkpoint, "
                          f"the shape in current model is {param.shape}.")
            continue
        if param._is_meta and not value._is_meta and not assign:
            warnings.warn(f"for {key}: copying from a non-meta parameter in the checkpoint to a meta parameter in "
                          "the current model, which is a no-op. (Did you mean to pass `assign=True` to assign items "
                          "in the state dictionary to their corresponding key in the module instead of copying "
                          "them in place?)", UserWarning, stacklevel=4)
        swap = _future.get_swap_module_params_on_conversion()
        try:
            with no_grad():
                if swap:
                    # the module's tensor trades contents with what its module_load makes of the value
                    new = param.module_load(value, assign=assign)
                    if new is value or new is param:
                        raise RuntimeError("module_load returned one of self or other, please .detach() the "
                                           "result if returning one of the inputs in module_load")
                    swap_tensors(param, _as_param_like(param, new))
                elif assign:
                    setattr(module, name, _as_param_like(param, value))
                else:
                    param.copy_(value)
        except Exception as ex:     # noqa: BLE001  (torch reports any failure among the load's errors)
            errors.append(f'While {"swapping" if swap else "copying"} the parameter named "{key}", whose dimensions '
                          f"in the model are {param.size()} and whose dimensions in the checkpoint are "
                          f"{value.size()}, an exception occurred : {ex.args}.")
    extra_key = prefix + _EXTRA_STATE_KEY_SUFFIX
    if _overrides(module, "set_extra_state"):
        if extra_key in sd:
            module.set_extra_state(sd[extra_key])
        else:
            missing.append(extra_key)
    elif extra_key in sd:
        unexpected.append(extra_key)
    for key in sd:
        if key.startswith(prefix) and key != extra_key:
            name = key[len(prefix):].split(".", 1)
            # a dotted name must belong to a child module; a plain one to this module's own tensors
            if (name[0] not in module._modules) if len(name) > 1 else (name[0] not in local):
                unexpected.append(key)


def load_state_dict(module, sd, strict=True, assign=False):
    """Copy ``sd`` into the module's tensors; raise torch's error listing every problem when strict."""
    if not isinstance(sd, dict):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(sd)}.")
    missing, unexpected, errors = [], [], []
    meta = getattr(sd, "_metadata", None)
    sd = OrderedDict(sd)             # pre-hooks may rename keys: never in the caller's dict
    if meta is not None:
        sd._metadata = meta

    def walk(m, local_sd, prefix):
        """torch's load(): the module's _load_from_state_dict (which subclasses override, e.g. batch
        norms for old checkpoints) sees only the keys under its prefix; post-hooks run bottom-up."""
        local_meta = {} if meta is None else meta.get(prefix[:-1], {})
        if assign:
            local_meta["assign_to_params_buffers"] = assign
        m._load_from_state_dict(local_sd, prefix, local_meta, True, missing, unexpected, errors)
        for name, child in m._modules.items():
            if child is not None:
                child_prefix = prefix + name + "."
                walk(child, {k: v for k, v in local_sd.items() if k.startswith(child_prefix)}, child_prefix)
        incompatible = _IncompatibleKeys(missing, unexpected)
        for hook in m.__dict__.get("_load_state_dict_post_hooks", {}).values():
            if hook(m, incompatible) is not None:
                raise AssertionError("Hooks registered with ``register_load_state_dict_post_hook`` are not expected "
                                     "to return new values, if incompatible_keys need to be modified, it should be "
                                     "done inplace.")

    walk(module, sd, "")
    result = _IncompatibleKeys(missing, unexpected)
    if strict:
        if unexpected:
            errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected)))
        if missing:
            errors.insert(0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing)))
    if errors:
        raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
            type(module).__name__, "\n\t".join(errors)))
    return result


class LoadHooks:
    """Module's load_state_dict hooks: pre-hooks see (and may rewrite) the state dict before a module
    takes its entries; post-hooks see the module and the incompatible keys afterwards."""

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        """Take this module's own parameters and persistent buffers from ``state_dict`` (keys
        ``prefix + name``); what does not fit goes into the three lists, as in torch."""
        for hook in self.__dict__.get("_load_state_dict_pre_hooks", {}).values():
            hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        _load_own(self, state_dict, prefix, strict, missing_keys, unexpected_keys, error_msgs,
                  local_metadata.get("assign_to_params_buffers", False))

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        """Put this module's own parameters, persistent buffers and extra state into ``destination``."""
        save_own(self, destination, prefix, keep_vars)

    def get_extra_state(self):
        """Override (with ``set_extra_state``) to store extra state under ``<prefix>_extra_state``."""
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never be called. "
                           "Please file an issue at https://github.com/pytorch/pytorch/issues/new?template="
                           "bug-report.yml to report this bug.")

    def set_extra_state(self, state):
        """Override to take back what ``get_extra_state`` stored."""
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never be called. "
                           "Please file an issue at https://github.com/pytorch/pytorch/issues/new?template="
                           "bug-report.yml to report this bug.")

    def _register_load_state_dict_pre_hook(self, hook, with_module=False):
        from functools import partial
        from ._hooks import add_hook
        store = self.__dict__.setdefault("_load_state_dict_pre_hooks", OrderedDict())
        return add_hook(store, partial(hook, self) if with_module else hook, False)

    def register_load_state_dict_pre_hook(self, hook):
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def register_load_state_dict_post_hook(self, hook):
        from ._hooks import add_hook
        store = self.__dict__.setdefault("_load_state_dict_post_hooks", OrderedDict())
        return add_hook(store, hook, False)
