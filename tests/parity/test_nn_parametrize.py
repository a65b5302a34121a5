"""Parity of parametrizations (nn.utils.parametrize, parametrizations.weight_norm / spectral_norm /
orthogonal, the original nn.utils.weight_norm), load_state_dict hooks, the dotted-name lookups, and the
names of the in-place view ops' nodes."""
import numpy as np

from ._helpers import same_on_both, same_error

TOL = dict(rtol=2e-6, atol=1e-6)


def _lin(t, seed=0):
    t.manual_seed(seed)
    return t.nn.Linear(4, 3)


def test_register_parametrization():
    def run(t):
        class Symmetric(t.nn.Module):
            def forward(self, X):
                return X.triu() + X.triu(1).transpose(-1, -2)

        class Scale(t.nn.Module):
            def forward(self, X):
                return X * 2

            def right_inverse(self, X):
                return X / 2

        lin = t.nn.Linear(3, 3)
        t.manual_seed(1)
        lin.weight.data.copy_(t.randn(3, 3))
        P = t.nn.utils.parametrize
        P.register_parametrization(lin, "weight", Symmetric())
        P.register_parametrization(lin, "weight", Scale())
        out = [type(lin).__name__, repr(lin), sorted(n for n, _ in lin.named_parameters()), lin.weight,
               P.is_parametrized(lin), P.is_parametrized(lin, "bias"), P.type_before_parametrizations(lin).__name__,
               list(lin.state_dict())]
        with P.cached():
            out.append(lin.weight is lin.weight)
        y = lin(t.ones(2, 3)).sum()
        y.backward()
        out.append(lin.parametrizations.weight.original.grad)
        P.remove_parametrizations(lin, "weight", leave_parametrized=True)
        out += [type(lin).__name__, lin.weight, isinstance(lin.weight, t.nn.Parameter)]
        # assigning stores right_inverse(value)
        P.register_parametrization(lin, "bias", Scale())
        lin.bias = t.tensor([2.0, 4.0, 6.0])
        out += [lin.parametrizations.bias.original, lin.bias]
        return out
    same_on_both(run, [], **TOL)


def test_parametrization_errors():
    def reg_missing(t):
        t.nn.utils.parametrize.register_parametrization(t.nn.Linear(2, 2), "nope", t.nn.Identity())
    same_error(reg_missing)

    def remove_missing(t):
        t.nn.utils.parametrize.remove_parametrizations(t.nn.Identity(), "weight")
    same_error(lambda t: remove_missing(t))

    def shape_change(t):
        class First(t.nn.Module):
            def forward(self, X):
                return X[0]
        t.nn.utils.parametrize.register_parametrization(t.nn.Linear(2, 2), "weight", First())
    same_error(shape_change)


def test_weight_norm_both_apis():
    def run(t):
        lin = t.nn.utils.parametrizations.weight_norm(_lin(t))
        g, v = lin.parametrizations.weight.original0, lin.parametrizations.weight.original1
        y = lin(t.ones(2, 4)).pow(2).sum()
        y.backward()
        old = t.nn.utils.weight_norm(_lin(t), dim=1)
        z = old(t.ones(2, 4)).sum()
        z.backward()
        out = [repr(lin), g, v, lin.weight, g.grad, v.grad, sorted(n for n, _ in old.named_parameters()),
               old.weight_g, old.weight_g.grad, old.weight_v.grad]
        t.nn.utils.remove_weight_norm(old)
        out += [sorted(n for n, _ in old.named_parameters()), old.weight]
        # an old-style checkpoint loads into the parametrized module
        fresh = t.nn.utils.parametrizations.weight_norm(_lin(t, 5))
        sd = {"weight_g": t.ones(3, 1), "weight_v": t.ones(3, 4), "bias": t.zeros(3)}
        out += [repr(fresh.load_state_dict(sd)), fresh.weight]
        return out
    same_on_both(run, [], **TOL)


def test_spectral_norm_and_orthogonal():
    def run(t):
        sn = t.nn.utils.parametrizations.spectral_norm(_lin(t, 2))
        w1 = sn.weight
        sn.eval()
        w2 = sn.weight
        out = [repr(sn), sorted(n for n, _ in sn.named_buffers()), w1, w2,
               t.linalg.matrix_norm(w2.detach(), ord=2)]
        t.manual_seed(3)
        sq = t.nn.utils.parametrizations.orthogonal(t.nn.Linear(4, 4))
        tall = t.nn.utils.parametrizations.orthogonal(t.nn.Linear(2, 5), orthogonal_map="householder")
        cay = t.nn.utils.parametrizations.orthogonal(t.nn.Linear(3, 3), orthogonal_map="cayley")
        for m in (sq, tall, cay):
            q = m.weight
            out += [q, (q @ q.mT if q.shape[0] <= q.shape[1] else q.mT @ q)]
        return out
    same_on_both(run, [], rtol=1e-5, atol=1e-5)


def test_load_state_dict_hooks_and_lookups():
    def run(t):
        seen = []
        net = t.nn.Sequential(t.nn.Linear(2, 2), t.nn.BatchNorm1d(2))

        def pre(module, state_dict, prefix, local_metadata, strict, missing, unexpected, errors):
            seen.append(("pre", type(module).__name__, prefix, sorted(state_dict)[:2]))
            state_dict.pop(prefix + "unused", None)

        def post(module, keys):
            seen.append(("post", type(module).__name__, list(keys.missing_keys)))
        h1 = net[0].register_load_state_dict_pre_hook(pre)
        net[1].register_load_state_dict_post_hook(post)
        sd = dict(net.state_dict())
        sd["0.unused"] = t.ones(1)
        res = net.load_state_dict(sd)
        h1.remove()
        net.load_state_dict(net.state_dict())
        net.set_submodule("0", t.nn.Linear(2, 2, bias=False))
        return (seen, repr(res), "0.unused" in sd, repr(net.get_submodule("0")), net.get_buffer("1.running_mean"),
                net.get_parameter("1.weight").shape)
    same_on_both(run, [])
    same_error(lambda t: t.nn.Sequential(t.nn.Linear(2, 2)).get_buffer("0.weight"))
    same_error(lambda t: t.nn.Sequential(t.nn.Linear(2, 2)).get_buffer("0.nothing"))


def test_inplace_view_node_names():
    x = np.arange(6, dtype=np.float32).reshape(3, 1, 2)
    for fn in (lambda t, a: (a * 1).squeeze_(), lambda t, a: (a * 1).squeeze_(1), lambda t, a: (a * 1).squeeze_((1,)),
               lambda t, a: (a * 1).unsqueeze_(0), lambda t, a: (a * 1).transpose_(0, 2),
               lambda t, a: (a[:, 0] * 1).t_()):
        same_on_both(fn, [x])
