"""Tutorial "How PyTorch prints numbers": tensors of many magnitudes under the default print options,
torch.set_printoptions(precision, sci_mode, threshold, edgeitems, linewidth, profile='full'/'short'/
'default'), printing half, double, int and bool tensors, torch.set_default_dtype's effect on factories,
Python floats and complex numbers, and .item() / .tolist() of every dtype."""
import torch

torch.manual_seed(0)

saved = torch._tensor_str.get_printoptions()
print(torch._tensor_str.PRINT_OPTS)
print("== magnitudes ==")
for t in [torch.tensor([1.0, 2.0, 3.0]), torch.tensor([0.1, 0.25, 10.5]), torch.tensor([1e-4, 1.0, 100.0]),
          torch.tensor([1e-5, 1.0]), torch.tensor([123456.0, 1.5]), torch.tensor([1e8, 1.0]),
          torch.tensor([1e-8, 1e-9]), torch.tensor([0.0, -0.0, 1e-3]), torch.tensor([float("inf"), 1.5, float("nan")]),
          torch.tensor([1e20, -1e-20]), torch.tensor([5.0e15, 3.0]), torch.tensor([100.0, 200.0, 1e-2]),
          torch.tensor(3.14159265), torch.tensor([[1.0, -2.5], [1000.0, 0.001]])]:
    print(t)
print(torch.tensor([1.5, 2.25], dtype=torch.float16), torch.tensor([1 / 3], dtype=torch.float64))
print(torch.tensor([1, -20, 300]), torch.tensor([True, False]), torch.tensor([2 ** 40, 1]), torch.tensor([], dtype=torch.int32))
print(torch.tensor([1 + 2j, -0.5j]), torch.tensor([1e-5 + 1j]), torch.zeros(2, 0), torch.empty(0))

print("== set_printoptions ==")
x = torch.randn(4, 3) * torch.tensor([1e-3, 1.0, 1e3])
torch.set_printoptions(precision=2)
print(x)
torch.set_printoptions(precision=6)
print(x[0])
torch.set_printoptions(sci_mode=False)
print(x, torch.tensor([1e-8, 1e8]))
torch.set_printoptions(sci_mode=True, precision=3)
print(torch.tensor([1.0, 2.0]), torch.tensor(0.5))
torch.set_printoptions(profile="default")
print(x)
big = torch.arange(2000).float()
print(big)
torch.set_printoptions(threshold=10, edgeitems=2)
print(torch.arange(12).reshape(3, 4), torch.arange(20))
torch.set_printoptions(edgeitems=1)
print(torch.arange(27).reshape(3, 3, 3))
torch.set_printoptions(profile="short")
print(torch.linspace(0, 1, 7), torch.arange(1000))
torch.set_printoptions(profile="full")
print(torch.arange(30).reshape(3, 10))
print(torch.arange(1001)[995:])
torch.set_printoptions(profile="default", linewidth=40)
print(torch.linspace(-1, 1, 12))
torch.set_printoptions(linewidth=200)
print(torch.linspace(-1, 1, 12))
torch.set_printoptions(profile="default")
print(torch.linspace(-1, 1, 12))

torch.set_printoptions(**saved)
print(torch._tensor_str.PRINT_OPTS.precision, torch._tensor_str.PRINT_OPTS.sci_mode)
with torch._tensor_str.printoptions(precision=1, sci_mode=False):
    print(torch.tensor([1234.5678, 0.0001]))
print(torch.tensor([1234.5678, 0.0001]))
print("== default dtype ==")
print(torch.get_default_dtype(), torch.tensor(1.5).dtype, torch.tensor(1).dtype, torch.tensor(1j).dtype,
      torch.zeros(1).dtype, torch.arange(3.0).dtype, torch.linspace(0, 1, 2).dtype)
torch.set_default_dtype(torch.float64)
print(torch.get_default_dtype(), torch.tensor(1.5), torch.tensor(1.5).dtype, torch.tensor(1j).dtype,
      torch.ones(2), torch.arange(3.0), torch.randn(2).dtype, torch.tensor([1, 2]).dtype)
print(torch.tensor([0.1]) + 0.2, (torch.tensor([1, 2]) / 2).dtype, torch.full((2,), 1.5).dtype,
      torch.tensor([1], dtype=torch.float32) * 2.5, (torch.tensor([1]) * 2.5).dtype)
print(torch.nn.Linear(2, 2).weight.dtype, torch.finfo().eps, torch.empty(1).dtype)
torch.set_default_dtype(torch.float16)
print(torch.tensor([1.0, 2.0]), torch.tensor(0.1), torch.tensor(0.1).dtype, torch.zeros(2) + 1e5, torch.arange(3.0).dtype)
torch.set_default_dtype(torch.float32)
print(torch.tensor(0.1), torch.get_default_dtype(), torch.is_floating_point(torch.tensor(1.0)))
for bad in [torch.int64, torch.complex64, float, "float64"]:
    try:
        torch.set_default_dtype(bad)
    except TypeError as e:
        print(f"set_default_dtype({bad!r}): TypeError: {e}")

print("== item and tolist ==")
for dt in [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
           torch.float16, torch.float32, torch.float64, torch.complex64, torch.complex128]:
    t = torch.tensor([1, 0, 3], dtype=dt) if dt is not torch.bool else torch.tensor([True, False, True])
    v = (t / 3).to(dt) if dt.is_floating_point or dt.is_complex else t
    print(dt, v.tolist(), type(v[0].item()).__name__, v[0].item(), v.sum().item() if dt is not torch.bool else v.any().item())
print(torch.tensor(0.1).item(), torch.tensor(0.1, dtype=torch.float64).item(), float(torch.tensor(0.1)),
      torch.tensor([0.1, 0.2]).tolist(), torch.tensor(0.1, dtype=torch.float16).item())
print(int(torch.tensor(3.99)), int(torch.tensor(-3.99)), bool(torch.tensor(0.0)), complex(torch.tensor(2.0)),
      torch.tensor([[1, 2], [3, 4]]).tolist(), torch.tensor(7).tolist(), f"{torch.tensor(2.5):.3f}", f"{torch.tensor(7)}")
print(round(torch.tensor(2.567).item(), 2), torch.tensor(1e-7).item(), torch.tensor(16777217.0).item(), torch.tensor(2 ** 53 + 1).item())
