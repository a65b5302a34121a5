"""The ``Optimizer`` methods torch wraps in ``torch._disable_dynamo`` (see glasstorch/_dynamo_lazy.py): the
first call of any of them imports ``torch._dynamo``, and that import resets the once-per-line warnings."""
from .._dynamo_lazy import disable_dynamo
from .optimizer import Optimizer

for _name in ("add_param_group", "zero_grad", "state_dict", "load_state_dict"):
    setattr(Optimizer, _name, disable_dynamo(Optimizer.__dict__[_name]))
del _name
