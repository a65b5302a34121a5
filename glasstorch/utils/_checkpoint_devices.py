"""The device-RNG helpers of ``torch.utils.checkpoint``: which non-CPU devices a checkpointed
block touches, and their RNG states, so a rerun can draw the same random numbers.

    ids, states = get_device_states(*args)     # ([], []) for CPU tensors and non-tensors
    set_device_states(ids, states)

The CPU generator is saved separately by ``checkpoint``; these two only see accelerator tensors,
which is why CPU and meta tensors (and anything that is not a tensor) are skipped.  Libraries
such as sentence-transformers' GradCache import them to replay a forward pass.
"""
import importlib

__all__ = ["get_device_states", "set_device_states", "DefaultDeviceType"]


def _device_module(device_type):
    # torch looks the module up as an attribute of torch (torch.cuda, torch.cpu, ...)
    import glasstorch
    mod = getattr(glasstorch, device_type, None)
    if mod is None:
        mod = importlib.import_module(f"glasstorch.{device_type}")
    return mod


class DefaultDeviceType:
    """The device type whose RNG state checkpointing saves when no argument says: the current
    accelerator's, or ``"cpu"`` where there is none."""

    _default_device_type = None

    @staticmethod
    def set_device_type(device="cuda"):
        DefaultDeviceType._default_device_type = device

    @staticmethod
    def get_device_type():
        if not DefaultDeviceType._default_device_type:
            import glasstorch
            acc = glasstorch.accelerator.current_accelerator(True)
            DefaultDeviceType._default_device_type = acc.type if acc else "cpu"
        return DefaultDeviceType._default_device_type


def _infer_device_type(*args):
    from ._pytree import tree_map
    types = []

    def add(arg):
        if _is_tensor(arg) and arg.device.type != "cpu":
            types.append(arg.device.type)
        return arg
    tree_map(add, args)
    return types[0] if types else DefaultDeviceType.get_device_type()


def _is_tensor(x):
    import glasstorch
    return isinstance(x, glasstorch.Tensor)


def get_device_states(*args):
    """(device ids, RNG states) of the non-CPU, non-meta devices of the tensors in ``args``
    (searched through nested containers)."""
    from ._pytree import tree_map
    ids = []

    def add(arg):
        if _is_tensor(arg) and arg.device.type not in {"cpu", "meta"}:
            ids.append(arg.get_device())
        return arg
    tree_map(add, args)
    states = []
    if ids:
        mod = _device_module(_infer_device_type(*args))
        for i in ids:
            with mod.device(i):
                states.append(mod.get_rng_state())
    return ids, states


def set_device_states(devices, states, *, device_type=None):
    """Put back the RNG state of each device id in ``devices`` (nothing for ``"meta"``)."""
    if device_type is None:
        device_type = DefaultDeviceType.get_device_type()
    if device_type == "meta":
        return
    mod = _device_module(device_type)
    for device, state in zip(devices, states):
        with mod.device(device):
            mod.set_rng_state(state)
