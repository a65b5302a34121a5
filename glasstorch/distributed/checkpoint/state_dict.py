"""``torch.distributed.checkpoint.state_dict``: model state dicts keyed by fully qualified names, for one
process (no FSDP, no DTensor; the optimizer half is not implemented yet).

``get_model_state_dict`` is ``model.state_dict()`` with the DDP ``module.`` / compile ``_orig_mod.``
prefixes removed, filtered by the (deprecated) submodules and ``ignore_frozen_params``, and copied into a
plain dict when ``full_state_dict`` or ``cpu_offload`` asks for it (the tensors are the same: on the CPU
there is nothing to gather or move).  ``set_model_state_dict`` loads with ``strict`` and, for a full
state dict, takes each tensor from the given dict -- which needs the process group's device when the
model's tensors are all on the meta device, so it fails there without one, as torch does."""
import warnings
from dataclasses import asdict, dataclass

import glasstorch as _torch

__all__ = ["StateDictOptions", "get_model_state_dict", "set_model_state_dict"]


@dataclass
class StateDictOptions:
    full_state_dict: bool = False
    cpu_offload: bool = False
    ignore_frozen_params: bool = False
    keep_submodule_prefixes: bool = True
    strict: bool = True
    broadcast_from_rank0: bool = False
    flatten_optimizer_state_dict: bool = False
    dsd_fqn_modifiers: str = "_fqn_modifiers"


def _get_fqns(model, name, skip_ddp_prefix=True, skip_compiler_prefix=True):
    """The name without the wrappers' own levels (DDP's ``module``, torch.compile's ``_orig_mod``)."""
    from ...nn.parallel import DistributedDataParallel
    parts, out, mod = name.split("."), [], model
    for part in parts:
        if isinstance(mod, DistributedDataParallel) and part == "module" and skip_ddp_prefix:
            mod = mod.module
            continue
        if part == "_orig_mod" and type(mod).__name__ == "OptimizedModule" and skip_compiler_prefix:
            mod = getattr(mod, "_orig_mod")
            continue
        out.append(part)
        mod = getattr(mod, part, None)
    return {".".join(out)}


def _verify_options(model, optim_only, submodules, options):
    if submodules:
        warnings.warn("Getting submodules only model/optim state_dict is deprecated and will be removed in 2.5. "
                      "This feature can be achieved by manually filtering out the state_dict returned from "
                      "get_state_dict.", FutureWarning, stacklevel=2)
    options = options or StateDictOptions()
    prefixes = set()
    if submodules:
        submodules = set(submodules)
        for name, module in model.named_modules():
            if module in submodules:
                prefixes.update(f"{fqn}." for fqn in _get_fqns(model, name))
    if options.broadcast_from_rank0 and not options.full_state_dict:
        raise ValueError("full_state_dict must be True when broadcast_from_rank0 is True.")
    return dict(asdict(options), submodule_prefixes=prefixes, handle_model=not optim_only)


def _verify_state_dict(model_state_dict, info):
    if (info["handle_model"] and not model_state_dict and not info["submodule_prefixes"]
            and not info["ignore_frozen_params"] and not (info["cpu_offload"] and info["full_state_dict"])
            and info["strict"] and not info["broadcast_from_rank0"]):
        # torch's message calls dist.get_rank(), which raises first when no process group exists
        raise RuntimeError("The option indicates that model state_dict is required to save or load, but model "
                           f"state_dict is empty.rank = {_torch.distributed.get_rank()=}.")


def get_model_state_dict(model, *, submodules=None, options=None):
    info = _verify_options(model, False, submodules, options)
    state_dict = model.state_dict()
    for key in list(state_dict):
        fqn = next(iter(_get_fqns(model, key)))
        if fqn != key:
            state_dict[fqn] = state_dict.pop(key)
    if info["submodule_prefixes"]:
        new = {}
        for fqn in state_dict:
            for prefix in info["submodule_prefixes"]:
                if fqn.startswith(prefix):
                    new[fqn if info["keep_submodule_prefixes"] else fqn[len(prefix):]] = state_dict[fqn]
        state_dict = new
    if info["ignore_frozen_params"]:
        for key, param in model.named_parameters():
            if not param.requires_grad:
                for fqn in _get_fqns(model, key):
                    state_dict.pop(fqn)
    if info["full_state_dict"] or info["cpu_offload"]:
        state_dict = dict(state_dict)
    _verify_state_dict(state_dict, info)
    return state_dict


def _pg_default_device():
    warnings.warn("`_get_pg_default_device` will be deprecated, it only stays for backward-compatibility reason. "
                  "If you need to find a device for object collectives, please use `_get_object_coll_device`. If "
                  "you need to query the device types supported by group, please use `_device_capability(group)`. ",
                  stacklevel=2)
    _torch.distributed.get_rank()           # no process group: torch's ValueError
    return _torch.device("cpu")


def _unflatten_model_state_dict(model, state_dict):
    if not state_dict or not isinstance(next(iter(state_dict)), _torch.nn.Module):
        return state_dict
    warnings.warn("Passing model_state_dict as a ``Dict[nn.Module, Dict[str, Any]]``is deprecated and will be "
                  "removed in 2.5. If you need this feature, please preprocess the model_state_dict to achieve the "
                  "same functionality.", FutureWarning, stacklevel=2)
    new = {}
    for submodule, sub_sd in state_dict.items():
        for name, m in model.named_modules():
            if m == submodule:
                fqn = next(iter(_get_fqns(model, name)))
                new.update({f"{fqn}.{k}" if fqn else k: v for k, v in sub_sd.items()})
    return new


def set_model_state_dict(model, model_state_dict, *, options=None):
    model_state_dict = _unflatten_model_state_dict(model, model_state_dict)
    info = _verify_options(model, False, None, options)
    _verify_state_dict(model_state_dict, info)
    if not model_state_dict and not info["broadcast_from_rank0"]:
        return _torch.nn.modules.module._IncompatibleKeys([], [])
    local = {}
    for key, value in model.state_dict(keep_vars=True).items():
        fqn = next(iter(_get_fqns(model, key)))
        with_prefix = next(iter(_get_fqns(model, key, skip_ddp_prefix=False, skip_compiler_prefix=False)))
        if fqn != with_prefix:
            load_value = model_state_dict.pop(fqn, None)
            if load_value is None:
                if info["strict"]:
                    raise RuntimeError(f"Missing key: {fqn}.")
            else:
                model_state_dict[with_prefix] = load_value
        local[with_prefix] = value
    assign = False
    if info["broadcast_from_rank0"] or info["full_state_dict"]:
        devices = {v.device for v in local.values() if _torch.is_tensor(v) and v.dim() > 0}
        if _torch.device("meta") in devices:
            devices.remove(_torch.device("meta"))
            assign = True
        if not devices:
            devices.add(_pg_default_device())
        elif len(devices) > 1:
            raise ValueError("Multiple devices found")
        device = devices.pop()
        if info["broadcast_from_rank0"]:
            raise NotImplementedError("set_model_state_dict(broadcast_from_rank0=True) is not implemented in "
                                      "glasstorch yet")
        for key, value in model_state_dict.items():
            if not _torch.is_tensor(value):
                local[key] = value
            elif value.dim() == 0:
                local[key] = value.cpu()
            elif local.get(key) is not None:
                local[key] = value.detach().to(device)
        model_state_dict.update(local)
    return model.load_state_dict(model_state_dict, strict=info["strict"], assign=assign)
