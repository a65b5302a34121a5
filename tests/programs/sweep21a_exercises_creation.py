"""100 PyTorch exercises, part 1 (creation): the "100 numpy exercises" ported to torch, each a numbered
one-liner printing its result tensor directly -- zeros, arange, reversed vectors, eye, diagonals,
checkerboards, linspace / logspace, full, *_like, tril/triu indices, meshgrid, cartesian_prod,
combinations, tensors of every dtype."""
import torch

torch.manual_seed(0)

print("1. Print the torch version major number and the default dtype")
print(torch.get_default_dtype())

print("2. Create a null vector of size 10")
Z = torch.zeros(10)
print(Z)

print("3. Find the memory size of a tensor")
Z = torch.zeros((10, 10))
print(f"{Z.nelement() * Z.element_size()} bytes")

print("4. Null vector of size 10 with the fifth value equal to 1")
Z = torch.zeros(10)
Z[4] = 1
print(Z)

print("5. Vector with values ranging from 10 to 49")
print(torch.arange(10, 50))

print("6. Reverse a vector")
Z = torch.arange(10)
print(Z.flip(0))
print(torch.flip(Z, dims=[0]))

print("7. 3x3 matrix with values ranging from 0 to 8")
print(torch.arange(9).reshape(3, 3))

print("8. Indices of non-zero elements from [1,2,0,0,4,0]")
nz = torch.tensor([1, 2, 0, 0, 4, 0]).nonzero()
print(nz)
print(torch.nonzero(torch.tensor([1, 2, 0, 0, 4, 0]), as_tuple=True))

print("9. 3x3 identity matrix")
print(torch.eye(3))
print(torch.eye(2, 4, dtype=torch.int64))

print("10. 3x3x3 array with random values")
print(torch.rand(3, 3, 3).round(decimals=3))

print("11. 10x10 random array, min and max")
Z = torch.rand(10, 10)
print(f"{Z.min().item():.4f} {Z.max().item():.4f}")
print(Z.min(), Z.max())

print("12. Random vector of size 30 and its mean")
Z = torch.rand(30)
print(f"{Z.mean().item():.4f}")

print("13. 2d array with 1 on the border and 0 inside")
Z = torch.ones(5, 5)
Z[1:-1, 1:-1] = 0
print(Z)

print("14. Add a border of zeros around an existing array")
Z = torch.ones(3, 3)
print(torch.nn.functional.pad(Z, (1, 1, 1, 1), mode="constant", value=0))

print("15. What is the result of the following expressions?")
print(0 * torch.tensor(float("nan")))
print(torch.tensor(float("nan")) == torch.tensor(float("nan")))
print(torch.tensor(float("inf")) > torch.tensor(float("nan")))
print(torch.tensor(float("nan")) - torch.tensor(float("nan")))
print(torch.tensor(0.3) == 3 * torch.tensor(0.1))
print(torch.tensor(0.3, dtype=torch.float64) == 3 * torch.tensor(0.1, dtype=torch.float64))

print("16. 5x5 matrix with values 1,2,3,4 just below the diagonal")
print(torch.diag(1 + torch.arange(4), diagonal=-1))

print("17. 8x8 checkerboard pattern")
Z = torch.zeros((8, 8), dtype=torch.int32)
Z[1::2, ::2] = 1
Z[::2, 1::2] = 1
print(Z)

print("18. Index (x,y,z) of the 100th element of a (6,7,8) shape array")
print(torch.unravel_index(torch.tensor(99), (6, 7, 8)))

print("19. Checkerboard using tile / repeat")
print(torch.tile(torch.tensor([[0, 1], [1, 0]]), (4, 4)))
print(torch.tensor([[0, 1], [1, 0]], dtype=torch.uint8).repeat(2, 3))

print("20. Normalize a 5x5 random matrix")
Z = torch.rand(5, 5)
Z = (Z - Z.mean()) / Z.std()
print(Z.round(decimals=3))

print("21. Custom dtype: color as four unsigned bytes")
color = torch.tensor([255, 128, 0, 255], dtype=torch.uint8)
print(color, color.dtype, color.element_size())

print("22. Multiply a 5x3 matrix by a 3x2 matrix")
print(torch.ones(5, 3) @ torch.ones(3, 2))

print("23. Negate all elements between 3 and 8, in place")
Z = torch.arange(11)
Z[(3 < Z) & (Z < 8)] *= -1
print(Z)

print("24. linspace and logspace")
print(torch.linspace(0, 1, 11))
print(torch.linspace(0, 1, 12)[1:-1])
print(torch.linspace(-1, 1, steps=5, dtype=torch.float64))
print(torch.logspace(0, 3, 4))
print(torch.logspace(-10, 10, 5))
print(torch.logspace(0, 4, 5, base=2))
print(torch.linspace(0, 10, steps=6, dtype=torch.int64))

print("25. full, full_like, zeros_like, ones_like, empty_like shape")
print(torch.full((2, 3), 7))
print(torch.full((2, 3), 7.5))
print(torch.full((2, 2), True))
print(torch.full((3,), -1, dtype=torch.int16))
x = torch.arange(6, dtype=torch.float16).view(2, 3)
print(torch.zeros_like(x), torch.ones_like(x, dtype=torch.int32))
print(torch.full_like(x, 3.14159))
print(torch.empty_like(x).shape)
print(torch.rand_like(x, dtype=torch.float32).shape)

print("26. tril / triu indices")
print(torch.tril_indices(3, 3))
print(torch.triu_indices(3, 4, offset=1))
print(torch.tril_indices(4, 3, offset=-1))
M = torch.arange(16).view(4, 4)
r, c = torch.triu_indices(4, 4)
print(M[r, c])
try:
    torch.tril_indices(3)
except TypeError as e:
    print("TypeError:", e)
try:
    torch.eye(-2)
except RuntimeError as e:
    print("RuntimeError:", e)

print("27. meshgrid with ij and xy indexing")
xs, ys = torch.meshgrid(torch.arange(3), torch.arange(2), indexing="ij")
print(xs)
print(ys)
X, Y = torch.meshgrid(torch.linspace(0, 1, 3), torch.tensor([10.0, 20.0]), indexing="xy")
print(X)
print(Y)
print(torch.stack(torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij"), dim=-1))

print("28. cartesian product and combinations")
print(torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4, 5])))
print(torch.cartesian_prod(torch.tensor([1, 2, 3])))
print(torch.combinations(torch.tensor([1, 2, 3, 4])))
print(torch.combinations(torch.tensor([1, 2, 3]), r=3))
print(torch.combinations(torch.tensor([1, 2, 3]), with_replacement=True))
print(torch.combinations(torch.tensor([0.5, 1.5, 2.5]), r=1))

print("29. A tensor of every dtype")
for dt in [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
           torch.float16, torch.float32, torch.float64, torch.complex64]:
    t = torch.tensor([0, 1, 2, 3]).to(dt)
    print(dt, t, t.element_size(), t.is_floating_point(), t.is_complex())

print("30. arange with float step and its length")
print(torch.arange(0, 1, 0.1))
print(len(torch.arange(1, 2.5, 0.5)), torch.arange(1, 2.5, 0.5))
print(torch.arange(5, dtype=torch.float64))
print(torch.arange(-3, 3, 2))
print(torch.arange(10, 0, -3))

print("31. Constructors from Python data")
print(torch.tensor([[1, 2], [3, 4]]).dtype, torch.tensor([1.0, 2]).dtype, torch.tensor([True, False]))
print(torch.tensor([1 + 2j, 3 - 1j]))
print(torch.tensor(3.5), torch.tensor(7), torch.tensor(True), torch.tensor([]))
print(torch.as_tensor([1, 2, 3], dtype=torch.float32))
print(torch.zeros(0, 3), torch.empty(2, 0).shape)

print("32. diag_embed, diagflat, block_diag")
print(torch.diagflat(torch.tensor([1, 2])))
print(torch.diag_embed(torch.tensor([[1.0, 2.0], [3.0, 4.0]])))
print(torch.block_diag(torch.ones(2, 2), torch.tensor([[5]]), torch.tensor([[7, 8]])))
print(torch.vander(torch.tensor([1, 2, 3]), N=4))
print(torch.heaviside(torch.tensor([-1.5, 0.0, 2.0]), torch.tensor(0.5)))
