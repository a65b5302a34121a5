"""``torch.optim``: optimizers that update parameters from their gradients, and lr schedulers."""
from . import lr_scheduler, swa_utils
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam
from .adamw import AdamW
from .adamax import Adamax
from .nadam import NAdam
from .radam import RAdam
from .rmsprop import RMSprop
from .adagrad import Adagrad
from .adadelta import Adadelta
from .asgd import ASGD
from .rprop import Rprop
from .lbfgs import LBFGS
from .sparse_adam import SparseAdam
from ._adafactor import Adafactor
from ._muon import Muon
from ._stateless import swap_in_optimizer_params_and_state
from . import _dynamo_lazy  # noqa: F401  (wraps Optimizer methods as torch._disable_dynamo does)

# as torch's __init__ does: the optimizers' modules stay importable (``torch.optim.sgd``) but are not
# attributes of the package, so ``dir(torch.optim)`` lists the classes only
del optimizer, sgd, adam, adamw, adamax, nadam, radam, rmsprop, adagrad, adadelta, asgd, rprop, lbfgs, \
    sparse_adam  # noqa: F821

# glasstorch's own helper modules are no attributes of torch.optim, so ``dir(torch.optim)`` is torch's;
# they stay importable (``from torch.optim._validate import ...`` finds them in sys.modules)
for _helper in ("_asgd_foreach", "_blas_order", "_differentiable", "_differentiable_more", "_foreach_steps",
                "_half_steps", "_dynamo_lazy", "_lr_composite", "_lr_cyclic", "_validate"):
    globals().pop(_helper, None)
del _helper

__all__ = ["ASGD", "Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "LBFGS", "Muon", "NAdam", "Optimizer",
           "RAdam", "RMSprop", "Rprop", "SGD", "SparseAdam", "lr_scheduler", "swa_utils",
           "swap_in_optimizer_params_and_state"]
