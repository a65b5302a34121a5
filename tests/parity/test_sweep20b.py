"""Differences found by the sweep20b programs (module state and memory recipes: swap_tensors, the
meta device for checkpoint loading, the optimizer in the backward pass, multi-model checkpoints,
warmstarting).

* ``torch.utils.swap_tensors`` was missing: the two tensors trade class, attributes and data; a
  weak reference to either, or a non-tensor, is refused with torch's errors.
* ``torch.__future__`` was missing: ``set/get_overwrite_module_params_on_conversion`` and
  ``set/get_swap_module_params_on_conversion``.  ``Module._apply`` (``.to``, ``.double()``,
  ``.float()``, ``to_empty``) now follows them: by default parameter *and grad* objects stay
  (glasstorch replaced the grad object); overwrite puts new Parameters (and grads) in; swap keeps
  the objects via swap_tensors and wraps its failure in ``_apply(): Couldn't swap Linear.weight``.
  Buffers are new objects after a conversion, as torch's (glasstorch changed them in place).
* ``load_state_dict`` under the swap switch swaps (``Tensor.module_load`` semantics: the module's
  dtype stays); with ``assign=True`` a Parameter in the state dict is taken as it is; loading into
  a meta parameter without ``assign`` warns torch's UserWarning.
* The meta device: ``with torch.device('meta'):`` and ``torch.set_default_device('meta')`` (with
  ``get_default_device``) make the factories and the layers built inside give meta tensors, drawing
  no random numbers (initializers and in-place random fills do nothing on meta tensors);
  ``device='meta'`` works on the factories and ``*_like`` follow a meta input; ``Parameter(meta)``,
  ``.data`` and views of a meta tensor are meta; ``Module.to_empty`` was missing.
* The layers honour ``device="meta"`` (built as under ``with torch.device("meta")``).
* ``reset_parameters`` was missing on LayerNorm, GroupNorm, RMSNorm and PReLU.
* ``nn.Parameter(x)`` of an instance of a user's Tensor subclass is a detached instance of that subclass
  marked ``_is_param`` (``isinstance(p, nn.Parameter)`` holds; repr ``Parameter(Sub(...))``);
  ``Tensor.module_load`` was missing, and ``load_state_dict`` reports a failing copy or swap among
  its errors (``While swapping the parameter named ...``), as torch.
"""
import warnings
import weakref

import pytest
from hypothesis import given, settings, strategies as st

import glasstorch
import torch

from ._helpers import MODS, same_error, same_on_both


def both(fn):
    """``fn(mod)`` on torch and glasstorch: the (non-tensor) results must be equal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want, got = fn(torch), fn(glasstorch)
    assert want == got, f"torch {want!r}\nglasstorch {got!r}"
    return want


@pytest.fixture(autouse=True)
def _flags_off():
    yield
    for m in MODS:
        m.__future__.set_swap_module_params_on_conversion(False)
        m.__future__.set_overwrite_module_params_on_conversion(False)
        m.set_default_device(None)      # (torch keeps a DeviceContext mode installed for "cpu")


# ---- swap_tensors ----------------------------------------------------------------------------------
@settings(max_examples=10, deadline=None)
@given(n=st.integers(0, 5), shape=st.lists(st.integers(1, 3), max_size=3), rg=st.booleans())
def test_swap_tensors_trades_everything(n, shape, rg):
    def fn(m):
        t1 = m.arange(n, dtype=m.float64)
        t1.tag = "one"
        t2 = m.ones(shape, requires_grad=rg)
        m.utils.swap_tensors(t1, t2)
        return (t1.detach(), t2, t1.requires_grad, t2.requires_grad, hasattr(t1, "tag"), t2.tag,
                str(t1.dtype), str(t2.dtype))
    same_on_both(fn, [], grad=False)


def test_swap_tensors_parameter_and_plain_trade_classes():
    def fn(m):
        p, q = m.nn.Parameter(m.ones(2)), m.zeros(2)
        m.utils.swap_tensors(p, q)
        return type(p).__name__, type(q).__name__, p.requires_grad, q.requires_grad, repr(q)
    both(fn)


@pytest.mark.parametrize("which", [0, 1])
def test_swap_tensors_refuses_weakrefs(which):
    def fn(m):
        a, b = m.ones(2), m.zeros(2)
        ref = weakref.ref((a, b)[which])  # noqa: F841  (kept alive through the call)
        m.utils.swap_tensors(a, b)
    same_error(fn)


def test_swap_tensors_refuses_non_tensors():
    same_error(lambda m: m.utils.swap_tensors(m.ones(1), 1))


# ---- what module conversion does to parameters, grads and buffers ---------------------------------
@pytest.mark.parametrize("flag", ["default", "overwrite", "swap"])
@pytest.mark.parametrize("convert", ["double", "float", "to64"])
def test_module_conversion_under_future_flags(flag, convert):
    def fn(m):
        m.__future__.set_overwrite_module_params_on_conversion(flag == "overwrite")
        m.__future__.set_swap_module_params_on_conversion(flag == "swap")
        net = m.nn.Sequential(m.nn.Linear(3, 2), m.nn.BatchNorm1d(2))
        w, b, rm = net[0].weight, net[0].bias, net[1].running_mean
        g = m.ones(2, 3)
        w.grad = g
        opt = m.optim.SGD(net.parameters(), lr=0.1)
        getattr(net, convert)() if convert != "to64" else net.to(m.float64)
        return (net[0].weight is w, net[0].weight.grad is g, net[0].bias is b, net[1].running_mean is rm,
                str(net[0].weight.dtype), str(net[0].weight.grad.dtype), str(w.dtype), str(g.dtype),
                str(net[1].running_mean.dtype), type(net[0].weight).__name__, net[0].weight.requires_grad,
                opt.param_groups[0]["params"][0] is net[0].weight, str(net[1].num_batches_tracked.dtype))
    both(fn)


def test_swap_conversion_failure_wraps_the_cause():
    def fn(m):
        m.__future__.set_swap_module_params_on_conversion(True)
        net = m.nn.Linear(2, 2)
        ref = weakref.ref(net.bias)  # noqa: F841
        try:
            net.double()
        except RuntimeError as e:
            return str(e), type(e.__cause__).__name__, str(e.__cause__), str(net.weight.dtype), str(net.bias.dtype)
    both(fn)


def test_load_state_dict_under_swap_keeps_objects_and_dtype():
    def fn(m):
        m.__future__.set_swap_module_params_on_conversion(True)
        m.manual_seed(0)
        src, dst = m.nn.Linear(3, 2).double(), m.nn.Linear(3, 2)
        w = dst.weight
        r1 = str(dst.load_state_dict(src.state_dict()))
        same = (dst.weight is w, str(dst.weight.dtype), m.equal(dst.weight, src.weight.float()))
        r2 = str(dst.load_state_dict(src.state_dict(), assign=True))
        return r1, same, r2, dst.weight is w, str(dst.weight.dtype), type(dst.weight).__name__
    both(fn)


@pytest.mark.parametrize("frozen", [False, True])
def test_assign_takes_a_parameter_from_the_state_dict_as_is(frozen):
    def fn(m):
        net = m.nn.Linear(2, 2)
        net.weight.requires_grad_(not frozen)
        p = m.nn.Parameter(m.ones(2, 2))
        b = m.zeros(2)
        net.load_state_dict({"weight": p, "bias": b}, assign=True)
        return net.weight is p, net.weight.requires_grad, net.bias is b, type(net.bias).__name__
    both(fn)


# ---- the meta device ------------------------------------------------------------------------------
def test_modules_built_under_meta_device_draw_nothing():
    def fn(m):
        m.manual_seed(0)
        with m.device("meta"):
            net = m.nn.Sequential(m.nn.Conv2d(1, 2, 3), m.nn.BatchNorm2d(2), m.nn.Flatten(), m.nn.Linear(8, 3),
                                  m.nn.LayerNorm(3), m.nn.Embedding(4, 3), m.nn.GRU(3, 2), m.nn.PReLU())
            inner = str(m.get_default_device())
            t = m.randn(2, 3)
        reprs = [repr(v) for v in net.state_dict().values()] + [repr(p) for p in net.parameters()]
        return inner, str(m.get_default_device()), reprs, repr(t), float(m.randn(1)), t.is_meta
    both(fn)


def test_meta_factories_and_like():
    def fn(m):
        m.manual_seed(0)
        out = [m.zeros(3, 4, device="meta", dtype=m.float16), m.randn(2, device="meta", requires_grad=True),
               m.arange(5, device=m.device("meta")), m.tensor([1, 2], device="meta"),
               m.full((2,), 7, device="meta"), m.randint(0, 5, (3,), device="meta")]
        t = m.empty(2, 3, device="meta")
        out += [m.zeros_like(t), m.randn_like(t), m.ones_like(t, dtype=m.float64)]
        with m.device("meta"):
            out += [m.ones(2, device="cpu"), m.empty(1)]
        cpu = m.ones_like(t, device="cpu")
        return [repr(x) for x in out], repr(cpu), float(m.rand(1))
    both(fn)


def test_set_default_device_meta():
    def fn(m):
        m.set_default_device("meta")
        inside = (repr(m.arange(3)), repr(m.get_default_device()), m.nn.Linear(2, 2).weight.is_meta)
        m.set_default_device("cpu")
        return inside, repr(m.arange(3)), repr(m.get_default_device())
    both(fn)


def test_initializers_and_random_fills_do_nothing_on_meta():
    def fn(m):
        m.manual_seed(0)
        w = m.empty(4, 3, device="meta")
        for init in (m.nn.init.kaiming_uniform_, m.nn.init.xavier_normal_, m.nn.init.trunc_normal_,
                     m.nn.init.orthogonal_, m.nn.init.ones_):
            init(w)
        w.normal_()
        w.uniform_(-1, 1)
        w.data.bernoulli_(0.5)
        w.zero_()
        w.fill_(3)
        w.copy_(m.ones(4, 3))
        return repr(w), float(m.rand(1))
    both(fn)


def test_meta_views_data_and_parameters_stay_meta():
    def fn(m):
        p = m.nn.Parameter(m.empty(2, 3, device="meta"))
        return [repr(x) for x in (p, p.data, p.t(), p[0], p.detach(), p.data[1:])], p.device.type
    both(fn)


def test_to_empty_and_meta_loading():
    def fn(m):
        m.manual_seed(0)
        src = m.nn.Sequential(m.nn.Linear(3, 2), m.nn.BatchNorm1d(2))
        with m.device("meta"):
            dst = m.nn.Sequential(m.nn.Linear(3, 2), m.nn.BatchNorm1d(2))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = str(dst.load_state_dict(src.state_dict()))
        msgs = [(c.category.__name__, str(c.message)) for c in caught]
        w = dst[0].weight
        dst.to_empty(device="cpu")
        after = (dst[0].weight is w, type(dst[0].weight).__name__, dst[0].weight.requires_grad,
                 str(dst[0].weight.device), tuple(dst[0].weight.shape), str(dst[1].num_batches_tracked.dtype))
        dst.load_state_dict(src.state_dict())
        return r, msgs, after, m.equal(dst[0].weight, src[0].weight), int(dst[1].num_batches_tracked)
    both(fn)


def test_to_empty_meta_to_meta():
    def fn(m):
        net = m.nn.Linear(2, 2)
        w = net.weight
        net.to_empty(device="meta")
        return net.weight is w, repr(net.weight)
    both(fn)


@pytest.mark.parametrize("make", [lambda m: m.nn.LayerNorm(3), lambda m: m.nn.GroupNorm(1, 3),
                                  lambda m: m.nn.RMSNorm(3), lambda m: m.nn.PReLU(3, init=0.1)])
def test_reset_parameters_of_norms_and_prelu(make):
    def fn(m):
        mod = make(m)
        with m.no_grad():
            for p in mod.parameters():
                p.fill_(5.0)
        mod.reset_parameters()
        return [p.detach().clone() for p in mod.parameters()]
    same_on_both(fn, [], grad=False)


# ---- nn.Parameter of a Tensor subclass, and Tensor.module_load ------------------------------------
def _scaled_class(m):
    class Scaled(m.Tensor):
        @staticmethod
        def __new__(cls, data):
            return m.Tensor._make_subclass(cls, data, data.requires_grad)

        def module_load(self, other, assign=False):
            return Scaled(other.detach() / 2) if assign else Scaled(self.copy_(other / 2).detach().clone())
    return Scaled


def test_parameter_of_a_tensor_subclass_keeps_the_subclass():
    def fn(m):
        Scaled = _scaled_class(m)
        p = m.nn.Parameter(Scaled(m.ones(2)))
        lin = m.nn.Linear(2, 2)
        lin.weight = m.nn.Parameter(Scaled(m.ones(2, 2)), requires_grad=False)
        return (type(p).__name__, isinstance(p, m.nn.Parameter), p.requires_grad, repr(p),
                isinstance(Scaled(m.ones(1)), m.nn.Parameter), [n for n, _ in lin.named_parameters()],
                lin.weight.requires_grad, isinstance(m.ones(1), m.nn.Parameter))
    both(fn)


@pytest.mark.parametrize("assign", [False, True])
def test_swap_load_state_dict_calls_module_load(assign):
    def fn(m):
        m.__future__.set_swap_module_params_on_conversion(True)
        Scaled = _scaled_class(m)
        lin = m.nn.Linear(2, 2)
        lin.weight = m.nn.Parameter(Scaled(m.ones(2, 2)))
        w = lin.weight
        lin.load_state_dict({"weight": m.full((2, 2), 6.0), "bias": m.ones(2)}, assign=assign)
        return lin.weight is w, type(lin.weight).__name__, repr(lin.weight), repr(lin.bias)
    both(fn)


def test_module_load_returning_an_input_is_refused():
    def fn(m):
        m.__future__.set_swap_module_params_on_conversion(True)

        class Lazy(m.Tensor):
            def module_load(self, other, assign=False):
                return other
        lin = m.nn.Linear(2, 2)
        lin.weight = m.nn.Parameter(m.Tensor._make_subclass(Lazy, m.ones(2, 2), False))
        lin.load_state_dict({"weight": m.ones(2, 2), "bias": m.ones(2)})
    same_error(fn)


def test_default_module_load():
    def fn(m):
        a, b = m.zeros(2, requires_grad=True), m.ones(2)
        with m.no_grad():
            c = a.module_load(b)
        d = a.module_load(b, assign=True)
        return c.detach(), d, c.requires_grad, d is b, m.equal(a.detach(), b)
    same_on_both(fn, [], grad=False)


def test_layers_take_device_meta():
    def fn(m):
        m.manual_seed(0)
        mods = [m.nn.Conv2d(3, 5, 2, device="meta"), m.nn.Linear(3, 2, device=m.device("meta")),
                m.nn.MultiheadAttention(4, 2, device="meta"), m.nn.BatchNorm1d(3, device="meta"),
                m.nn.LSTM(2, 3, device="meta")]
        reprs = [repr(t) for mod in mods for t in mod.state_dict().values()]
        return reprs, float(m.randn(1)), str(m.nn.Linear(2, 2, device="cpu").weight.device)
    both(fn)
