"""The subpackages of ``torch.testing`` (``glasstorch/testing.py`` is a module whose ``__path__`` points
here, so ``torch.testing._internal`` imports as torch's does); a package of its own for the wheel."""
