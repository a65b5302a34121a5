"""Course-test style checks with torch.testing.assert_close: passing cases, and the exact reports of
failing ones (shape, dtype, device, values, nan handling, custom msg), plus allclose/isclose/equal."""
import torch
from torch.testing import assert_close


def check(name, actual, expected, **kw):
    try:
        assert_close(actual, expected, **kw)
        print(name, "-> ok")
    except AssertionError as e:
        print(name, "-> AssertionError")
        print(str(e))
    except (TypeError, ValueError, RuntimeError) as e:
        print(name, "->", type(e).__name__, e)


torch.manual_seed(0)
a = torch.tensor([1.0, 2.0, 3.0])
check("same", a, a.clone())
check("tiny diff", a, a + 1e-7)
check("shape", a, torch.tensor([1.0, 2.0]))
check("shape 2d", torch.zeros(2, 3), torch.zeros(3, 2))
check("dtype", a, a.double())
check("dtype off", a, a.double(), check_dtype=False)
check("int vs float", torch.tensor([1, 2, 3]), a)
check("int vs float off", torch.tensor([1, 2, 3]), a, check_dtype=False)
check("one value", a, torch.tensor([1.0, 2.5, 3.0]))
check("two values", torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([[1.1, 2.0], [3.0, 4.4]]))
check("big", torch.arange(100.0), torch.arange(100.0) * 1.001)
check("rtol", a, a * 1.01, rtol=0.02, atol=0.0)
check("rtol fail", a, a * 1.05, rtol=0.02, atol=0.0)
check("atol", a, a + 0.05, rtol=0.0, atol=0.1)
check("atol fail", a, a + 0.5, rtol=0.0, atol=0.1)
check("only rtol", a, a, rtol=0.1)
nan = float("nan")
check("nan", torch.tensor([1.0, nan]), torch.tensor([1.0, nan]))
check("nan equal", torch.tensor([1.0, nan]), torch.tensor([1.0, nan]), equal_nan=True)
check("inf", torch.tensor([float("inf"), 1.0]), torch.tensor([float("inf"), 1.0]))
check("inf sign", torch.tensor([float("inf")]), torch.tensor([float("-inf")]))
check("ints", torch.tensor([1, 2, 3]), torch.tensor([1, 2, 4]))
check("ints many", torch.arange(10), torch.arange(10) * 2)
check("bool", torch.tensor([True, False]), torch.tensor([True, True]))
check("msg", a, a + 1, msg="my tensors differ")
check("msg callable", a, a + 1, msg=lambda m: "custom: " + m.splitlines()[0])
check("scalar", 1.0, 1.0 + 1e-9)
check("scalar fail", 1.0, 1.1)
check("scalar int", 3, 4)
check("list", [a, a], [a, a.clone()])
check("list fail", [a, a], [a, a + 1])
check("dict fail", {"w": a, "b": a}, {"w": a, "b": a * 2})
check("len", [a], [a, a])
check("type mismatch", a, [1.0, 2.0, 3.0])
check("float64 tol", torch.tensor([1.0], dtype=torch.float64), torch.tensor([1.0 + 1e-9], dtype=torch.float64))
check("float16", torch.tensor([1.0], dtype=torch.float16), torch.tensor([1.0005], dtype=torch.float16))
check("complex", torch.tensor([1 + 1j]), torch.tensor([1 + 1.5j]))
check("requires_grad", torch.ones(2, requires_grad=True), torch.ones(2))
check("stride", torch.ones(2, 3).t(), torch.ones(3, 2), check_stride=True)
check("0-dim", torch.tensor(2.0), torch.tensor(2.5))
check("half rtol given", a, a, rtol=0.1, atol=None)
check("neg zero", torch.tensor([0.0]), torch.tensor([-0.0]))

x = torch.randn(4, 3)
y = x + 1e-6 * torch.randn(4, 3)
print("allclose", torch.allclose(x, y), torch.allclose(x, y, atol=0, rtol=0), torch.allclose(x, x + 1))
print("allclose nan", torch.allclose(torch.tensor([nan]), torch.tensor([nan])),
      torch.allclose(torch.tensor([nan]), torch.tensor([nan]), equal_nan=True))
print("isclose", torch.isclose(torch.tensor([1.0, 2.0, nan, 4.0]), torch.tensor([1.0, 2.1, nan, 4.0 + 1e-6])))
print("isclose nan", torch.isclose(torch.tensor([nan, 1.0]), torch.tensor([nan, 1.0]), equal_nan=True))
print("isclose tol", torch.isclose(a, a + 0.05, rtol=0.0, atol=0.1), torch.isclose(a, a * 1.01, rtol=0.001))
print("isclose int", torch.isclose(torch.tensor([1, 2]), torch.tensor([1, 3])))
print("isclose bcast", torch.isclose(torch.ones(2, 3), torch.tensor([1.0, 1.5, 1.0])))
print("equal", torch.equal(a, a.clone()), torch.equal(a, a + 1e-7), torch.equal(a, a[:2]))
print("equal dtype", torch.equal(torch.tensor([1, 2]), torch.tensor([1.0, 2.0])))
print("eq", torch.eq(a, torch.tensor([1.0, 0.0, 3.0])), (a == 2).any().item(), (a == a).all().item())
try:
    torch.allclose(a, torch.ones(2))
except RuntimeError as e:
    print("allclose error:", e)
try:
    torch.isclose(a, torch.tensor([1, 2, 3]))
except RuntimeError as e:
    print("isclose error:", e)
try:
    torch.isclose(a, a, rtol=-1.0)
except RuntimeError as e:
    print("isclose rtol error:", e)
try:
    assert_close(a, a, rtol=0.1)
except ValueError as e:
    print("ValueError:", e)
