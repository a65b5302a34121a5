"""``torch.save(..., pickle_module=M)``: torch pickles with a subclass of ``M.Pickler`` (fastai's
``Learner.export`` passes cloudpickle, which pickles lambdas and ``__main__`` classes by value).

glasstorch's pickler (``serialization._TorchPickler``) has to stay the one that writes tensors and
glasstorch's names as torch's; another module's pickler is consulted, through its
``reducer_override``, for whatever ours does not reduce itself."""
import io
import pickle


def pickler_class(pickle_module):
    from .serialization import _TorchPickler
    if pickle_module is pickle:
        return _TorchPickler
    theirs = pickle_module.Pickler          # (torch subclasses it: a module without one fails the same way)
    if getattr(theirs, "reducer_override", None) is None:
        return _TorchPickler

    class _WithModule(_TorchPickler):
        def __init__(self, file, storages, protocol):
            super().__init__(file, storages, protocol)
            # one of their picklers, kept for the whole dump: its reductions may share state (memos of globals)
            self._theirs = theirs(io.BytesIO(), protocol=protocol)

        def reducer_override(self, obj):
            rv = super().reducer_override(obj)
            if rv is NotImplemented:
                rv = self._theirs.reducer_override(obj)
            return rv

    return _WithModule
