"""Parity pins for real_rj (university deep learning course notebooks: Atcold/NYU-DLSP20 and
NYU-DLSP21, udacity/deep-learning-v2-pytorch), run unchanged on torch and on glasstorch.

Fixed in glasstorch:
- ``dir(model)`` lists torch's names (06-convnet prints ``dir(model_cnn)``): ``nn.Module`` has
  torch's private members ``T_destination``, ``_compiled_call_impl``, ``_wrapped_call_impl``,
  ``_slow_forward``, ``_get_backward_hooks``, ``_get_backward_pre_hooks``,
  ``_maybe_warn_non_full_backward_hook`` and ``_replicate_for_data_parallel``, and no ``_cast`` of
  its own (nn/modules/_module_private.py); each layer class carries torch's ``__constants__``
  (RNNBase also ``__jit_unused_properties__``; nn/modules/_constants.py); Sigmoid, Tanh, Softsign,
  LogSigmoid and Tanhshrink no longer expose a class attribute ``fn``.
- ``x.max(dim=None)``, ``min``, ``prod``, ``median``, ``nanmedian`` (method and function, by keyword
  or position) are refused with torch's parser error instead of reducing over everything; found
  probing ``np.max(tensor)`` & co after the udacity intro notebooks (ops/reduce_more.py,
  ops/sorting.py, ops/stats.py).
- a call with a NumPy name (``axis``, ``keepdims``) and a wrong keyword is refused as torch does:
  the NumPy-name wrapper leaves the call as written for the refusal (torch's "got (...)" lists
  ``axis``, not ``dim``), and the unexpected keyword named is the first one that is not a
  parameter's own name, as in torch's find_param (a NumPy alias does not count as one):
  ``np.max(tensor, axis=0)`` gives "max() got an unexpected keyword argument 'axis'"; ``dim`` and
  ``axis`` both given get torch's parser error too (_numpy_names.py, _arg_parser.py).
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings, strategies as st

import glasstorch
from tests.parity._helpers import same_on_both, same_outcome, same_result_or_error


def _layer_classes():
    return sorted(n for n in dir(torch.nn) if isinstance(getattr(torch.nn, n), type)
                  and issubclass(getattr(torch.nn, n), torch.nn.Module) and n != "DataParallel")


def _net(m):
    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = m.nn.Conv2d(1, 4, 3)
            self.fc1 = m.nn.Linear(4, 2)
            self.register_buffer("running", m.zeros(2))
            self.n_feature = 4

        def forward(self, x):
            return self.fc1(self.conv1(x).flatten(1).mean(1, keepdim=True).expand(-1, 4))
    return Net()


def test_dir_of_a_user_module_is_torchs():
    assert dir(_net(glasstorch)) == dir(_net(torch))


@pytest.mark.parametrize("name", _layer_classes())
def test_dir_of_a_layer_class_is_torchs_public_and_dunder_part(name):
    def names(m):
        return sorted(k for k in dir(getattr(m.nn, name)) if not k.startswith("_") or k.startswith("__"))
    assert names(glasstorch) == names(torch)


@pytest.mark.parametrize("name", _layer_classes())
def test_layer_constants(name):
    get = lambda m: getattr(getattr(m.nn, name), "__constants__", None)  # noqa: E731
    assert get(glasstorch) == get(torch)


@pytest.mark.parametrize("layer", ["Sigmoid", "Tanh", "Softsign", "LogSigmoid", "Tanhshrink", "Linear",
                                   "ReLU", "Dropout", "BatchNorm1d", "Embedding"])
def test_dir_of_layer_instances(layer):
    args = {"Linear": (3, 2), "BatchNorm1d": (3,), "Embedding": (5, 2)}.get(layer, ())
    assert dir(getattr(glasstorch.nn, layer)(*args)) == dir(getattr(torch.nn, layer)(*args))


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
@pytest.mark.parametrize("layer", ["Tanh", "Linear", "BatchNorm1d", "Sequential"])
def test_dir_of_layer_after_copying(how, layer):
    """Module.__getstate__ as torch's: copying a layer leaves no ``__slotnames__`` on its class (pickle's
    copyreg caches one where a class has no __getstate__ of its own), so dir() stays torch's."""
    import copy
    import pickle
    args = {"Linear": (3, 2), "BatchNorm1d": (3,)}.get(layer, ())
    got = {}
    for m in (torch, glasstorch):
        net = getattr(m.nn, layer)(*args)
        copy.deepcopy(net) if how == "deepcopy" else pickle.loads(pickle.dumps(net))
        got[m] = (dir(net), sorted(net.__getstate__()))
    assert got[glasstorch] == got[torch]


def test_rnn_jit_unused_properties():
    assert glasstorch.nn.LSTM.__jit_unused_properties__ == torch.nn.LSTM.__jit_unused_properties__


@pytest.mark.parametrize("layer", ["Sigmoid", "Tanh", "Softsign", "LogSigmoid", "Tanhshrink"])
def test_no_arg_activations_still_compute(layer):
    same_on_both(lambda m, x: getattr(m.nn, layer)()(x), [np.linspace(-3, 3, 7)])


def test_subclass_may_define_fn():
    # a user attribute named fn must not be mistaken for the activation
    def run(m):
        class T(m.nn.Tanh):
            def __init__(self):
                super().__init__()
                self.fn = "mine"
        return T()(m.tensor([0.5, -1.0]))
    same_outcome(run)


def test_wrapped_call_impl_and_slow_forward():
    def run(m):
        m.manual_seed(0)
        lin = m.nn.Linear(3, 2)
        x = m.arange(6.0).reshape(2, 3)
        assert lin._compiled_call_impl is None
        return lin._wrapped_call_impl(x) + lin._slow_forward(x) + lin._call_impl(x)
    same_outcome(run)


def test_get_backward_hooks():
    def run(m):
        lin = m.nn.Linear(2, 2)
        empty = lin._get_backward_hooks(), lin._get_backward_pre_hooks()
        f = lambda *a: None  # noqa: E731
        lin.register_full_backward_hook(f)
        lin.register_full_backward_pre_hook(f)
        full, non_full = lin._get_backward_hooks()
        return empty, (len(full), len(non_full)), len(lin._get_backward_pre_hooks()), full[0] is f
    assert run(glasstorch) == run(torch)


def test_get_backward_hooks_non_full():
    def run(m):
        lin = m.nn.Linear(2, 2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lin.register_backward_hook(lambda *a: None)
        full, non_full = lin._get_backward_hooks()
        return len(full), len(non_full)
    assert run(glasstorch) == run(torch)


@pytest.mark.parametrize("case", ["plain", "list_out", "nested_in", "two_nodes"])
def test_maybe_warn_non_full_backward_hook(case):
    def run(m):
        x = m.ones(2, requires_grad=True)
        y = x * 2
        z = y.exp()
        inputs, result, fn = {"plain": ((x,), y, y.grad_fn), "list_out": (x, [y], y.grad_fn),
                              "nested_in": ([x], y, y.grad_fn), "two_nodes": (x, z, z.grad_fn)}[case]
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.nn.Linear(1, 1)._maybe_warn_non_full_backward_hook(inputs, result, fn)
        return [(x.category.__name__, str(x.message)) for x in w]
    assert run(glasstorch) == run(torch)


def test_replicate_for_data_parallel():
    def run(m):
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.BatchNorm1d(2))
        r = net._replicate_for_data_parallel()
        return (type(r).__name__, r._is_replica, dict(r._parameters), sorted(r._modules),
                r._modules is net._modules, r._buffers is net._buffers,
                sorted(vars(r)) == sorted(vars(net) | {"_is_replica": 1}))
    assert run(glasstorch) == run(torch)


@pytest.mark.parametrize("method,dtype", [("float", "float64"), ("double", "float32"), ("half", "float32")])
def test_module_float_double_half_cast_only_floats(method, dtype):
    def run(m):
        m.manual_seed(0)
        emb = m.nn.Embedding(4, 2).to(getattr(m, dtype))
        emb.register_buffer("idx", m.arange(3))
        getattr(emb, method)()
        return emb.weight.detach(), emb.idx
    same_outcome(run)


def test_t_destination():
    assert repr(glasstorch.nn.Module.T_destination) == repr(torch.nn.Module.T_destination)


# ---- dim=None where torch has no overload for it (probing np.max(tensor) & co, which pass axis=None)
@pytest.mark.parametrize("op", ["max", "min", "prod", "median", "nanmedian"])
@pytest.mark.parametrize("form", ["method_kw", "method_pos", "function_kw", "function_pos", "keepdim"])
def test_dim_none_is_refused_like_torch(op, form):
    call = {
        "method_kw": lambda m, x: getattr(x, op)(dim=None),
        "method_pos": lambda m, x: getattr(x, op)(None),
        "function_kw": lambda m, x: getattr(m, op)(x, dim=None),
        "function_pos": lambda m, x: getattr(m, op)(x, None),
        "keepdim": lambda m, x: getattr(x, op)(dim=None, keepdim=True),
    }[form]
    same_result_or_error(call, [np.array([[1.0, 2.0], [3.0, 0.0]])])


@settings(max_examples=25, deadline=None)
@given(op=st.sampled_from(["max", "min", "prod", "median", "nanmedian", "sum", "mean", "amax", "argmax"]),
       dim=st.sampled_from([None, 0, 1, -1, (0,), (0, 1), "absent"]),
       keepdim=st.sampled_from([None, True, False]),
       dtype=st.sampled_from(["float32", "float64", "int64"]))
def test_reductions_dim_forms(op, dim, keepdim, dtype):
    def call(m, x):
        kw = {} if dim == "absent" else {"dim": dim}
        if keepdim is not None:
            kw["keepdim"] = keepdim
        r = getattr(x, op)(**kw)
        return tuple(r) if isinstance(r, tuple) else r
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_result_or_error(call, [np.arange(6).reshape(2, 3).astype(dtype) % 4], grad=False)


# ---- NumPy's functions on a tensor call its methods with axis=/out=/dtype= keywords
NP_CALLS = {
    "np.max": lambda m, x: np.max(x), "np.max_axis": lambda m, x: np.max(x, axis=0),
    "np.min": lambda m, x: np.min(x), "np.amax": lambda m, x: np.amax(x),
    "np.std": lambda m, x: np.std(x), "np.var": lambda m, x: np.var(x),
    "np.prod": lambda m, x: np.prod(x), "np.argmax": lambda m, x: np.argmax(x),
    "np.argmin_axis": lambda m, x: np.argmin(x, axis=1), "np.all": lambda m, x: np.all(x),
    "np.any": lambda m, x: np.any(x), "np.cumsum": lambda m, x: np.cumsum(x),
    "np.squeeze": lambda m, x: np.squeeze(x), "np.round": lambda m, x: np.round(x, 1),
}


@pytest.mark.parametrize("name", sorted(NP_CALLS))
def test_numpy_functions_on_tensors(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_result_or_error(NP_CALLS[name], [np.array([[1.25, 2.0], [3.0, 0.5]], np.float32)], grad=False)


KW_METHODS = ["std", "var", "max", "min", "prod", "argmax", "argmin", "all", "any", "cumsum", "amax",
              "squeeze", "unsqueeze", "softmax", "logsumexp", "log_softmax", "cumprod", "nansum", "amin"]
KW_SETS = [{"axis": 0}, {"axis": 0, "dtype": None}, {"axis": None, "dtype": None, "out": None}, {"out": None},
           {"dim": 0, "out": None}, {"foo": 1}, {"dim": 0, "foo": 1}, {"axis": 0, "foo": 1}, {"axis": 0, "out": None},
           {"foo": 1, "axis": 0, "bar": 2}, {"axis": 0, "keepdims": True, "bar": 2}, {"dim": 0, "axis": 0},
           {"axis": 0, "keepdims": True}]


@settings(max_examples=60, deadline=None)
@given(op=st.sampled_from(KW_METHODS), kw=st.sampled_from(KW_SETS), how=st.sampled_from(["method", "function"]))
def test_numpy_keywords_and_wrong_keywords(op, kw, how):
    # (the functions' out=None is not replayed into their refusals yet: left out, see the report)
    assume(not (how == "function" and "out" in kw))

    def call(m, x):
        r = getattr(x, op)(**kw) if how == "method" else getattr(m, op)(x, **kw)
        return tuple(r) if isinstance(r, tuple) else r
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_result_or_error(call, [np.array([[1.5, 2.0], [3.0, 0.25]])], grad=False)


@pytest.mark.parametrize("idx", [0, 1, -1, -2, 2, -3])
def test_sequential_get_item_by_idx(idx):
    """Sequential._get_item_by_idx, which dir(Sequential()) lists in torch: the item, or its IndexError."""
    def fn(m):
        s = m.nn.Sequential(m.nn.Tanh(), m.nn.ReLU())
        return repr(s._get_item_by_idx(iter(s._modules.values()), idx))
    same_outcome(fn)
