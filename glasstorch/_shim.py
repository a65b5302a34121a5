"""Make ``import torch`` (and every ``torch.*`` submodule) give glasstorch in this process.

``install_as_torch()`` puts glasstorch into ``sys.modules['torch']`` and adds an import hook
that answers ``torch.X`` with ``glasstorch.X``.  Anything glasstorch lacks fails with an error
that names the torch API; real torch is never loaded behind the learner's back.
"""
import importlib
import importlib.abc
import importlib.util
import sys
import types

from . import _class_paths

_PREFIX = "torch"


class _TorchAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``torch.X.Y`` as ``glasstorch.X.Y``."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _PREFIX and not fullname.startswith(_PREFIX + "."):
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        real = "glasstorch" + spec.name[len(_PREFIX):]
        try:
            mod = importlib.import_module(real)
            spec.loader_state = mod.__spec__        # exec_module puts it back
            return mod
        except ModuleNotFoundError as e:
            if e.name is not None and not e.name.startswith("glasstorch"):
                raise
            parent, _, child = real.rpartition(".")
            mod = getattr(importlib.import_module(parent), child, None) if parent else None
            if isinstance(mod, types.ModuleType):
                spec.loader_state = mod.__spec__
                return mod
            raise ModuleNotFoundError(f"No module named '{spec.name}': {spec.name} is not implemented in "
                                      f"glasstorch yet", name=spec.name) from None

    def exec_module(self, module):
        # importlib has just set ``module.__spec__`` to the ``torch.X`` spec, while ``__package__``
        # stays ``glasstorch.X``: every later relative import would then raise an ImportWarning
        # (``__package__ != __spec__.parent``).  The module keeps the spec it was imported with.
        spec = module.__spec__
        if spec is not None and spec.loader is self:
            module.__spec__ = spec.loader_state


_FINDER = _TorchAlias()


class _NamedTorch(types.ModuleType):
    """glasstorch's module type while it stands in for torch: ``torch.__name__`` is ``'torch'``, as
    libraries that walk dotted paths from it expect (pyro checks ``"torch.distributions..."`` against
    it).  Only the attribute changes: the module's globals keep ``__name__ = 'glasstorch'``, which the
    frame checks that tell glasstorch's code from the user's read."""

    @property
    def __name__(self):
        return _PREFIX

    @__name__.setter
    def __name__(self, value):
        vars(self)["__name__"] = value


def install_as_torch():
    """From now on ``import torch`` in this process imports glasstorch."""
    import glasstorch
    if sys.modules.get(_PREFIX) is glasstorch and _FINDER in sys.meta_path:
        return glasstorch           # installed already (a spawned child: _shim_child, then the program)
    for name in [n for n in sys.modules if n == _PREFIX or n.startswith(_PREFIX + ".")]:
        mod = sys.modules[name]
        if not getattr(mod, "__name__", "").startswith("glasstorch"):
            raise RuntimeError("real torch is already imported in this process; call install_as_torch() before "
                               "the first `import torch`")
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    sys.modules[_PREFIX] = glasstorch
    glasstorch.__class__ = _NamedTorch
    for name, mod in list(sys.modules.items()):
        if name.startswith("glasstorch.") and isinstance(mod, types.ModuleType):
            sys.modules.setdefault(_PREFIX + name[len("glasstorch"):], mod)
    for attr in ("cuda", "backends", "accelerator", "mps", "version", "cpu", "xpu"):
        mod = getattr(glasstorch, attr)
        sys.modules.setdefault(f"{_PREFIX}.{attr}", mod)
        # their sub-namespaces too (torch.cuda.amp, torch.backends.cudnn ...): these modules are built
        # in _runtime.py, not files, so no finder could locate them
        for child, sub in list(vars(mod).items()):
            if isinstance(sub, types.ModuleType) and not child.startswith("_"):
                sys.modules.setdefault(f"{_PREFIX}.{attr}.{child}", sub)
    # type(x) now prints torch.nn.modules.linear.Linear, and pickles name torch's modules, which the
    # finder above answers with glasstorch's: classes imported later are renamed on import
    _class_paths.use_prefix(_PREFIX)
    _children_too()
    return glasstorch


def _children_too():
    """Processes that ``multiprocessing`` starts fresh (the ``spawn`` and ``forkserver`` methods, which
    torch.multiprocessing programs often force) import ``torch`` anew: they install the alias first,
    or they would load the real torch and receive glasstorch tensors they cannot use."""
    import multiprocessing.forkserver as forkserver
    import multiprocessing.spawn as spawn
    if not getattr(spawn.get_command_line, "_glasstorch", False):
        plain = spawn.get_command_line

        def get_command_line(**kwds):
            cmd = plain(**kwds)
            if "-c" in cmd:
                i = cmd.index("-c") + 1
                cmd[i] = "import glasstorch._shim_child; " + cmd[i]
            return cmd
        get_command_line._glasstorch = True
        spawn.get_command_line = get_command_line
    server = forkserver._forkserver
    if "glasstorch._shim_child" not in server._preload_modules:
        server._preload_modules = ["glasstorch._shim_child"] + list(server._preload_modules)


def uninstall_as_torch():
    """Undo ``install_as_torch`` (the next ``import torch`` imports whatever is installed)."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    _class_paths.use_prefix("glasstorch")
    glasstorch = sys.modules.get("glasstorch")
    if glasstorch is not None and type(glasstorch) is _NamedTorch:
        glasstorch.__class__ = types.ModuleType
    for name in [n for n in sys.modules if n == _PREFIX or n.startswith(_PREFIX + ".")]:
        if getattr(sys.modules[name], "__name__", "").startswith("glasstorch") or \
                getattr(sys.modules[name], "__name__", "").startswith("torch."):
            del sys.modules[name]
