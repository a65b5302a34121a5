"""``torch.Stream`` and ``torch.Event``, the device-generic stream and event, as a CPU-only build has
them: a CPU (or meta) stream is the one in-order queue the host runs, so synchronising is a no-op and
``query`` is always True; events cannot be recorded on it ("cpu backend doesn't support events.").
An accelerator device (a bare index, or a backend this build lacks) is refused as torch refuses it.
"""
from . import _class_paths

# c10::DeviceType's numbering, which ``Stream.device_type`` reports as a plain int
_DEVICE_TYPE_CODES = {"cpu": 0, "cuda": 1, "mkldnn": 2, "opengl": 3, "opencl": 4, "ideep": 5, "hip": 6,
                      "fpga": 7, "maia": 8, "xla": 9, "vulkan": 10, "metal": 11, "xpu": 12, "mps": 13,
                      "meta": 14, "hpu": 15, "ve": 16, "lazy": 17, "ipu": 18, "mtia": 19, "privateuseone": 20}
_HOST_TYPES = ("cpu", "meta")


def _positional(name, args, kwargs):
    """The one optional positional (or keyword) ``device``, as the generated binding takes it."""
    if len(args) > 1:
        raise TypeError(f"{name}() takes from 0 to 1 positional arguments but {len(args)} were given")
    kwargs = dict(kwargs)
    if args:
        if "device" in kwargs:
            raise TypeError(f"{name}() got multiple values for argument 'device'")
        return args[0], kwargs
    return kwargs.pop("device", None), kwargs


def _no_more(name, kwargs):
    if kwargs:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kwargs))}'")


def _check_type(name, arg, value, kind, kind_name):
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):   # bool is no int here
        raise TypeError(f"{name}(): argument '{arg}' must be {kind_name}, not {type(value).__name__}")


def _host_device_type(name, device, positional=False):
    """The device type a stream/event on ``device`` lives on, refusing what a CPU build cannot drive."""
    if device is None:
        return "cpu"
    if isinstance(device, int) and not isinstance(device, bool):   # a bare index: the current accelerator
        raise RuntimeError("Cannot access accelerator device when none is available.")
    from ._device import device as _device
    if not isinstance(device, (str, _device)):
        where = " (position 1)" if positional else ""
        raise TypeError(f"{name}(): argument 'device'{where} must be torch.device, not {type(device).__name__}")
    kind = _device(device).type
    if kind not in _HOST_TYPES:
        raise RuntimeError(f"PyTorch is not linked with support for {kind} devices")
    return kind


def _same_type(event, other, whose):
    """torch's check that an event and the stream (or event) it meets live on one device type."""
    if event._type != other._type:
        raise RuntimeError(f"Event device type {event._type.upper()} does not match {whose} device type "
                           f"{other._type.upper()}.")


class Stream:
    """Stream(device, *, priority) -> Stream

    An in-order queue of tasks on one device; on the host it is the host thread itself."""

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        triple = ("stream_id", "device_index", "device_type")
        if all(k in kwargs for k in triple) and not args:   # rebuilt from the triple naming a stream
            codes = {v: k for k, v in _DEVICE_TYPE_CODES.items()}
            self._type = codes.get(int(kwargs.pop("device_type")), "cpu")
            self._index, self._id = int(kwargs.pop("device_index")), int(kwargs.pop("stream_id"))
            kwargs.pop("priority", None)
            _no_more("Stream", kwargs)
            return self
        positional = bool(args)
        device, kwargs = _positional("Stream", args, kwargs)
        priority = kwargs.pop("priority", 0)
        _no_more("Stream", kwargs)
        _check_type("Stream", "priority", priority, int, "int")
        self._type, self._index, self._id = _host_device_type("Stream", device, positional), -1, 0
        return self

    @property
    def device(self):
        from ._device import device as _device
        return _device(self._type, self._index) if self._index >= 0 else _device(self._type)

    @property
    def device_type(self):
        return _DEVICE_TYPE_CODES[self._type]

    @property
    def device_index(self):
        return self._index

    @property
    def stream_id(self):
        return self._id

    @property
    def native_handle(self):
        raise RuntimeError("Backend doesn't support getting stream native handle.")

    def query(self):
        return True

    def synchronize(self):
        return None

    def is_capturing(self):
        return False

    def wait_event(self, event):
        return None

    def record_event(self, event=None):
        if event is not None:
            if not isinstance(event, Event):
                raise RuntimeError("expected event to be a torch.Event object")
            _same_type(event, self, "recording stream's")
        raise RuntimeError(f"{self._type} backend doesn't support events.")

    def wait_stream(self, stream):
        # waiting on a stream records an event on it first, which that stream's backend refuses
        kind = stream._type if isinstance(stream, Stream) else "cpu"
        raise RuntimeError(f"{kind} backend doesn't support events.")

    def __enter__(self):
        return self       # the host stream is always the current one: nothing to switch

    def __exit__(self, *exc):
        return None

    def __eq__(self, other):
        if not isinstance(other, Stream):
            return False
        return (self._type, self._index, self._id) == (other._type, other._index, other._id)

    def __hash__(self):
        return hash((self._type, self._index, self._id))

    def __repr__(self):
        return f"torch.Stream device_type={self._type}, device_index={self._index}, stream_id={self._id}"


class Event:
    """Event(device=None, *, enable_timing=False, blocking=False, interprocess=False)

    A marker in a stream's queue; a host stream never records one."""

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        positional = bool(args)
        device, kwargs = _positional("Event", args, kwargs)
        flags = [kwargs.pop(k, False) for k in ("enable_timing", "blocking", "interprocess")]
        _no_more("Event", kwargs)
        for name, flag in zip(("enable_timing", "blocking", "interprocess"), flags):
            _check_type("Event", name, flag, bool, "bool")
        self._type = _host_device_type("Event", device, positional)
        self._flag = 1 if flags[0] else 0     # EventFlag: PYTORCH_DEFAULT=0, BACKEND_DEFAULT=1 (timing)
        return self

    @property
    def device(self):
        from ._device import device as _device
        return _device(self._type)

    @property
    def event_id(self):
        return 0

    def query(self):
        return True

    def synchronize(self):
        return None

    def wait(self, stream=None):
        return None

    def record(self, stream=None):
        if isinstance(stream, Stream):
            _same_type(self, stream, "recording stream's")
        raise RuntimeError(f"{self._type} backend doesn't support events.")

    def elapsed_time(self, end_event):
        if not isinstance(end_event, Event):
            raise RuntimeError("expected other to be a torch.Event object")
        _same_type(self, end_event, "other's")
        if not (self._flag and end_event._flag):
            raise ValueError("Both events must be created with argument 'enable_timing=True'.")
        raise ValueError("Both events must be recorded before calculating elapsed time.")

    def ipc_handle(self):
        raise NotImplementedError("torch.Event ipc is not supported yet, please open an issue if you need this!")

    @classmethod
    def from_ipc_handle(cls, device, ipc_handle):
        raise NotImplementedError("torch.Event ipc is not supported yet, please open an issue if you need this!")

    def __repr__(self):
        return f"torch.Event device_type={self._type}, device_index=-1, event_flag={self._flag}, event_id=0"


for _cls in (Stream, Event):
    _class_paths.place(_cls, "torch")


# torch.cpu's own Stream / Event (plain no-op classes) live beside these, attached to torch.cpu there
from . import _cpu_streams  # noqa: E402,F401
