"""``torch._functorch``: what the standalone ``functorch`` package imports from torch (its deprecated
transforms, ``make_functional`` and ``make_fx``), so ``import functorch`` works under glasstorch."""
