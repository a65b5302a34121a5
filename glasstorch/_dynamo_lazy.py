"""``torch._disable_dynamo``: torch wraps some eager entry points (the optimizers' ``add_param_group`` /
``zero_grad`` / ``state_dict`` / ``load_state_dict``, ``torch.utils.checkpoint.checkpoint``) in it, and it
imports ``torch._dynamo`` on the first call.  That import is observable: it adds a warnings filter, which
clears Python's once-per-line warning registries, so a warning already shown once (a DataLoader's
worker-count warning, say) is shown again after it.  Importing ``glasstorch._dynamo`` the same lazy way
reproduces it (glasstorch/_dynamo/__init__.py mutates the filters).  Applied so far to the optimizer
methods (optim/_dynamo_lazy.py)."""
import functools


def disable_dynamo(fn):
    @functools.wraps(fn)
    def inner(*args, **kwargs):
        import glasstorch._dynamo  # noqa: F401  (its first import mutates the warnings filters, as torch's)
        return fn(*args, **kwargs)
    return inner
