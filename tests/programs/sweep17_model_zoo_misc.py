"""Odds and ends the tutorials touch on the way: torch.utils.model_zoo (load_url is torch.hub's
load_state_dict_from_url; no download here), seeds and RNG state round trips, torch.set_printoptions,
torch.testing.assert_close's failure messages, no_grad / inference_mode / set_grad_enabled / enable_grad as
decorators and context managers, and anomaly detection."""
import torch
import torch.hub
import torch.nn as nn
import torch.utils.model_zoo
from torch.utils import model_zoo

# ---- model_zoo ------------------------------------------------------------------------------------------------
print("load_url is hub's:", model_zoo.load_url is torch.hub.load_state_dict_from_url)
print("callable:", callable(torch.utils.model_zoo.load_url), model_zoo.load_url.__name__)
print("hub helpers:", all(hasattr(torch.hub, n) for n in ("load", "list", "help", "get_dir", "set_dir",
                                                         "download_url_to_file", "load_state_dict_from_url")))

# ---- seeds and RNG state --------------------------------------------------------------------------------------
torch.manual_seed(1234)
print("initial_seed:", torch.initial_seed())
state = torch.get_rng_state()
print("state:", state.dtype, state.shape)
a = torch.rand(3)
b = torch.randn(2)
torch.set_rng_state(state)
print("replay equal:", torch.equal(a, torch.rand(3)), torch.equal(b, torch.randn(2)))
g = torch.Generator().manual_seed(7)
print("generator seed:", g.initial_seed(), torch.randint(0, 100, (5,), generator=g).tolist())
gs = g.get_state()
x1 = torch.randn(4, generator=g)
g.set_state(gs)
print("generator replay:", torch.equal(x1, torch.randn(4, generator=g)))
torch.manual_seed(0)
p1 = torch.randperm(8).tolist()
torch.manual_seed(0)
print("randperm replay:", p1 == torch.randperm(8).tolist(), p1)
s = torch.seed()
print("seed() returns the new initial seed:", s == torch.initial_seed())
torch.random.manual_seed(5)
print("torch.random:", torch.random.initial_seed(), torch.rand(2))
with torch.random.fork_rng():
    torch.manual_seed(99)
    inside = torch.rand(1)
print("fork_rng restores:", torch.rand(2))
try:
    torch.set_rng_state(torch.zeros(3))
except (RuntimeError, TypeError) as e:
    print(type(e).__name__, e)
try:
    torch.manual_seed(-1)
    print("negative seed ok:", torch.initial_seed())
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    torch.manual_seed(2 ** 64)
except (RuntimeError, ValueError) as e:
    print(type(e).__name__, e)

# ---- printoptions ---------------------------------------------------------------------------------------------
torch.manual_seed(0)
t = torch.randn(3, 4) * 1000
torch.set_printoptions(precision=2)
print(t)
torch.set_printoptions(sci_mode=True)
print(t[0])
torch.set_printoptions(sci_mode=False, precision=6)
print(t[0] / 1e6)
torch.set_printoptions(threshold=5, edgeitems=1)
print(torch.arange(20))
print(torch.arange(30.0).reshape(5, 6))
torch.set_printoptions(linewidth=40, threshold=1000, edgeitems=3)
print(torch.linspace(0, 1, 12))
torch.set_printoptions(profile="short")
print(torch.randn(2, 3))
torch.set_printoptions(profile="full")
print(torch.arange(1001)[-4:])
torch.set_printoptions(profile="default")
print(torch.tensor([1e-10, 1.0, 1e10]), torch.tensor([0.1, 2.5]), torch.tensor([1.0, float("nan"), float("inf")]))
try:
    torch.set_printoptions(profile="bogus")
except Exception as e:
    print(type(e).__name__, e)

# ---- torch.testing.assert_close -------------------------------------------------------------------------------
exp = torch.tensor([1.0, 2.0, 3.0])
torch.testing.assert_close(exp + 1e-7, exp)
print("assert_close passes within tolerance")
cases = [
    (torch.tensor([1.0, 2.0, 3.5]), exp, {}),
    (torch.tensor([1.0, 2.1, 3.2]), exp, {"rtol": 0, "atol": 0.15}),
    (exp.double(), exp, {}),
    (exp[:2], exp, {}),
    (torch.tensor([1, 2, 3]), torch.tensor([1, 2, 4]), {}),
    (torch.tensor([float("nan")]), torch.tensor([float("nan")]), {}),
    (exp, exp.tolist(), {}),
    (exp, exp, {"rtol": 1e-3}),
    (None, None, {}),
    (None, exp, {}),
    (True, False, {}),
    (1, 1.0, {}),
    (2.0, 2.1, {}),
    (exp + 1, exp, {"msg": "my own message"}),
]
for actual, expected, kw in cases:
    try:
        torch.testing.assert_close(actual, expected, **kw)
        print("passed", kw)
    except (AssertionError, TypeError, ValueError) as e:
        print(type(e).__name__ + ":", str(e))
torch.testing.assert_close(exp.double(), exp, check_dtype=False)
torch.testing.assert_close(torch.tensor([float("nan")]), torch.tensor([float("nan")]), equal_nan=True)
torch.testing.assert_close({"a": exp, "b": [exp]}, {"a": exp, "b": [exp]})
try:
    torch.testing.assert_close({"a": exp, "b": [exp]}, {"a": exp, "b": [exp + 1]})
except AssertionError as e:
    print("nested:", e)
print(torch.testing.make_tensor((2, 3), dtype=torch.float32, device="cpu", low=0, high=1).shape)

# ---- grad modes as decorators ---------------------------------------------------------------------------------
w = torch.ones(2, requires_grad=True)


@torch.no_grad()
def predict(x):
    return (w * x).sum()


@torch.inference_mode()
def predict_inf(x):
    return (w * x).sum()


@torch.enable_grad()
def forced(x):
    return (w * x).sum()


@torch.set_grad_enabled(False)
def off(x):
    return w * x


@torch.no_grad
def bare(x):
    return w * x


def gen():
    for i in range(2):
        yield (w * i).requires_grad


print("no_grad decorator:", predict(torch.ones(2)).requires_grad, torch.is_grad_enabled())
r = predict_inf(torch.ones(2))
print("inference_mode decorator:", r.requires_grad, r.is_inference())
with torch.no_grad():
    print("enable_grad inside no_grad:", forced(torch.ones(2)).requires_grad)
print("set_grad_enabled decorator:", off(1.0).requires_grad, "bare no_grad:", bare(1.0).requires_grad)
print("generator under no_grad:", list(torch.no_grad()(gen)()))
torch.set_grad_enabled(False)
print("set_grad_enabled(False) as a call:", torch.is_grad_enabled())
torch.set_grad_enabled(True)
with torch.set_grad_enabled(False):
    print("as context:", torch.is_grad_enabled())
print("restored:", torch.is_grad_enabled())
with torch.inference_mode():
    it = torch.ones(2) * 2
print("inference tensor:", it.is_inference(), torch.is_inference_mode_enabled())
try:
    (it * w).sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)
with torch.inference_mode(mode=False):
    print("inference_mode(False):", torch.is_inference_mode_enabled(), (w * 2).requires_grad)
try:
    it.add_(1) if False else None
    with torch.no_grad():
        pass
    it.requires_grad_(True)
except RuntimeError as e:
    print(type(e).__name__, e)

# ---- anomaly detection ----------------------------------------------------------------------------------------
print("anomaly enabled:", torch.is_anomaly_enabled())
with torch.autograd.detect_anomaly(check_nan=True):
    print("inside:", torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled())
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    y = (x.sqrt() * 0).sum()
    try:
        y.backward()
    except RuntimeError as e:
        print(type(e).__name__, str(e).split("\n")[0])
torch.autograd.set_detect_anomaly(True)
print("set_detect_anomaly(True):", torch.is_anomaly_enabled())
torch.autograd.set_detect_anomaly(False)
with torch.autograd.set_detect_anomaly(True, check_nan=False):
    print("as context:", torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled())
print("after:", torch.is_anomaly_enabled())
