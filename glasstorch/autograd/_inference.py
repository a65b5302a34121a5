"""Inference tensors: what torch forbids for tensors made under ``inference_mode`` once it is left.

torch gives such tensors no version counter, so any in-place change made outside inference mode
fails when it would bump the version (after the data were written, as in torch), and autograd
refuses to save them for backward.  A tensor's counter here is a list ``[version]``; an inference
tensor's is an ``InferenceVersion`` that refuses the bump.
"""
from .grad_mode import GRAD

INPLACE = ("Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get "
           "a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more "
           "details.")
SAVED = ("Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
         "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and "
         "use it in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`.")
NO_VERSION = "Inference tensors do not track version counter."


class InferenceVersion(list):
    """The counter of an inference tensor: bumping it outside inference mode is torch's error."""
    __slots__ = ()

    def __setitem__(self, i, v):
        if not GRAD.inference:
            raise RuntimeError(INPLACE)
        list.__setitem__(self, i, v)


class DetachedInferenceVersion(list):
    """``detach()`` / ``.data`` of an inference tensor outside inference mode: torch gives it a working
    counter of its own, yet it is still an inference tensor (autograd will not save it)."""
    __slots__ = ()


def is_inference_counter(vc):
    return vc.__class__ is not list


def refuse_saved(x):
    """Called for a tensor whose counter is not a plain list, when autograd saves it."""
    if x.__dict__.get("_is_inference", False):
        raise RuntimeError(SAVED)


def mark(t):
    t.__dict__["_is_inference"] = True


def view_of(r, input):
    """Make view ``r`` of ``input`` an inference tensor exactly when ``input`` is one: inside inference
    mode a view of a normal tensor stays normal; outside it, a view of an inference tensor gets no
    working counter (even a view of a detached one)."""
    if input.__dict__.get("_is_inference", False):
        mark(r)
        if not GRAD.inference and r._vc.__class__ is not InferenceVersion:
            r._vc = InferenceVersion(r._vc)
    else:
        r.__dict__.pop("_is_inference", None)


def detached(t, src):
    """The flag and counter of ``src.detach()`` / ``src.data``: an inference tensor exactly when
    ``src`` is one; outside inference mode it gets a working counter of its own."""
    if src.__dict__.get("_is_inference", False):
        mark(t)
        if not GRAD.inference:
            t._vc = DetachedInferenceVersion([0])
    else:
        t.__dict__.pop("_is_inference", None)
