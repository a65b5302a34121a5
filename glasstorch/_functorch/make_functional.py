"""``functorch.make_functional`` / ``make_functional_with_buffers`` / ``combine_state_for_ensemble``,
after torch's ``torch/_functorch/make_functional.py``: the model is deep-copied, its parameters (and
buffers) taken out and replaced by meta tensors, and the returned module swaps the tensors it is given
into the copy for the length of one call."""
import copy

from .. import nn
from ..func import _swap

__all__ = ["FunctionalModule", "FunctionalModuleWithBuffers", "make_functional", "make_functional_with_buffers",
           "combine_state_for_ensemble", "extract_weights", "extract_buffers"]


def raise_parameter_tying_error():
    raise RuntimeError("make_functional(module): we don't yet support models that do parameter tying (also "
                       "sometimes known as weight sharing). Please try to rewrite your model by replacing all "
                       "instances of the tied parameter with another and/or comment your support in "
                       "https://github.com/pytorch/functorch/issues/446")


def create_names_map(named_params, tied_named_params):
    """{first name: [every name the same tensor is reachable under]}: tied weights are swapped together."""
    by_id = {}
    for key, tensor in dict(named_params).items():
        by_id[id(tensor)] = (key, [])
    for key, tensor in dict(tied_named_params).items():
        by_id[id(tensor)][1].append(key)
    return dict(by_id.values())


def _extract_members(mod, named_members, subclass):
    from .. import empty_like
    all_named = tuple(named_members(remove_duplicate=False))
    unique_named = tuple(named_members(remove_duplicate=True))
    names_map = create_names_map(unique_named, all_named)
    memo = {}
    for name, p in all_named:
        if id(p) not in memo:
            memo[id(p)] = subclass(empty_like(p, device="meta"))
        _swap(mod, name, memo[id(p)])
    if not unique_named:
        return (), (), names_map
    names, params = zip(*unique_named)
    return params, names, names_map


def extract_weights(mod):
    return _extract_members(mod, mod.named_parameters, nn.Parameter)


def extract_buffers(mod):
    return _extract_members(mod, mod.named_buffers, lambda x: x)


def _swap_state(mod, names_map, elems):
    """Put ``elems`` in under every name of ``names_map``; the tensors that were there come back."""
    result = []
    for (_, attr_names), elem in zip(names_map.items(), elems):
        for i, attr_name in enumerate(attr_names):
            if i == 0:
                prefix, _, leaf = attr_name.rpartition(".")
                owner = mod.get_submodule(prefix) if prefix else mod
                result.append(getattr(owner, leaf))
            _swap(mod, attr_name, elem)
    return result


class FunctionalModuleWithBuffers(nn.Module):
    """The callable :func:`make_functional_with_buffers` returns: ``func(params, buffers, *args)``."""

    def __init__(self, stateless_model, param_names, buffer_names, param_names_map, buffer_names_map):
        super().__init__()
        self.stateless_model = stateless_model
        self.param_names = param_names
        self.buffer_names = buffer_names
        self.all_names_map = dict(param_names_map)
        self.all_names_map.update(buffer_names_map)

    @staticmethod
    def _create_from(model, disable_autograd_tracking=False):
        model_copy = copy.deepcopy(model)
        params, param_names, param_names_map = extract_weights(model_copy)
        buffers, buffer_names, buffer_names_map = extract_buffers(model_copy)
        if disable_autograd_tracking:
            for param in params:
                param.requires_grad_(False)
        return (FunctionalModuleWithBuffers(model_copy, param_names, buffer_names, param_names_map,
                                            buffer_names_map), params, buffers)

    def forward(self, params, buffers, *args, **kwargs):
        old_state = _swap_state(self.stateless_model, self.all_names_map, tuple(params) + tuple(buffers))
        try:
            return self.stateless_model(*args, **kwargs)
        finally:
            _swap_state(self.stateless_model, self.all_names_map, old_state)


class FunctionalModule(nn.Module):
    """The callable :func:`make_functional` returns: ``func(params, *args)``."""

    def __init__(self, stateless_model, param_names, names_map):
        super().__init__()
        self.stateless_model = stateless_model
        self.param_names = param_names
        self.names_map = names_map

    @staticmethod
    def _create_from(model, disable_autograd_tracking=False):
        model_copy = copy.deepcopy(model)
        params, param_names, names_map = extract_weights(model_copy)
        if disable_autograd_tracking:
            for param in params:
                param.requires_grad_(False)
        return FunctionalModule(model_copy, param_names, names_map), params

    def forward(self, params, *args, **kwargs):
        old_state = _swap_state(self.stateless_model, self.names_map, params)
        try:
            return self.stateless_model(*args, **kwargs)
        finally:
            _swap_state(self.stateless_model, self.names_map, old_state)


def make_functional(model, disable_autograd_tracking=False):
    """``func, params``; a model with buffers must use :func:`make_functional_with_buffers`."""
    if len(list(model.buffers())) > 0:
        raise RuntimeError("make_functional(model): `model` has buffers. Please use "
                           "make_functional_with_buffers(model) instead.")
    return FunctionalModule._create_from(model, disable_autograd_tracking=disable_autograd_tracking)


def make_functional_with_buffers(model, disable_autograd_tracking=False):
    """``func, params, buffers``."""
    return FunctionalModuleWithBuffers._create_from(model, disable_autograd_tracking=disable_autograd_tracking)


def transpose_stack(tuple_of_tuple_of_tensors):
    from .. import stack
    return tuple(stack(shards).detach() for shards in zip(*tuple_of_tuple_of_tensors))


def combine_state_for_ensemble(models):
    """``func, params, buffers`` with every parameter and buffer stacked over the ``M`` models."""
    if len(models) == 0:
        raise RuntimeError("combine_state_for_ensemble: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("combine_state_for_ensemble: Expected all models to have the same training/eval mode.")
    model0_typ = type(models[0])
    if not all(type(m) is model0_typ for m in models):
        raise RuntimeError("combine_state_for_ensemble: Expected all models to be of the same class.")
    funcs, params, buffers = zip(*[make_functional_with_buffers(model) for model in models])
    return funcs[0], transpose_stack(params), transpose_stack(buffers)
