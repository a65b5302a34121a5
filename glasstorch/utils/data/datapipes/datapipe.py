"""The DataPipe base classes: ``IterDataPipe`` (an ``IterableDataset`` whose every ``__iter__`` is
hooked: see _hook_iterator.py) and ``MapDataPipe``, each with torch's functional form (``dp.map(fn)``
looks ``map`` up in the class's ``functions`` registry)."""
import abc
import functools
from typing import TypeVar

from ..dataset import Dataset, IterableDataset
from ._hook_iterator import _SnapshotState, _hook

__all__ = ["DataChunk", "DFIterDataPipe", "IterDataPipe", "MapDataPipe"]

_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)


class DataChunk(list):
    def __init__(self, items):
        items = list(items)
        super().__init__(items)
        self.items = items

    def as_str(self, indent=""):
        return indent + "[" + ", ".join(str(i) for i in iter(self)) + "]"

    def __iter__(self):
        yield from super().__iter__()

    def raw_iterator(self):
        yield from self.items


class _DataPipeMeta(abc.ABCMeta):
    pass


class _IterDataPipeMeta(_DataPipeMeta):
    """Wraps ``reset`` (it runs only while iterating or not started) and ``__iter__`` (the hook)."""

    def __new__(mcs, name, bases, namespace, **kwargs):
        if "reset" in namespace:
            reset_func = namespace["reset"]

            @functools.wraps(reset_func)
            def conditional_reset(*args, **kw):
                dp = args[0]
                if dp._snapshot_state in (_SnapshotState.Iterating, _SnapshotState.NotStarted):
                    dp._number_of_samples_yielded = 0
                    dp._fast_forward_iterator = None
                    reset_func(*args, **kw)
                dp._snapshot_state = _SnapshotState.Iterating
            namespace["reset"] = conditional_reset
        if "__iter__" in namespace:
            _hook(namespace)
        return super().__new__(mcs, name, bases, namespace, **kwargs)


def _functional(cls, name):
    def get(self):
        f = cls.functions[name]
        function = functools.partial(f, self)
        functools.update_wrapper(wrapper=function, wrapped=f, assigned=("__doc__",))
        return function
    return get


class _PipeHooks:
    """What IterDataPipe and MapDataPipe share: the pickling and printing hooks, kept on the root class
    (``_root``) whichever subclass sets them, and the functional names in ``dir``."""

    def __getstate__(self):
        state = self.__dict__
        if self._root.getstate_hook is not None:
            return self._root.getstate_hook(state)
        return state

    def __reduce_ex__(self, *args, **kwargs):
        if self._root.reduce_ex_hook is not None:
            try:
                return self._root.reduce_ex_hook(self)
            except NotImplementedError:
                pass
        return super().__reduce_ex__(*args, **kwargs)

    @classmethod
    def set_getstate_hook(cls, hook_fn):
        if cls._root.getstate_hook is not None and hook_fn is not None:
            raise RuntimeError("Attempt to override existing getstate_hook")
        cls._root.getstate_hook = hook_fn

    @classmethod
    def set_reduce_ex_hook(cls, hook_fn):
        if cls._root.reduce_ex_hook is not None and hook_fn is not None:
            raise RuntimeError("Attempt to override existing reduce_ex_hook")
        cls._root.reduce_ex_hook = hook_fn

    def __repr__(self):
        return self.repr_hook(self) if self.repr_hook is not None else str(self.__class__.__qualname__)

    def __str__(self):
        return self.str_hook(self) if self.str_hook is not None else str(self.__class__.__qualname__)

    def __dir__(self):
        return list(super().__dir__()) + list(self.functions.keys())


class IterDataPipe(_PipeHooks, IterableDataset, metaclass=_IterDataPipeMeta):
    functions = {}
    reduce_ex_hook = None
    getstate_hook = None
    str_hook = None
    repr_hook = None
    _valid_iterator_id = None
    _number_of_samples_yielded = 0
    _snapshot_state = _SnapshotState.NotStarted
    _fast_forward_iterator = None

    def __iter__(self):
        return self

    def __getattr__(self, attribute_name):
        if attribute_name in IterDataPipe.functions:
            return _functional(IterDataPipe, attribute_name)(self)
        raise AttributeError(f"'{self.__class__.__name__}' object has no attribute '{attribute_name}")

    @classmethod
    def register_function(cls, function_name, function):
        cls.functions[function_name] = function

    @classmethod
    def register_datapipe_as_function(cls, function_name, cls_to_register, enable_df_api_tracing=False):
        if function_name in cls.functions:
            raise Exception(f"Unable to add DataPipe function name {function_name} as it is already taken")

        def class_function(cls, enable_df_api_tracing, source_dp, *args, **kwargs):
            return cls(source_dp, *args, **kwargs)
        function = functools.partial(class_function, cls_to_register, enable_df_api_tracing)
        functools.update_wrapper(wrapper=function, wrapped=cls_to_register, assigned=("__doc__",))
        cls.functions[function_name] = function

    def reset(self):
        """Bring the pipe back to its initial state; every new iterator calls it (no-op by default)."""


class DFIterDataPipe(IterDataPipe):
    def _is_dfpipe(self):
        return True


class MapDataPipe(_PipeHooks, Dataset, metaclass=_DataPipeMeta):
    functions = {}
    reduce_ex_hook = None
    getstate_hook = None
    str_hook = None
    repr_hook = None

    def __getattr__(self, attribute_name):
        if attribute_name in MapDataPipe.functions:
            return _functional(MapDataPipe, attribute_name)(self)
        raise AttributeError(f"'{self.__class__.__name__}' object has no attribute '{attribute_name}")

    @classmethod
    def register_function(cls, function_name, function):
        cls.functions[function_name] = function

    @classmethod
    def register_datapipe_as_function(cls, function_name, cls_to_register):
        if function_name in cls.functions:
            raise Exception(f"Unable to add DataPipe function name {function_name} as it is already taken")

        def class_function(cls, source_dp, *args, **kwargs):
            return cls(source_dp, *args, **kwargs)
        function = functools.partial(class_function, cls_to_register)
        functools.update_wrapper(wrapper=function, wrapped=cls_to_register, assigned=("__doc__",))
        cls.functions[function_name] = function


class _DataPipeSerializationWrapper:
    """What the DataLoader keeps as ``loader.dataset`` in place of a DataPipe."""

    def __init__(self, datapipe):
        self._datapipe = datapipe

    def __getstate__(self):
        return self._datapipe

    def __setstate__(self, state):
        self._datapipe = state

    def __len__(self):
        try:
            return len(self._datapipe)
        except Exception as e:
            raise TypeError(f"{type(self).__name__} instance doesn't have valid length") from e


class _IterDataPipeSerializationWrapper(_DataPipeSerializationWrapper, IterDataPipe):
    def __init__(self, datapipe):
        super().__init__(datapipe)
        self._datapipe_iter = None

    def __iter__(self):
        self._datapipe_iter = iter(self._datapipe)
        return self

    def __next__(self):
        return next(self._datapipe_iter)


class _MapDataPipeSerializationWrapper(_DataPipeSerializationWrapper, MapDataPipe):
    def __getitem__(self, idx):
        return self._datapipe[idx]


IterDataPipe._root, MapDataPipe._root = IterDataPipe, MapDataPipe
