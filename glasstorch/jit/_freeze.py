"""``torch.jit.freeze`` / ``optimize_for_inference``, eagerly.

torch inlines parameters and attributes into the graph as constants: the frozen module has no
parameters, buffers or submodules left (nor a ``training`` attribute), its outputs do not require
grad through the weights, and it still sees in-place changes to the weights' memory.  Here the frozen
module runs a copy of the original tree whose parameters are detached views of the same memory.
Graph rewrites (Conv-BatchNorm folding ...) are not made, so outputs equal the unfrozen module's.
"""
import copy
import warnings

from ..nn.modules.module import Module
from ._script import ScriptModule, RecursiveScriptModule, _pairs


def _detached_tree(mod, wrappers, memo):
    """A copy of ``mod``'s tree holding the state its wrapper (``wrappers[id(mod)]``) runs it with."""
    if id(mod) in memo:
        return memo[id(mod)]
    new = copy.copy(mod)
    memo[id(mod)] = new
    d = new.__dict__
    w = wrappers.get(id(mod))
    src = mod.__dict__ if w is None else w.__dict__
    d.update(src.get("_gt_attrs", {}))
    d["_parameters"] = {k: (None if p is None else p.detach()) for k, p in src["_parameters"].items()}
    d["_buffers"] = dict(src["_buffers"])
    d["_modules"] = {k: (None if c is None else _detached_tree(c, wrappers, memo))
                     for k, c in mod._modules.items()}
    d["training"] = src.get("_gt_baked", src.get("training", False))
    return new


def frozen_wrapper(runner, name, preserved=()):
    """A ``RecursiveScriptModule`` with nothing but a forward (``runner``), its original name and the
    attributes and methods named in ``preserved`` (read from ``runner``)."""
    w = RecursiveScriptModule.__new__(RecursiveScriptModule)
    Module.__init__(w)
    d = w.__dict__
    del d["training"]
    d["_gt_frozen"] = runner
    d["_gt_name"] = name
    d["_gt_hide"] = True
    d["_gt_preserved"] = list(preserved)
    d["_gt_attrs"] = {attr: getattr(runner, attr) for attr in preserved}
    return w


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """``torch.jit.freeze``: an eval-mode script module with its weights turned into constants."""
    warnings.warn("`torch.jit.freeze` is deprecated. Please use `torch.compile` instead.",
                  DeprecationWarning)     # torch's line: hidden by the default filters
    if not isinstance(mod, ScriptModule):
        raise RuntimeError("Freezing expects a ScriptModule as input. Please use torch.jit.script or "
                           "torch.jit.trace to script your 'nn.Module'.")
    if mod.training:
        raise RuntimeError("Freezing is currently only implemented for modules in eval mode. Please call .eval() "
                           "on your module before freezing.")
    preserved = list(preserved_attrs or [])
    for attr in preserved:
        if not hasattr(mod, attr):
            raise RuntimeError(f"Unknown name: {attr}")
    if "_gt_frozen" in mod.__dict__:
        return frozen_wrapper(mod.__dict__["_gt_frozen"], mod.original_name, preserved)
    if "_gt_orig" not in mod.__dict__:          # a ScriptModule subclass of the user's
        return frozen_wrapper(_detached_tree(mod, {}, {}), type(mod).__name__, preserved)
    wrappers = {id(orig): w for orig, w in _pairs(mod)}
    return frozen_wrapper(_detached_tree(mod.__dict__["_gt_orig"], wrappers, {}), mod.original_name, preserved)


def run_frozen_optimizations(mod, optimize_numerics=True, preserved_methods=None):
    """torch rewrites the frozen graph in place; there is no graph here, so nothing changes."""


def optimize_for_inference(mod, other_methods=None):
    """``torch.jit.optimize_for_inference``: ``freeze(mod.eval())`` (torch then rewrites the graph)."""
    warnings.warn("`torch.jit.optimize_for_inference` is deprecated. Please use `torch.compile` instead.",
                  DeprecationWarning)
    if not isinstance(mod, ScriptModule):
        raise RuntimeError("optimize_for_inference expects a ScriptModule as input. Please use torch.jit.script "
                           "or torch.jit.trace to script your 'nn.Module'.")
    if hasattr(mod, "training"):
        mod = freeze(mod.eval(), preserved_attrs=other_methods)
    return mod

