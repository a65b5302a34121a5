"""The functional face of ``torch.nn.utils.prune``: each prunes ``module.<name>`` in place and returns the
module (``global_unstructured`` returns None).  The pruning classes are in ``prune.py``."""
from collections.abc import Iterable

import glasstorch as torch

from . import prune as _p
from .convert_parameters import parameters_to_vector


def identity(module, name):
    _p.Identity.apply(module, name)
    return module


def random_unstructured(module, name, amount):
    _p.RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module, name, amount, importance_scores=None):
    _p.L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module, name, amount, dim):
    _p.RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module, name, amount, n, dim, importance_scores=None):
    _p.LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def custom_from_mask(module, name, mask):
    _p.CustomFromMask.apply(module, name, mask)
    return module


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """Rank all the (module, name) tensors together, as one flat vector, then prune each by its share."""
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    scores = parameters_to_vector([importance_scores.get((module, name), getattr(module, name))
                                   for module, name in parameters])
    # tensors pruned before keep their mask: the global ranking only looks among surviving entries
    default_mask = parameters_to_vector([getattr(module, name + "_mask", torch.ones_like(getattr(module, name)))
                                         for module, name in parameters])
    container = _p.PruningContainer()
    container._tensor_name = "temp"
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. Found method '
                        f"{pruning_method} of type {method.PRUNING_TYPE}")
    container.add_pruning_method(method)
    final_mask = container.compute_mask(scores, default_mask)
    start = 0
    for module, name in parameters:
        param = getattr(module, name)
        n = param.numel()
        custom_from_mask(module, name, mask=final_mask[start:start + n].view_as(param))
        start += n


def remove(module, name):
    """Bake the mask of ``module.<name>`` into the parameter and drop the pruning hook."""
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, _p.BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed")


def is_pruned(module):
    """True when ``module`` or any submodule carries a pruning hook."""
    for _, sub in module.named_modules():
        for hook in sub._forward_pre_hooks.values():
            if isinstance(hook, _p.BasePruningMethod):
                return True
    return False
