"""An exception raised in a DataLoader worker, as torch's main process re-raises it.

torch's worker catches the exception, ships its formatted traceback to the main process in an
``ExceptionWrapper`` and the main process raises a new exception of the same type whose message is
``"Caught <Type> in DataLoader worker process <id>.\\nOriginal Traceback (most recent call last): ..."``;
a type that cannot be built from that one string becomes a RuntimeError.  The emulated workers
(``_workers.py``) run in this process, but a program sees the same type and message."""
import sys
import traceback


class KeyErrorMessage(str):
    """A str that is its own repr (KeyError shows its argument's repr)."""
    __slots__ = ()

    def __repr__(self):
        return self


class ExceptionWrapper:
    """The exception being handled, with its traceback as text (torch's ``torch._utils.ExceptionWrapper``)."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            # exceptions whose first argument is no message but that take one by keyword
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception
