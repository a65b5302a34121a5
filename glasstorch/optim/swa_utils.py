"""``torch.optim.swa_utils``: stochastic weight averaging.  ``SWALR`` anneals each group's lr to
``swa_lr`` over ``anneal_epochs`` steps (cosine or linear); ``AveragedModel`` keeps a running
average (or EMA) of a model's parameters; ``update_bn`` recomputes BatchNorm statistics."""
import math
import warnings

from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from .lr_scheduler import LRScheduler, _format_param

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn",
           "get_ema_avg_fn", "get_swa_avg_fn"]


def get_ema_multi_avg_fn(decay=0.999):
    """Exponential moving average over lists: ema = lerp(ema, current, 1 - decay)."""
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")

    @no_grad()
    def ema_update(ema_param_list, current_param_list, _):
        # as torch: one foreach lerp for floating lists, ema * decay + current * (1 - decay) copied back otherwise
        if ema_param_list[0].is_floating_point() or ema_param_list[0].is_complex():
            _foreach()._foreach_lerp_(ema_param_list, current_param_list, 1 - decay)
        else:
            for ema, cur in zip(ema_param_list, current_param_list, strict=True):
                ema.copy_(ema * decay + cur * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn():
    """Running mean over lists: avg = lerp(avg, current, 1 / (n + 1)); integer lists add
    (current - avg) / (n + 1) as torch does, with addcdiv for a tensor count (which torch refuses for
    integers) and add's alpha for a number count (refused too)."""
    @no_grad()
    def swa_update(averaged_param_list, current_param_list, num_averaged):
        fe = _foreach()
        if averaged_param_list[0].is_floating_point() or averaged_param_list[0].is_complex():
            fe._foreach_lerp_(averaged_param_list, current_param_list, 1 / (num_averaged + 1))
        else:
            diffs = fe._foreach_sub(current_param_list, averaged_param_list)
            if isinstance(num_averaged, Tensor):
                fe._foreach_addcdiv_(averaged_param_list, diffs, [num_averaged + 1] * len(averaged_param_list))
            else:
                fe._foreach_add_(averaged_param_list, diffs, alpha=1.0 / (num_averaged + 1))
    return swa_update


def get_ema_avg_fn(decay=0.999):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")

    @no_grad()
    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn():
    @no_grad()
    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


def _foreach():
    """glasstorch's foreach ops (imported late: the package is still loading when this module is)."""
    from .. import _foreach as fe
    return fe


def _module_base():
    from ..nn.modules.module import Module
    return Module


class AveragedModel(_module_base()):
    """A copy of ``model`` whose parameters are the running average (SWA) or an EMA of the model's.

    ``update_parameters(model)`` folds the model's current parameters in; ``n_averaged`` counts them.
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        import copy
        from .._creation import tensor
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=_long(), device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model):
        """The first call copies ``model``'s parameters; later ones fold them in with ``multi_avg_fn``
        (once per dtype group), ``avg_fn`` (per tensor), or by default the running mean
        avg + (cur - avg) / (n + 1), per tensor as torch computes it on the CPU (foreach lerp is
        only its accelerator path, and rounds differently)."""
        from itertools import chain
        mine = chain(self.module.parameters(), self.module.buffers()) if self.use_buffers else self.parameters()
        theirs = chain(model.parameters(), model.buffers()) if self.use_buffers else model.parameters()
        avg_list, cur_list = [], []
        first = bool(self.n_averaged == 0)
        for p_avg, p_model in zip(mine, theirs):
            p_cur = p_model.detach().to(p_avg.device)
            avg_list.append(p_avg.detach())
            cur_list.append(p_cur)
            if first:
                p_avg.detach().copy_(p_cur)
        if self.n_averaged > 0:
            if self.multi_avg_fn is not None or self.avg_fn is None:
                for (device, _), (avgs, curs) in _group_by_device_and_dtype(avg_list, cur_list):
                    n_averaged = self.n_averaged.to(device)
                    if self.multi_avg_fn:
                        self.multi_avg_fn(avgs, curs, n_averaged)
                    else:
                        avg_fn = get_swa_avg_fn()
                        for p_avg, p_cur in zip(avgs, curs, strict=True):
                            p_avg.copy_(avg_fn(p_avg, p_cur, n_averaged))
            else:
                for p_avg, p_cur in zip(avg_list, cur_list, strict=True):
                    n_averaged = self.n_averaged.to(p_avg.device)
                    p_avg.detach().copy_(self.avg_fn(p_avg.detach(), p_cur, n_averaged))
        if not self.use_buffers:
            # keep the buffers (e.g. BatchNorm's running statistics) in step with the model
            for b_avg, b_model in zip(self.module.buffers(), model.buffers(), strict=True):
                b_avg.detach().copy_(b_model.detach().to(b_avg.device))
        self.n_averaged += 1


def _group_by_device_and_dtype(avgs, curs):
    """torch's ``_group_tensors_by_device_and_dtype`` order: the groups in the reverse order of their
    first tensor (its hash map's), each keeping list order."""
    groups = {}
    for a, c in zip(avgs, curs):
        pair = groups.setdefault((a.device, a.dtype), ([], []))
        pair[0].append(a)
        pair[1].append(c)
    return reversed(list(groups.items()))


def _long():
    from .._dtype import int64
    return int64


@no_grad()
def update_bn(loader, model, device=None):
    """Recompute BatchNorm running statistics with one pass over ``loader`` (cumulative average)."""
    from ..nn.modules.batchnorm import _BatchNorm
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    for batch in loader:
        if isinstance(batch, (list, tuple)):
            batch = batch[0]
        if device is not None:
            batch = batch.to(device)
        model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        swa_lrs = _format_param("swa_lr", optimizer, swa_lr)
        for lr, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        """The lr the schedule started from, recovered from the current one."""
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self):
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                          UserWarning, stacklevel=2)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_t = max(0, min(1, (step - 1) / max(1, self.anneal_epochs)))
        prev_alpha = self.anneal_func(prev_t)
        prev_lrs = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in self.optimizer.param_groups]
        t = max(0, min(1, step / max(1, self.anneal_epochs)))
        alpha = self.anneal_func(t)
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def _set_anneal_func(self, anneal_strategy):
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal

    def state_dict(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
