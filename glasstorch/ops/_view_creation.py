"""torch's CreationMeta of a view: whether it was made in no_grad or inference mode.

torch remembers, for every view, the grad mode it was made in (a view of such a view inherits it,
whatever the mode then). Changing such a view in place in grad mode, by an op whose result requires
grad (torch's ``check_inplace(self, requires_grad)``: any input requiring grad; for ``copy_`` only
into a floating or complex tensor), is refused: the change could not be tracked consistently. The
view itself need not require grad: ``x[0]`` of a plain tensor taken under ``no_grad`` and then
multiplied in place by a weight that requires grad is refused too.
"""
from ..autograd.grad_mode import GRAD
from ..autograd.graph import forward_op_name

_MODES = {
    "no_grad": ("no_grad mode and is being modified inplace with grad mode enabled.", "no_grad block"),
    "inference": ("inference mode and is being modified inplace in normal mode.", "inference_mode block"),
}


def mark(r, input):
    """Record on view ``r`` of ``input`` the mode it was made in: a mode other than grad mode wins over the one
    a marked ``input`` was made in, except inference mode (torch's propagate_creation_meta).  A view of an
    inference tensor is one itself, with no such record (its in-place changes fail as an inference tensor's)."""
    if r.__dict__.get("_is_inference"):
        return
    prev = input.__dict__.get("_made_in")
    made = prev if GRAD.enabled or prev == "inference" else "inference" if GRAD.inference else "no_grad"
    if made is not None:
        r.__dict__["_made_in"] = made


def mark_multi(outs):
    """The views of a multi-output view op (split, chunk, unbind) of a tensor that does not require grad, made
    in grad mode: torch's MULTIPLE_OUTPUTS (over a no_grad record, not over an inference one)."""
    for o in outs:
        if o.__dict__.get("_made_in") != "inference" and not o.__dict__.get("_is_inference"):
            o.__dict__["_made_in"] = "multi"


def check(t, requires_grad):
    """torch's handle_view_on_rebase for an in-place change of ``t`` whose result requires grad."""
    made = t.__dict__.get("_made_in") if t.__dict__ else None
    # (a custom Function's output view: torch's IN_CUSTOM_FUNCTION replaced the record, inplace.py refuses it)
    if made is None or not requires_grad or not GRAD.enabled or t._custom_fn_view:
        return
    fn = t.grad_fn
    if made == "multi":
        _refuse_multi(t)
    # a view of such a view has a node of its own: torch names it
    _refuse(made, None if fn is None else f"Output {t._out_nr} of {forward_op_name(fn.name())}")


_STEP_NAMES = {"int": "Select", "slice": "Slice", "none": "Unsqueeze"}


def check_write_into(t, steps, requires_grad):
    """``t[index] = v`` for a marked ``t``: torch writes into the view its basic ``steps`` make (a view of a
    view, with a node when ``t`` requires grad: the last step names it), or into ``t`` itself."""
    if not requires_grad or t._custom_fn_view:
        return
    made = t.__dict__["_made_in"]
    if made == "multi":
        _refuse_multi(t)
    if steps and t._rg:
        _refuse(made, f"Output 0 of {_STEP_NAMES[steps[-1][0]]}")
    _refuse(made, None if t.grad_fn is None else f"Output {t._out_nr} of {forward_op_name(t.grad_fn.name())}")


def _refuse(made, view_of_view):
    what, block = _MODES[made]
    start = f"{view_of_view} is a view of a view which was created in" if view_of_view else "A view was created in"
    raise RuntimeError(f"{start} {what} Given that this use case is ambiguous and error-prone, it is forbidden. "
                       f"You can clarify your code by moving both the view and the inplace either both inside the "
                       f"{block} (if you don't want the inplace to be tracked) or both outside (if you want the "
                       f"inplace to be tracked).")


def _refuse_multi(t):
    if t.grad_fn is not None:
        from .inplace import multi_view_message
        raise RuntimeError(multi_view_message(t))
    # (torch's text for a view without a node, whatever the mode it was made in)
    raise RuntimeError("A view was created in no_grad mode and is being modified inplace with grad mode enabled. This "
                       "view is the output of a function that returns multiple views. Such functions do not allow the "
                       "output views to be modified inplace. You should replace the inplace operation by an "
                       "out-of-place one.")
