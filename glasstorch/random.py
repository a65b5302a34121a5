"""``torch.random``: the process-wide default generator, seeding, and saving / restoring its state.

Every random function without a ``generator=`` argument draws from ``default_generator``, a
``torch.Generator`` seeded from OS entropy at start-up (the stream itself is in ``_generator``).
"""
import contextlib

from ._generator import TensorGenerator as Generator, default_generator

__all__ = ["manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "fork_rng",
           "default_generator", "Generator"]


def manual_seed(seed):
    """Seed the default generator (only its low 32 bits reach MT19937) and return it.  As torch's, the
    seed goes through int() first: "7", 1.5, True, a one-element tensor are seeds here."""
    return default_generator.manual_seed(int(seed))


def seed():
    """Re-seed the default generator from OS entropy; return the 64-bit seed used."""
    return default_generator.seed()


def initial_seed():
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor of 5056 bytes (torch's layout)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore a state from ``get_rng_state`` (torch's states are accepted too)."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type=None):
    """Run the ``with`` block on the default generator, then put its state back, so that the
    draws inside do not change what comes after. There are no accelerators to fork."""
    if not enabled:
        yield
        return
    saved = default_generator.get_state()
    try:
        yield
    finally:
        default_generator.set_state(saved)
