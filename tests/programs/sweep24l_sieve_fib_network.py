"""Number-theory and sorting-network exercises with tensors: the sieve of Eratosthenes on a bool
tensor with slice steps (is_prime[p*p::p] = False), prime counting and gaps, a bitonic /
odd-even transposition sorting network built from torch.minimum/maximum on strided views,
matrix-exponentiation Fibonacci in int64 (wrapping around past 2**63) versus the float64 closed
form, and modular exponentiation with torch.remainder / fmod on negative numbers."""
import math

import torch

torch.manual_seed(11)

N = 100
is_prime = torch.ones(N + 1, dtype=torch.bool)
is_prime[:2] = False
for p in range(2, int(math.isqrt(N)) + 1):
    if is_prime[p]:
        is_prime[p * p::p] = False
primes = torch.nonzero(is_prime).squeeze(1)
print("primes:", primes.tolist())
print("pi(100) =", is_prime.sum().item(), is_prime.sum().dtype)
gaps = torch.diff(primes)
print("max gap:", gaps.max().item(), "after", primes[gaps.argmax()].item())
print("twin primes:", primes[:-1][gaps == 2][:6].tolist())
print(is_prime[:12])
print("composite mask count:", (~is_prime[2:]).count_nonzero())
print("any/all:", is_prime[2::2].any().item(), is_prime[3::2].all().item())
divisible = (torch.arange(1, 31)[:, None] % primes[:5][None, :]) == 0
print(divisible.sum(0), divisible.long().sum(1)[:10])


def odd_even_sort(x):
    x = x.clone()
    n = x.shape[-1]
    for r in range(n):
        start = r % 2
        a = x[..., start:n - 1:2]
        b = x[..., start + 1:n:2]
        m = min(a.shape[-1], b.shape[-1])
        lo = torch.minimum(a[..., :m], b[..., :m])
        hi = torch.maximum(a[..., :m], b[..., :m])
        x[..., start:start + 2 * m:2] = lo
        x[..., start + 1:start + 2 * m:2] = hi
    return x


def bitonic_sort(x):
    x = x.clone()
    n = x.shape[-1]
    k = 2
    while k <= n:
        j = k // 2
        while j > 0:
            idx = torch.arange(n)
            partner = idx ^ j
            mask = partner > idx
            i1, i2 = idx[mask], partner[mask]
            asc = (i1 & k) == 0
            a, b = x[..., i1], x[..., i2]
            lo, hi = torch.minimum(a, b), torch.maximum(a, b)
            x[..., i1] = torch.where(asc, lo, hi)
            x[..., i2] = torch.where(asc, hi, lo)
            j //= 2
        k *= 2
    return x


v = torch.randint(-50, 50, (3, 8))
print(v)
print(odd_even_sort(v))
print(bitonic_sort(v))
print(torch.equal(bitonic_sort(v), v.sort(dim=-1).values), torch.equal(odd_even_sort(v[:, :7]), v[:, :7].sort().values))
fv = torch.randn(8)
print(bitonic_sort(fv).round(decimals=3))
print(torch.fmax(torch.tensor([1.0, float("nan")]), torch.tensor([float("nan"), 2.0])), torch.maximum(torch.tensor([1.0, float("nan")]), torch.tensor(0.5)))


def matmul_mod(a, b):
    return a @ b


def mat_pow(m, e):
    result = torch.eye(m.shape[0], dtype=m.dtype)
    while e:
        if e & 1:
            result = matmul_mod(result, m)
        m = matmul_mod(m, m)
        e >>= 1
    return result


F = torch.tensor([[1, 1], [1, 0]], dtype=torch.int64)
for n in [10, 50, 90, 92, 93, 100, 150]:
    print(n, mat_pow(F, n)[0, 1].item())
print(torch.linalg.matrix_power(F, 20))
print(torch.matrix_power(F, 95)[0])
phi = (1 + math.sqrt(5)) / 2
ns = torch.arange(0, 80, 10, dtype=torch.float64)
binet = torch.round(phi ** ns / math.sqrt(5))
print(binet.long().tolist())
big = torch.tensor([torch.iinfo(torch.int64).max], dtype=torch.int64)
print("wrap:", big + 1, big * 2, -(big + 1))
print(torch.tensor([2 ** 62]) * 4, torch.tensor([3], dtype=torch.int32) * 2 ** 30)
a = torch.tensor([-7, -3, 3, 7])
print(a % 3, torch.remainder(a, -3), torch.fmod(a, 3), a // 2, torch.div(a, 2, rounding_mode="trunc"))


def pow_mod(base, exp, mod):
    result = torch.ones_like(base)
    base = base % mod
    while exp:
        if exp & 1:
            result = (result * base) % mod
        base = (base * base) % mod
        exp >>= 1
    return result


bases = torch.arange(2, 12)
print("fermat 13:", pow_mod(bases, 12, 13).tolist())
print("pow 17:", pow_mod(bases, 5, 17), torch.pow(bases, 5) % 17)
print(torch.gcd(torch.tensor([12, 18, -24, 0]), torch.tensor([8, 27, 36, 5])), torch.lcm(torch.tensor([4, 6, -3]), torch.tensor([6, 10, 9])))
