"""Public functions pickle by reference on both libraries: ``pickle.loads(pickle.dumps(f)) is f``.

glasstorch's public functions are often wrappers (argument checks, ``out=``, sparse/meta dispatch)
that carried the path of the function they wrap, so pickle refused them ("it's not the same object
as ..."): 61 functions of torch.nn.functional (F.gelu, F.linear, ...), 183 of torch (torch.cat,
torch.bmm, ...), and others in linalg, special and nn.init.  A model holding ``F.gelu`` could not be
saved whole.  The expectation is torch's own outcome for each name, read at test time."""
import io
import pickle
import types

import pytest
import torch

import glasstorch

NAMESPACES = ["", "nn.functional", "linalg", "special", "fft", "nn.init", "autograd", "nn.utils", "nn.utils.rnn",
              "func", "random"]


def _ns(root, path):
    obj = root
    for part in filter(None, path.split(".")):
        obj = getattr(obj, part)
    return obj


def _round_trips(f):
    try:
        return pickle.loads(pickle.dumps(f)) is f
    except (pickle.PicklingError, AttributeError, TypeError):
        return False


@pytest.mark.parametrize("path", NAMESPACES)
def test_public_functions_pickle_as_torchs_do(path):
    t_ns, g_ns = _ns(torch, path), _ns(glasstorch, path)
    checked, wrong = 0, []
    for name in dir(t_ns):
        if name.startswith("_") or not callable(getattr(t_ns, name)) or isinstance(getattr(t_ns, name), type):
            continue
        g_fn = getattr(g_ns, name, None)
        if not isinstance(g_fn, types.FunctionType):
            continue
        checked += 1
        if _round_trips(getattr(t_ns, name)) and not _round_trips(g_fn):
            wrong.append(name)
    assert checked > 5
    assert not wrong, f"torch.{path}: {wrong}"


class _Block:
    """What a transformer layer keeps: its activation function as an attribute."""


@pytest.mark.parametrize("act", ["gelu", "relu", "linear", "silu", "leaky_relu"])
def test_a_model_holding_a_functional_saves_whole(act):
    def run(m):
        m.manual_seed(0)
        layer = m.nn.Linear(3, 3)
        layer.act = getattr(m.nn.functional, act)
        buf = io.BytesIO()
        m.save(layer, buf)
        buf.seek(0)
        back = m.load(buf, weights_only=False)
        return back.act is getattr(m.nn.functional, act), back.weight.tolist()
    assert run(torch) == run(glasstorch)


def test_partial_of_torch_functions_pickles():
    import functools
    for m in (torch, glasstorch):
        f = functools.partial(m.stack, dim=1)
        g = pickle.loads(pickle.dumps(f))
        assert g.func is m.stack and g([m.ones(2), m.zeros(2)]).tolist() == [[1.0, 0.0], [1.0, 0.0]]
