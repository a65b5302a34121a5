"""The deprecated overloads torch still binds (tools/autograd/deprecated.yaml), with the scalar first:

    x.add_(alpha, other)          ->  x.add_(other, alpha=alpha)       (also add, sub, sub_, torch.add/sub)
    x.addcmul_(value, t1, t2)     ->  x.addcmul_(t1, t2, value=value)  (also addcdiv, torch.addcmul/addcdiv)

0.4-era optimizers are full of them (``p.data.add_(-lr, d_p)``, ``exp_avg_sq.addcmul_(1 - beta2, g, g)``).
torch's parser warns once per process for all of them together (one TORCH_WARN_ONCE site), naming the
overload the call took and the one to use instead.
"""
import numpy as np

from ._user_warning import warn_once

_SITE = " (Triggered internally at /__w/pytorch/pytorch/torch/csrc/utils/python_arg_parser.cpp:1841.)"
# name -> (scalar's name, the tensors' names)
_SHAPES = {"add": ("alpha", ("other",)), "sub": ("alpha", ("other",)),
           "addcmul": ("value", ("tensor1", "tensor2")), "addcdiv": ("value", ("tensor1", "tensor2"))}


def _is_number(x):
    from ._tensor import Tensor
    return isinstance(x, (int, float, complex, np.number, np.bool_)) and not isinstance(x, Tensor)


def _message(name, method):
    scalar, tensors = _SHAPES[name.rstrip("_")]
    ts = ", ".join(f"Tensor {t}" for t in tensors)
    if method:
        old = f"{name}(Number {scalar}, {ts})"
        new = f"{name}({ts}, *, Number {scalar} = 1)"
    else:
        old = f"{name}(Tensor input, Number {scalar}, {ts}, *, Tensor out = None)"
        new = f"{name}(Tensor input, {ts}, *, Number {scalar} = 1, Tensor out = None)"
    return (f"This overload of {name} is deprecated:\n\t{old}\nConsider using one of the following signatures "
            f"instead:\n\t{new}{_SITE}")


def rebind(name, method, args):
    """``args``, the positional arguments after ``self``/``input`` of a call that has more of them than
    the current signature takes, read as the deprecated overload: returns ``(scalar, *tensors)`` after
    warning (once per process), or raises torch's TypeError when the call is not that overload."""
    tensors = _SHAPES[name.rstrip("_")][1]
    if len(args) != len(tensors) + 1 or not _is_number(args[0]):
        extra = 0 if method else 1
        n = len(tensors) + extra
        raise TypeError(f"{name}() takes {n} positional argument{'s' if n != 1 else ''} but "
                        f"{len(args) + extra} were given")
    warn_once("deprecated_overload", _message(name, method))
    return args
