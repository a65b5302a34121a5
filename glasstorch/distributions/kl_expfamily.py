"""The catch-all KL for two exponential families (registered on import by kl.py): a Bregman divergence
of the log-normalizer when both are the same family, an error otherwise, as torch does."""
import glasstorch as _t
from .exp_family import ExponentialFamily
from .independent import _sum_rightmost


def register(register_kl):
    @register_kl(ExponentialFamily, ExponentialFamily)
    def _kl_expfamily_expfamily(p, q):
        if type(p) is not type(q):
            # torch's message keeps the spaces of its source's line continuation
            raise NotImplementedError("The cross KL-divergence between different exponential families cannot "
                                      + " " * 28 + "be computed using Bregman divergences")
        p_nat = [n.detach().requires_grad_() for n in p._natural_params]
        q_nat = q._natural_params
        lg_p = p._log_normalizer(*p_nat)
        grads = _t.autograd.grad(lg_p.sum(), p_nat, create_graph=True)
        result = q._log_normalizer(*q_nat) - lg_p
        for pn, qn, g in zip(p_nat, q_nat, grads):
            result = result - _sum_rightmost((qn - pn) * g, len(q.event_shape))
        return result
