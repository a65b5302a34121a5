"""torch imports sympy with several of its modules (torch._dynamo; torch.distributed.tensor, fsdp and
optim through torch.fx.experimental.symbolic_shapes).  sympy's import adds a warnings filter, and any
change to the filters clears Python's once-per-location registries, so a warning already shown is shown
again.  glasstorch has no sympy: the first of those modules to load clears the registries the same way,
once per process, as sympy's one import does."""
import warnings

_done = False


def sympy_imported():
    global _done
    if not _done:
        _done = True
        mutated = getattr(warnings, "_filters_mutated", None)
        if mutated is not None:
            mutated()
