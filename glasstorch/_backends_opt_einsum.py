"""``torch.backends.opt_einsum``: whether the opt-einsum package is importable, and the flags.

glasstorch always contracts left to right (as torch does without opt-einsum), so the flags change
nothing but are kept as torch keeps them.  In torch, ``enabled`` is a plain module attribute, and
``strategy`` is checked on assignment only when opt-einsum is installed (otherwise it is plain too).
"""
import contextlib
import importlib.util
import types


def is_available():
    return importlib.util.find_spec("opt_einsum") is not None


def get_opt_einsum():
    """the opt_einsum package if it is installed, else None"""
    if not is_available():
        return None
    import opt_einsum
    return opt_einsum


def _check_strategy(value, enabled):
    if not enabled:
        raise ValueError(
            f"opt_einsum is not enabled, so setting a `strategy` to {value} will not be meaningful. "
            "torch.einsum will bypass path calculation and simply contract from left to right. "
            "Please set `enabled` to `True` as well or unset `strategy`.")
    if value not in ["auto", "greedy", "optimal"]:
        raise ValueError(f"`strategy` must be one of the following: [auto, greedy, optimal] but is {value}")


def _set_enabled(value):
    if not is_available() and value:
        raise ValueError(
            f"opt_einsum is not available, so setting `enabled` to {value} will not reap "
            "the benefits of calculating an optimal path for einsum. torch.einsum will "
            "fall back to contracting from left to right. To enable this optimal path "
            "calculation, please install opt-einsum.")
    _mod.enabled = value


def _set_strategy(value):
    if not is_available():
        raise ValueError(
            f"opt_einsum is not available, so setting `strategy` to {value} will not be meaningful. "
            "torch.einsum will bypass path calculation and simply contract from left to right. "
            "Please install opt_einsum or unset `strategy`.")
    _check_strategy(value, _mod.enabled)
    _mod.strategy = value


def set_flags(_enabled=None, _strategy=None):
    orig = (_mod.enabled, _mod.strategy if is_available() else None)
    if _enabled is not None:
        _set_enabled(_enabled)
    if _strategy is not None:
        _set_strategy(_strategy)
    return orig


@contextlib.contextmanager
def flags(enabled=None, strategy=None):
    orig = set_flags(enabled, strategy)
    try:
        yield
    finally:
        set_flags(*orig)


class _OptEinsumModule(types.ModuleType):
    """a checked ``strategy`` when opt-einsum is installed, as torch's module replacement has"""

    def __setattr__(self, name, value):
        if name == "strategy" and is_available():
            _check_strategy(value, self.enabled)
        super().__setattr__(name, value)


_mod = _OptEinsumModule("torch.backends.opt_einsum")
_mod.__dict__.update(is_available=is_available, get_opt_einsum=get_opt_einsum, set_flags=set_flags,
                     flags=flags, enabled=is_available(), strategy="auto" if is_available() else None)
