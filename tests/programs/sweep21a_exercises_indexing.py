"""100 PyTorch exercises, part 2 (indexing tricks): boolean masks, nonzero, where, take_along_dim,
gather/scatter_add, index_put_ with accumulate, bincount, unique / unique_consecutive, searchsorted,
bucketize, and the classic "nearest value", "swap two rows", "normalise rows", "most frequent value",
"rows with unequal values", "n largest values" exercises -- each printing its tensor."""
import torch

torch.manual_seed(42)

print("1. Find the nearest value from a given value in a tensor")
Z = torch.rand(10)
z = 0.5
m = Z[(Z - z).abs().argmin()]
print(m.round(decimals=4), (Z - z).abs().argmin())

print("2. Swap two rows of a matrix")
A = torch.arange(25).reshape(5, 5)
A[[0, 1]] = A[[1, 0]]
print(A)

print("3. Normalise rows (L1 and L2)")
X = torch.arange(1.0, 13.0).view(3, 4)
print((X / X.sum(dim=1, keepdim=True)).round(decimals=4))
print(torch.nn.functional.normalize(X, p=2, dim=1).round(decimals=4))

print("4. Replace the maximum value by 0")
Z = torch.tensor([3, 9, 1, 9, 4])
Z[Z.argmax()] = 0
print(Z)

print("5. Boolean masks and masked_select / masked_fill")
Z = torch.tensor([[1, -2, 3], [-4, 5, -6]])
mask = Z > 0
print(mask)
print(Z[mask], torch.masked_select(Z, mask))
print(Z.masked_fill(~mask, 0))
print(torch.where(mask, Z, -Z))
print(torch.where(Z > 0))
print(torch.where(mask, 1.0, 0))
print(mask.any(), mask.all(dim=1), mask.sum(), mask.sum(0), mask.float().mean())

print("6. nonzero on a 2-d tensor and argwhere")
M = torch.tensor([[0, 1, 0], [2, 0, 3]])
print(M.nonzero())
print(torch.argwhere(M))
print(M.count_nonzero(), M.count_nonzero(dim=0))

print("7. take_along_dim and gather")
S = torch.tensor([[10, 30, 20], [60, 40, 50]])
idx = S.argsort(dim=1)
print(torch.take_along_dim(S, idx, dim=1))
print(torch.gather(S, 1, torch.tensor([[2], [0]])))
print(torch.take(S, torch.tensor([0, 5])))
print(S.take_along_dim(S.argmax(dim=0, keepdim=True), dim=0))

print("8. scatter_add, scatter with reduce, index_add")
src = torch.ones(6)
index = torch.tensor([0, 1, 0, 2, 2, 2])
print(torch.zeros(3).scatter_add(0, index, src))
print(torch.zeros(3, dtype=torch.int64).scatter_add_(0, index, torch.arange(6)))
print(torch.zeros(3).scatter_reduce(0, index, torch.arange(6.0), reduce="amax", include_self=False))
print(torch.full((3,), 10.0).scatter_reduce(0, index, torch.arange(6.0), reduce="mean"))
print(torch.zeros(2, 4).scatter_(1, torch.tensor([[1], [3]]), 1.0))
print(torch.zeros(5).index_add(0, torch.tensor([0, 4, 0]), torch.tensor([1.0, 2.0, 3.0]), alpha=2))

print("9. index_put_ with accumulate (repeated indices)")
Z = torch.zeros(5)
I = torch.tensor([1, 3, 1, 1, 4])
Z.index_put_((I,), torch.ones(5), accumulate=True)
print(Z)
Z = torch.zeros(5)
Z[I] += 1
print(Z)
W = torch.zeros(3, 3, dtype=torch.int32)
W.index_put_((torch.tensor([0, 0, 2]), torch.tensor([1, 1, 2])), torch.tensor([5, 6, 7], dtype=torch.int32),
             accumulate=True)
print(W)

print("10. bincount: weighted, minlength, most frequent value")
Z = torch.randint(0, 10, (50,))
print(Z)
print(torch.bincount(Z))
print(torch.bincount(Z).argmax())
print(torch.bincount(torch.tensor([0, 1, 1, 3]), minlength=6))
print(torch.bincount(torch.tensor([0, 1, 1, 3]), weights=torch.tensor([0.5, 1.0, 0.25, 2.0])))
print(torch.bincount(torch.tensor([], dtype=torch.int64)))

print("11. unique, unique_consecutive, run-length encoding")
x = torch.tensor([1, 1, 2, 2, 3, 1, 1, 2])
print(torch.unique(x))
print(torch.unique(x, return_counts=True))
print(torch.unique(x, sorted=True, return_inverse=True))
vals, counts = torch.unique_consecutive(x, return_counts=True)
print(vals, counts)
print(torch.unique_consecutive(x, return_inverse=True))
print(torch.unique(torch.tensor([[1, 2], [1, 2], [0, 5]]), dim=0))
print(torch.unique(torch.tensor([2.5, float("nan"), 1.0, 2.5])))
scores = torch.tensor([3.0, 1.0, 3.0, 2.0, 2.0], requires_grad=True)
print(scores.unique(), torch.unique_consecutive(scores), torch.unique(scores.view(5, 1), dim=0).t())
try:
    scores.unique().sum().backward()
except NotImplementedError as e:
    print("NotImplementedError:", e)

print("12. searchsorted and bucketize")
edges = torch.tensor([1, 3, 5, 7, 9])
v = torch.tensor([3, 6, 9, 0, 10])
print(torch.searchsorted(edges, v))
print(torch.searchsorted(edges, v, right=True))
print(torch.searchsorted(edges, v, side="right", out_int32=True))
print(torch.bucketize(v, edges))
print(torch.bucketize(v, edges, right=True))
print(torch.bucketize(torch.tensor([[0.1, 2.5], [7.0, 9.5]]), torch.tensor([0.0, 2.5, 5.0, 7.5])))
sorted_2d = torch.tensor([[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]])
print(torch.searchsorted(sorted_2d, torch.tensor([[3, 6, 9], [3, 6, 9]])))
print(torch.searchsorted(torch.tensor([4, 1, 3, 2]), torch.tensor([2, 3]), sorter=torch.tensor([1, 3, 2, 0])))

print("13. n largest values and their positions")
Z = torch.randperm(20)
print(Z)
print(Z[Z.argsort()[-5:]])
print(torch.topk(Z, 5))
print(Z.topk(3, largest=False).indices)

print("14. Rows with unequal values; unique rows")
Z = torch.randint(0, 2, (8, 3))
print(Z)
print(Z[~(Z == Z[:, :1]).all(dim=1)])
print(torch.unique(Z, dim=0))

print("15. Extract the integer part of a random tensor in 4 ways")
Z = torch.rand(6) * 10 - 5
print(Z.round(decimals=3))
print(Z - Z % 1)
print(torch.floor(Z), torch.ceil(Z) - 1, Z.int(), torch.trunc(Z), Z.fix())

print("16. Add 1 to each element indexed by a second vector (repeated indices)")
Z = torch.ones(10)
I = torch.randint(0, len(Z), (20,))
Z += torch.bincount(I, minlength=len(Z))
print(Z)

print("17. Accumulate elements of X into F by index I")
X = torch.tensor([1, 2, 3, 4, 5, 6])
I = torch.tensor([1, 3, 9, 3, 4, 1])
F = torch.bincount(I, X)
print(F)

print("18. Fancy indexing with index lists, ellipsis and None")
T = torch.arange(24).view(2, 3, 4)
print(T[..., 1])
print(T[:, [0, 2]][:, :, [1, 3]])
print(T[[0, 1], [1, 2], [2, 3]])
print(T[None, 1, ::2, -1:].shape, T[1, None].shape)
print(T[torch.tensor([True, False])])
print(T[:, torch.tensor([[0, 1], [2, 2]])].shape)
print(T.index_select(2, torch.tensor([3, 0])))

print("19. Out-of-range indexing errors")
try:
    T[2]
except IndexError as e:
    print("IndexError:", e)
try:
    torch.zeros(3).index_put_((torch.tensor([3]),), torch.ones(1))
except IndexError as e:
    print("IndexError:", e)
try:
    torch.bincount(torch.tensor([-1, 2]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    T["a"]
except TypeError as e:
    print("TypeError:", e)
try:
    torch.searchsorted(edges, v, sorter=torch.tensor([0, 1]))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.nonzero(M, as_tuple=None)
except TypeError as e:
    print("TypeError:", e)
