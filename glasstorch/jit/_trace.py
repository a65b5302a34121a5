"""``torch.jit.trace``, eagerly: the example inputs are checked and run as torch runs them.

torch records the ops one call makes and replays that record later.  Here the traced module runs the
original ``forward`` again, with the training flags it had while being traced (torch's record keeps
``self.training`` as a constant, so ``traced.eval()`` changes nothing there either).  ``check_trace``
calls the function as often as torch does (trace, re-trace, the trace, the function, the re-trace:
five calls, four when outputs differ), so random numbers and BatchNorm statistics advance alike,
and warns with torch's ``TracerWarning`` when the outputs of two calls differ.  The tracer's state
(``glasstorch/_jit_state.py``) is "record" while the example inputs go through the function (and the
re-trace), "replay" while the trace runs: ``torch.jit.is_tracing()`` is True in both, and tensors turned
into Python values while recording give torch's "Converting a tensor to a Python ..." warning.
"""
import functools
import inspect
import warnings

from .. import _jit_state
from .._tensor import Tensor
from ..nn.modules.module import Module
from ._script import ScriptModule, ScriptFunction, _wrap, _run, _deprecated


class TracerWarning(Warning):
    @staticmethod
    def ignore_lib_warnings():
        warnings.filterwarnings("ignore", category=TracerWarning, module="torch.(?!jit)")
        # glasstorch's own library frames are named glasstorch.*: torch's would match the filter above
        warnings.filterwarnings("ignore", category=TracerWarning, module="glasstorch.(?!jit)")
        warnings.filterwarnings("ignore", "torch::jit::fuser::cuda")


# as torch does at import: the tracer warnings raised inside the library itself are not the program's
TracerWarning.ignore_lib_warnings()


class TracingCheckError(Exception):
    def __init__(self, graph_diff_error, tensor_compare_error, extra_msg=None):
        self.message = "Tracing failed sanity checks!\n"
        if extra_msg is not None:
            self.message += extra_msg + "\n"
        if tensor_compare_error is not None:
            self.message += "ERROR: Tensor-valued Constant nodes differed in value across invocations. This " \
                            "often indicates that the tracer has encountered untraceable code.\n"
            self.message += tensor_compare_error
        super().__init__(self.message)


class TracedModule(ScriptModule):
    """A traced submodule: it holds parameters, buffers and submodules, and cannot be called."""

    def forward(self, *args, **kwargs):
        raise RuntimeError("Trace submodules cannot be called.")

    @property
    def original_name(self):
        return self.__dict__["_gt_name"]

    def _get_name(self):
        return self.__dict__["_gt_name"]

    def extra_repr(self):
        return f"original_name={self._get_name()}"

    def __getattr__(self, name):
        # a trace keeps parameters, buffers and submodules only: ``in_features`` & co. are gone
        try:
            return Module.__getattr__(self, name)
        except AttributeError:
            raise AttributeError(f"'RecursiveScriptModule' object has no attribute '{name}'") from None


TracedModule._gt_child_class = TracedModule


class TopLevelTracedModule(TracedModule):
    def forward(self, *args, **kwargs):
        return _run(self, args, kwargs)


# ---- what may go in and come out ------------------------------------------------------------------
def _type_name(x, whole):
    """TorchScript's name of an input's type; raises torch's error where the tracer cannot name it."""
    def fail(reason):
        raise RuntimeError(f"Tracer cannot infer type of {whole!r}\n:{reason}")
    if isinstance(x, Tensor):
        return "Tensor"
    if isinstance(x, tuple):
        return "Tuple[" + ", ".join(_type_name(v, whole) for v in x) + "]"
    if isinstance(x, list):
        if not x:
            fail("List trace inputs must have elements")
        names = [_type_name(v, whole) for v in x]
        for n in names[1:]:
            if n != names[0]:
                fail(f"List inputs to traced functions must have consistent element type. Found {names[0]} and {n}")
        return f"List[{names[0]}]"
    if isinstance(x, dict):
        if not x:
            fail("Dictionary inputs must have entries")
        keys = [_type_name(k, whole) for k in x]
        vals = [_type_name(v, whole) for v in x.values()]
        for names in (keys, vals):
            for n in names[1:]:
                if n != names[0]:
                    fail(f"Dictionary inputs to traced functions must have consistent type. Found {names[0]} and {n}")
        return f"Dict[{keys[0]}, {vals[0]}]"
    return type(x).__name__


def _only_tensors(x):
    if isinstance(x, Tensor):
        return True
    if isinstance(x, (tuple, list)):
        return all(_only_tensors(v) for v in x)
    if isinstance(x, dict):
        return all(_only_tensors(v) for v in x.values())
    return False


def _check_inputs(inputs):
    name = _type_name(inputs, inputs)
    if not _only_tensors(inputs):
        raise RuntimeError(f"Type '{name}' cannot be traced. Only Tensors and (possibly nested) Lists, Dicts, and "
                           f"Tuples of Tensors can be traced")


def _check_output(out, strict):
    if out is None:
        raise RuntimeError("The traced function didn't return any values! Side-effects are not captured in traces, "
                           "so it would be a no-op.")
    if isinstance(out, dict) and strict:
        raise RuntimeError("Encountering a dict at the output of the tracer might cause the trace to be incorrect, "
                           "this is only valid if the container structure does not change based on the module's "
                           "inputs. Consider using a constant container instead (e.g. for `list`, use a `tuple` "
                           "instead. for `dict`, use a `NamedTuple` instead). If you absolutely need this and know "
                           "the side effects, pass strict=False to trace() to allow this behavior.")
    if not (isinstance(out, dict) or _only_tensors(out)):
        raise RuntimeError("Only tensors, lists, tuples of tensors, or dictionary of tensors can be output from "
                           "traced functions")


def _make_tuple(example_inputs):
    if isinstance(example_inputs, (Tensor, dict)):
        return (example_inputs,)
    if not isinstance(example_inputs, tuple):
        return tuple(example_inputs)
    return example_inputs


def _clone(x):
    if isinstance(x, Tensor):
        c = x.detach().clone()
        return c.requires_grad_(x.requires_grad) if x.is_leaf else c
    if isinstance(x, (tuple, list)):
        return type(x)(_clone(v) for v in x)
    if isinstance(x, dict):
        return {k: _clone(v) for k, v in x.items()}
    return x


# ---- check_trace -----------------------------------------------------------------------------------
_ATOL = {"float16": 1e-3, "bfloat16": 1e-5, "float32": 1e-5, "float64": 1e-7, "complex64": 1e-5,
         "complex128": 1e-7}


def _tensors(out):
    out = out if isinstance(out, tuple) else (out,)
    return [o for o in out if isinstance(o, Tensor)]


def _compare(original, reference, match_what, tolerance):
    from .. import testing
    ok = True
    for i, (a, b) in enumerate(zip(original, reference)):
        try:
            atol = max(_ATOL.get(str(t.dtype).replace("torch.", ""), 0.0) for t in (a, b))
            if a.is_complex() or b.is_complex():
                testing.assert_close(a.detach().to(b.dtype if b.is_complex() else a.dtype),
                                     b.detach().to(b.dtype if b.is_complex() else a.dtype),
                                     rtol=tolerance, atol=atol, equal_nan=True)
            else:
                testing.assert_close(a.detach().double(), b.detach().double(), rtol=tolerance, atol=atol,
                                     equal_nan=True)
        except AssertionError as e:
            warnings.warn(f"Output nr {i + 1}. of the traced function does not match the corresponding output of "
                          f"the {match_what}. Detailed error:\n{e}", TracerWarning, stacklevel=3)
            ok = False
    return ok


def _check_trace(eager, replay, inputs, tolerance, kwarg, retrace):
    """torch's order: re-trace (a call of ``eager`` recorded), run the trace (``replay``), run the
    function (``eager``, not tracing), compare; then the re-trace."""
    _deprecated(retrace)
    def run(what, call, mode):
        try:
            with _jit_state.tracing(mode):
                if kwarg:
                    return _tensors(call(**_clone(inputs)))
                return _tensors(call(*_clone(inputs)))
        except Exception as e:
            raise TracingCheckError(None, None, f"encountered an exception while running the {what} with test "
                                                f"inputs.\nException:\n\t" + str(e).replace("\n", "\n\t")) from e
    run("trace", eager, "record")       # the re-trace torch makes of copies of the inputs
    traced = run("trace", replay, "replay")
    if _compare(traced, run("Python function", eager, None), "Python function", tolerance):
        _compare(traced, run("repeated trace", replay, "replay"), "repeated trace", tolerance)


def _replaying(fn):
    """``fn`` run as a trace runs: ``torch.jit.is_tracing()`` True inside (the record was made so)."""
    @functools.wraps(fn)
    def replay(*args, **kwargs):
        with _jit_state.tracing("replay"):
            return fn(*args, **kwargs)
    return replay


def _warn_optimize(optimize):
    if optimize is not None:
        warnings.warn("`optimize` is deprecated and has no effect. Use `with torch.jit.optimized_execution()` "
                      "instead", FutureWarning, stacklevel=3)


# ---- trace and trace_module -----------------------------------------------------------------------------
def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
          example_kwarg_inputs=None, _store_inputs=True):
    """``torch.jit.trace``: a ``TopLevelTracedModule`` for a module, a ``ScriptFunction`` for a function."""
    _deprecated("trace")
    _warn_optimize(optimize)
    if isinstance(func, ScriptModule):
        warnings.warn("The input to trace is already a ScriptModule, tracing it is a no-op. Returning the object "
                      "as is.", stacklevel=2)
        return func
    owner = getattr(func, "__self__", None)
    if isinstance(func, Module) or (isinstance(owner, Module) and getattr(func, "__name__", "") == "forward"):
        module = func if isinstance(func, Module) else owner
        if example_inputs is None:
            if not isinstance(example_kwarg_inputs, dict):
                raise RuntimeError("example_kwarg_inputs should be a dict")
            example_inputs = example_kwarg_inputs
        checks = None if check_inputs is None else [{"forward": c} for c in check_inputs]
        return _trace_module(module, {"forward": example_inputs}, check_trace, checks, check_tolerance, strict,
                             isinstance(example_kwarg_inputs, dict))
    kwarg = isinstance(example_kwarg_inputs, dict)
    if kwarg:
        example_inputs = example_kwarg_inputs
    elif isinstance(example_inputs, (Tensor, dict)):
        example_inputs = (example_inputs,)
    elif not isinstance(example_inputs, tuple):
        example_inputs = tuple(example_inputs)
    if isinstance(owner, Module):
        raise AttributeError("trace doesn't support compiling individual module's functions.\nPlease use "
                             "trace_module")
    if not callable(func) or not hasattr(func, "__name__"):
        raise RuntimeError("Could not get name of python class object")
    _check_inputs(tuple(example_inputs.values()) if kwarg else example_inputs)
    with _jit_state.tracing("record"):
        out = func(**example_inputs) if kwarg else func(*example_inputs)
    _check_output(out, strict)
    replay = _replaying(func)
    if check_trace:
        for inputs in (check_inputs if check_inputs is not None else [example_inputs]):
            inputs = (inputs,) if isinstance(inputs, Tensor) else inputs
            _check_trace(func, replay, inputs, check_tolerance, kwarg, "trace")
    name = "_lambda" if func.__name__ == "<lambda>" else func.__name__
    return ScriptFunction(replay, name)


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
                 strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
                 example_inputs_is_kwarg=False, _store_inputs=True):
    """``torch.jit.trace_module``: ``inputs`` maps method names to example inputs."""
    _deprecated("trace_method")
    _warn_optimize(optimize)
    if not isinstance(mod, Module):
        raise AttributeError("expected torch.nn.Module as the first argument")
    if not isinstance(inputs, dict):
        raise AttributeError("expected a dictionary of (method_name, input) pairs")
    return _trace_module(mod, inputs, check_trace, check_inputs, check_tolerance, strict, example_inputs_is_kwarg,
                         warn=False)


def _check_traceable(mod):
    for m in mod.modules():
        seen = set()
        for t in list(m._parameters.values()) + list(m._buffers.values()):
            if t is not None:
                if id(t) in seen:
                    raise ValueError("TracedModules don't support parameter sharing between modules")
                seen.add(id(t))
        if m._backward_hooks:
            raise ValueError("Modules that have backward hooks assigned can't be compiled: " + str(m))


def _trace_module(mod, inputs, check_trace, check_inputs, tolerance, strict, kwarg, warn=True):
    if warn:                            # torch.jit.trace goes through trace_module, which warns again
        _deprecated("trace_method")
    _check_traceable(mod)
    traced = _wrap(mod, TopLevelTracedModule, {}, baked=True)
    for method, example in inputs.items():
        if method != "forward":
            raise NotImplementedError(f"torch.jit.trace_module of method '{method}': glasstorch traces forward only")
        if kwarg and isinstance(example, dict):
            names = list(inspect.signature(mod.forward).parameters)
            for key in example:
                if key not in names:
                    raise NameError(f"'{key}' is not in forward() method's arguments,\n                         valid "
                                    f"arguments name are [{','.join(names)}]")
            _check_inputs(tuple(example.values()))
            with _jit_state.tracing("record"):
                out = mod(**example)
        else:
            example = _make_tuple(example)
            _check_inputs(example)
            with _jit_state.tracing("record"):
                out = mod(*example)
        _check_output(out, strict)
        if check_trace:
            for checks in (check_inputs if check_inputs is not None else [inputs]):
                given = checks[method]
                if not (kwarg and isinstance(given, dict)):
                    given = _make_tuple(given)
                _check_trace(mod, traced, given, tolerance, kwarg and isinstance(given, dict), "trace_method")
    return traced
