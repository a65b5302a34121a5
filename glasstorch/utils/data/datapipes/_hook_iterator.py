"""The hook torch puts around every ``IterDataPipe.__iter__``: a new iterator resets the pipe and
invalidates the previous one (torch's single-iterator-per-IterDataPipe constraint), and each sample
yielded is counted in ``_number_of_samples_yielded``."""
import functools
import inspect
from enum import Enum


class _SnapshotState(Enum):
    NotStarted = 0
    Restored = 1
    Iterating = 2


def _simplify_obj_name(obj) -> str:
    return obj.__name__ if inspect.isfunction(obj) else repr(obj)


def _generate_input_args_string(obj):
    names = set(inspect.signature(obj.__class__).parameters)
    return ", ".join(f"{n}={_simplify_obj_name(v)}" for n, v in inspect.getmembers(obj) if n in names)


def _generate_iterdatapipe_msg(datapipe, simplify_dp_name=False):
    out = f"{datapipe.__class__.__name__}({_generate_input_args_string(datapipe)})"
    return out.replace("IterDataPipe", "").replace("MapDataPipe", "") if simplify_dp_name else out


def _gen_invalid_iterdatapipe_msg(datapipe):
    return ("This iterator has been invalidated because another iterator has been created "
            f"from the same IterDataPipe: {_generate_iterdatapipe_msg(datapipe)}\n"
            "This may be caused by multiple references to the same IterDataPipe. We recommend "
            "using `.fork()` if that is necessary.")


_feedback_msg = ("\nFor feedback regarding this single iterator per IterDataPipe constraint, feel free "
                 "to comment on this issue: https://github.com/pytorch/data/issues/45.")


def _set_datapipe_valid_iterator_id(datapipe):
    datapipe._valid_iterator_id = 0 if datapipe._valid_iterator_id is None else datapipe._valid_iterator_id + 1
    datapipe.reset()
    return datapipe._valid_iterator_id


def _check_iterator_valid(datapipe, iterator_id, next_method_exists=False):
    if next_method_exists:
        if datapipe._valid_iterator_id is not None and datapipe._valid_iterator_id != 0:
            raise RuntimeError(_gen_invalid_iterdatapipe_msg(datapipe) + "\nNote that this exception is raised "
                               "inside your IterDataPipe's a `__next__` method" + _feedback_msg)
    elif datapipe._valid_iterator_id != iterator_id:
        raise RuntimeError(_gen_invalid_iterdatapipe_msg(datapipe) + _feedback_msg)


class _IteratorDecorator:
    """Wraps the iterator a non-generator ``__iter__`` returns, checking it is still the valid one."""

    def __init__(self, iterator, source_dp, iterator_id, has_next_method):
        self.iterator, self.source_dp, self.iterator_id = iterator, source_dp, iterator_id
        self.self_and_has_next_method = self.iterator is self.source_dp and has_next_method

    def __iter__(self):
        return self

    def __next__(self):
        _check_iterator_valid(self.source_dp, self.iterator_id)
        result = next(self.iterator)
        if not self.self_and_has_next_method:
            self.source_dp._number_of_samples_yielded += 1
        return result

    def __getattr__(self, name):
        return getattr(self.iterator, name)


def _hook(namespace):
    func = namespace["__iter__"]
    if inspect.isgeneratorfunction(func):
        @functools.wraps(func)
        def wrap_generator(*args, **kwargs):
            gen = func(*args, **kwargs)
            datapipe = args[0]
            iterator_id = _set_datapipe_valid_iterator_id(datapipe)
            try:
                response = gen.send(None)
                while True:
                    datapipe._number_of_samples_yielded += 1
                    request = yield response
                    _check_iterator_valid(datapipe, iterator_id)
                    response = gen.send(request)
            except StopIteration:
                return
            except Exception as e:
                # torch names the pipe whose __iter__ raised at the end of the message
                msg = "thrown by __iter__ of"
                full = f"{msg} {datapipe.__class__.__name__}({_generate_input_args_string(datapipe)})"
                if len(e.args) == 0 or not isinstance(e.args[0], str):
                    e.args = (f"\nThis exception is {full}",)
                elif msg not in e.args[0] and "single iterator per IterDataPipe constraint" not in e.args[0]:
                    e.args = (e.args[0] + f"\nThis exception is {full}",) + e.args[1:]
                raise
        namespace["__iter__"] = wrap_generator
        return
    if "__next__" in namespace:
        next_func = namespace["__next__"]

        @functools.wraps(next_func)
        def wrap_next(*args, **kwargs):
            result = next_func(*args, **kwargs)
            args[0]._number_of_samples_yielded += 1
            return result
        namespace["__next__"] = wrap_next

    @functools.wraps(func)
    def wrap_iter(*args, **kwargs):
        ret = func(*args, **kwargs)
        datapipe = args[0]
        datapipe._snapshot_state = _SnapshotState.Iterating
        iterator_id = _set_datapipe_valid_iterator_id(datapipe)
        return _IteratorDecorator(ret, datapipe, iterator_id, "__next__" in namespace)
    namespace["__iter__"] = wrap_iter
