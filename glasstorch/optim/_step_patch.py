"""torch's class-level ``step`` wrapper, for optimizers whose ``Optimizer.__init__`` never ran.

torch wraps ``type(opt).step`` with its hook runner (``Optimizer.profile_hook_step``) in ``__init__``,
and again from ``zero_grad`` when ``__init__`` was skipped, as hand-written wrappers such as Lookahead
(``self.param_groups = base.param_groups``, no ``super().__init__``) do.  glasstorch wraps a
constructed optimizer's ``step`` per instance, only once a hook exists (optimizer.py); this module
gives the skipped-``__init__`` case torch's wrapper, whose hook lookup then fails as torch's does:
``AttributeError: 'Lookahead' object has no attribute '_optimizer_step_pre_hooks'``.  The wrapper
lives on the class, so subclasses inheriting that ``step`` get it too, as in torch.
"""
import functools
from itertools import chain


def profile_hook_step(func):
    from . import optimizer as _o

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        self = args[0]
        for pre_hook in chain(_o._global_optimizer_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
            result = pre_hook(self, args, kwargs)
            if result is not None:
                if isinstance(result, tuple) and len(result) == 2:
                    args, kwargs = result
                else:
                    raise RuntimeError(f"{func} must return None or a tuple of (new_args, new_kwargs), but got "
                                       f"{result}.")
        out = func(*args, **kwargs)
        for post_hook in chain(self._optimizer_step_post_hooks.values(), _o._global_optimizer_post_hooks.values()):
            post_hook(self, args, kwargs)
        return out
    return wrapper


def patch_step_function(opt):
    """torch's ``Optimizer._patch_step_function``."""
    cls = type(opt)
    opt._zero_grad_profile_name = f"Optimizer.zero_grad#{cls.__name__}.zero_grad"
    if not getattr(cls.step, "hooked", None):
        cls.step = profile_hook_step(cls.step)
        cls.step.hooked = True
