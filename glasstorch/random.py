"""``torch.random``: the default generator and seeding (bit-identical streams live in _generator)."""
try:
    from ._generator import Generator as _NpGenerator, default_generator as _default  # noqa: F401
except ImportError:      # until the generator lands
    _default = None


def manual_seed(seed):
    if _default is not None:
        _default.manual_seed(seed)
    return _default


def seed():
    return _default.seed() if _default is not None else 0


def initial_seed():
    return _default.initial_seed() if _default is not None else 0
