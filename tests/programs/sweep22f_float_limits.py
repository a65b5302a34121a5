"""Course notebook "Floating point in PyTorch": torch.finfo / torch.iinfo fields for every dtype,
machine epsilon found by halving, float16 arithmetic (rounding of integers above 2048, 0.1 + 0.2,
accumulating in half), overflow to inf, gradual underflow to subnormals, nextafter, nan and inf
comparisons (isnan, isinf, isfinite, nan_to_num, maximum vs fmax, sort/argmax with nan)."""
import torch

print("== finfo ==")
for dt in [torch.float16, torch.float32, torch.float64]:
    fi = torch.finfo(dt)
    print(fi)
    print(dt, fi.bits, fi.eps, fi.max, fi.min, fi.tiny, fi.smallest_normal, fi.resolution, fi.dtype)
print(torch.finfo(), torch.finfo(torch.complex64).eps, torch.finfo(torch.complex128).bits)
print("== iinfo ==")
for dt in [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]:
    ii = torch.iinfo(dt)
    print(ii)
    print(dt, ii.bits, ii.min, ii.max, ii.dtype)
try:
    torch.iinfo(torch.float32)
except TypeError as e:
    print("TypeError:", e)
try:
    torch.finfo(torch.int32)
except TypeError as e:
    print("TypeError:", e)

print("== machine epsilon by halving ==")
for dt in [torch.float16, torch.float32, torch.float64]:
    eps = torch.tensor(1.0, dtype=dt)
    one = torch.tensor(1.0, dtype=dt)
    steps = 0
    while one + eps / 2 != one:
        eps = eps / 2
        steps += 1
    print(dt, steps, eps.item(), eps, eps.item() == torch.finfo(dt).eps)

print("== float16 arithmetic ==")
h = torch.arange(2045, 2055, dtype=torch.float16)
print(h)
print(torch.tensor([2049.0, 4097.0, 65504.0, 65520.0, 70000.0]).half())
print(torch.tensor(0.1, dtype=torch.float16) + torch.tensor(0.2, dtype=torch.float16))
print(torch.tensor([0.1, 0.2, 0.3], dtype=torch.float16).float())
acc = torch.tensor(0.0, dtype=torch.float16)
for _ in range(3000):
    acc = acc + torch.tensor(1.0, dtype=torch.float16)
print("half running count:", acc, "float count:", torch.ones(3000).sum())
big = torch.tensor([60000.0], dtype=torch.float16)
print(big * 2, big + big, (big * 2 - big), big.float() * 2)
print(torch.tensor([300.0], dtype=torch.float16).exp(), torch.tensor([11.0], dtype=torch.float16).exp())
torch.manual_seed(0)
hm = torch.randn(6, 6).half()
print("half column sums:", hm.sum(0), hm.sum(1, keepdim=True).flatten())
print("half norms:", hm.norm(), hm.norm(dim=1), torch.linalg.vector_norm(hm, 3, dim=0))
print("half matmul vs einsum:", (hm @ hm)[0], torch.einsum("ij,jk->ik", hm, hm)[0])

print("== overflow and underflow ==")
f = torch.tensor([1e38, 3e38], dtype=torch.float32)
print(f * 10, f.double() * 10, torch.tensor(1e39), torch.tensor(1e-46), torch.tensor([1e-40]))
tiny = torch.tensor(torch.finfo(torch.float32).tiny)
x = tiny.clone()
for k in range(4):
    x = x / 1024
    print(k, x, x.item(), x > 0, (x * 2 ** 40).item())
print(torch.tensor(2.0 ** -149), torch.tensor(2.0 ** -150), torch.tensor(2.0 ** -149) / 2)
print(torch.tensor(5e-324, dtype=torch.float64), torch.tensor([6e-8, 5.96e-8, 2e-8], dtype=torch.float16))
print(torch.nextafter(torch.tensor([1.0, 0.0, -1.0]), torch.tensor([2.0, 1.0, -2.0])))
print(torch.nextafter(torch.tensor([1.0], dtype=torch.float64), torch.tensor([0.0], dtype=torch.float64)) - 1)
print(torch.exp(torch.tensor([80.0, 88.0, 89.0, 710.0])), torch.exp(torch.tensor([710.0], dtype=torch.float64)))
print(torch.exp(torch.tensor([-87.0, -100.0, -104.0, -110.0])))

print("== nan and inf ==")
v = torch.tensor([1.0, float("nan"), float("inf"), -float("inf"), 0.0, -0.0])
print(v == v, v != v, v > 0, v < float("inf"), v == 0)
print(torch.isnan(v), torch.isinf(v), torch.isfinite(v), torch.isposinf(v), torch.isneginf(v))
print(torch.nan_to_num(v), torch.nan_to_num(v, nan=0.0, posinf=1e4, neginf=-1e4))
print(torch.nan_to_num(v.half()), torch.nan_to_num(v.double(), nan=-1.0))
print(1 / v, v * 0, v - v, torch.signbit(v), torch.sign(v))
w = torch.tensor([2.0, 0.5, -1.0, float("nan"), 3.0, 1.0])
u = torch.tensor([1.0, float("nan"), 0.0, 4.0, float("nan"), 1.0])
print(torch.maximum(v, v.flip(0)), torch.fmax(w, u), torch.fmin(w, u), torch.minimum(w, u))
print(w.max(), w.argmax(), w.min(), w.sort(), torch.nanmean(w), w.nansum(), torch.nanmedian(w))
print(w.topk(2), w.argsort(descending=True), torch.unique(w), w.clamp(0, 1))
print(torch.tensor(float("nan")).item(), torch.tensor(float("-inf")).tolist(), torch.tensor([-0.0]).tolist())
print(torch.allclose(w, w), torch.allclose(w, w, equal_nan=True), torch.equal(w, w), torch.isclose(w, u))
print(torch.tensor(0.0) / 0, torch.tensor(1) / 0, torch.tensor(-1) / 0, torch.tensor([0]) / 0)
print(torch.log(torch.tensor([0.0, -1.0])), torch.sqrt(torch.tensor([-4.0])), torch.tensor(-8.0) ** (1 / 3))
