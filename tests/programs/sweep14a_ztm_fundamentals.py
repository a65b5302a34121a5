"""Tensor fundamentals as a learner course walks through them: scalars, vectors, matrices and
tensors, ndim/shape/dtype/device, random tensors, zeros/ones/arange/*_like, dtype mistakes,
arithmetic, matrix multiplication and its shape error, aggregation and argmax, reshape/view/stack/
squeeze/unsqueeze/permute, indexing, the NumPy bridge and reproducibility with manual_seed."""
import numpy as np
import torch

print(torch.__version__[:0] + "fundamentals")

# scalars, vectors, matrices, tensors
scalar = torch.tensor(7)
print(scalar, scalar.ndim, scalar.item(), type(scalar.item()).__name__)
vector = torch.tensor([7, 7])
print(vector, vector.ndim, vector.shape)
MATRIX = torch.tensor([[7, 8], [9, 10]])
print(MATRIX, MATRIX.ndim, MATRIX[1], MATRIX.shape)
TENSOR = torch.tensor([[[1, 2, 3], [3, 6, 9], [2, 4, 5]]])
print(TENSOR)
print(TENSOR.ndim, TENSOR.shape, TENSOR[0], TENSOR.size(), TENSOR.size(1))

# random tensors
torch.manual_seed(42)
random_tensor = torch.rand(size=(3, 4))
print(random_tensor, random_tensor.dtype)
random_image_size_tensor = torch.rand(size=(224, 224, 3))
print(random_image_size_tensor.shape, random_image_size_tensor.ndim)
print(random_image_size_tensor[:2, :2, 0])
zeros = torch.zeros(size=(3, 4))
print(zeros, zeros.dtype)
ones = torch.ones(size=(3, 4))
print(ones * random_tensor)

# ranges and *_like
zero_to_ten_deprecated = torch.arange(0, 10)
print(zero_to_ten_deprecated)
zero_to_ten = torch.arange(start=0, end=10, step=1)
print(zero_to_ten, zero_to_ten.dtype)
ten_zeros = torch.zeros_like(input=zero_to_ten)
print(ten_zeros)
print(torch.arange(1, 2.5, 0.25), torch.arange(0, 1, 0.1).shape)
print(torch.ones_like(random_tensor, dtype=torch.int64))
print(torch.full_like(zero_to_ten, 3.7), torch.empty_like(zero_to_ten).shape)

# dtypes
float_32_tensor = torch.tensor([3.0, 6.0, 9.0], dtype=None, device=None, requires_grad=False)
print(float_32_tensor.shape, float_32_tensor.dtype, float_32_tensor.device)
float_16_tensor = torch.tensor([3.0, 6.0, 9.0], dtype=torch.float16)
print(float_16_tensor, float_16_tensor.dtype)
print(float_16_tensor * float_32_tensor, (float_16_tensor * float_32_tensor).dtype)
int_32_tensor = torch.tensor([3, 6, 9], dtype=torch.int32)
print(int_32_tensor, float_32_tensor * int_32_tensor)
long_t = torch.tensor([3, 6, 9], dtype=torch.long)
print(long_t.dtype, (long_t / 2), (long_t // 2), (long_t / 2).dtype)
print(float_32_tensor.type(torch.float16), float_32_tensor.type(torch.float64).dtype)
print(float_32_tensor.type(), long_t.type(), float_16_tensor.type(torch.int8))
print(torch.tensor([True, False]).dtype, torch.tensor([1, 2], dtype=torch.uint8) + 255)
print(torch.tensor(2.5).half(), torch.tensor([1.7, -1.7]).int(), torch.tensor([0.1]).double())

some_tensor = torch.rand(3, 4)
print(f"Shape of tensor: {some_tensor.shape}")
print(f"Datatype of tensor: {some_tensor.dtype}")
print(f"Device tensor is stored on: {some_tensor.device}")

# basic operations
tensor = torch.tensor([1, 2, 3])
print(tensor + 10, tensor * 10, tensor - 10, tensor)
print(torch.multiply(tensor, 10), torch.mul(tensor, 10), torch.add(tensor, 10), torch.sub(tensor, 1))
print(tensor * tensor, torch.matmul(tensor, tensor), tensor @ tensor, torch.dot(tensor, tensor))
value = 0
for i in range(len(tensor)):
    value += tensor[i] * tensor[i]
print(value, type(value).__name__)
print(tensor.div(2), tensor.true_divide(2), tensor.pow(2), tensor ** 0.5)

# matrix multiplication and the most common error
tensor_A = torch.tensor([[1, 2], [3, 4], [5, 6]], dtype=torch.float32)
tensor_B = torch.tensor([[7, 10], [8, 11], [9, 12]], dtype=torch.float32)
try:
    torch.matmul(tensor_A, tensor_B)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    tensor_A @ tensor_B
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.mm(tensor_A, tensor_B)
except RuntimeError as e:
    print("RuntimeError:", e)
print(tensor_B.T, tensor_B.T.shape)
print(f"Original shapes: tensor_A = {tensor_A.shape}, tensor_B = {tensor_B.shape}")
print(f"New shapes: tensor_A = {tensor_A.shape} (same as above), tensor_B.T = {tensor_B.T.shape}")
output = torch.matmul(tensor_A, tensor_B.T)
print(output, f"\nOutput shape: {output.shape}")
print(torch.mm(tensor_A, tensor_B.mT))
try:
    torch.matmul(torch.tensor([[1, 2]]), torch.tensor([[1.0, 2.0]]).T)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.dot(torch.tensor([1, 2]), torch.tensor([1, 2, 3]))
except RuntimeError as e:
    print("RuntimeError:", e)

# a linear layer
torch.manual_seed(42)
linear = torch.nn.Linear(in_features=2, out_features=6)
x = tensor_A
output = linear(x)
print(f"Input shape: {x.shape}\n")
print(f"Output:\n{output}\n\nOutput shape: {output.shape}")
print(linear.weight.shape, linear.bias)

# aggregation
x = torch.arange(0, 100, 10)
print(x, x.dtype)
print(f"Minimum: {x.min()}")
print(f"Maximum: {x.max()}")
try:
    print(f"Mean: {x.mean()}")
except RuntimeError as e:
    print("RuntimeError:", e)
print(f"Mean: {x.type(torch.float32).mean()}")
print(f"Sum: {x.sum()}")
print(torch.max(x), torch.min(x), torch.mean(x.type(torch.float32)), torch.sum(x))
print(f"Index where max value occurs: {x.argmax()}")
print(f"Index where min value occurs: {x.argmin()}")
print(x.float().std(), x.float().var(), x.median(), x.prod())
tensor = torch.arange(10.0, 100.0, 10.0)
print(f"Current datatype: {tensor.dtype}")
tensor_float16 = tensor.type(torch.float16)
print(tensor_float16)
tensor_int8 = tensor.type(torch.int8)
print(tensor_int8)
print(tensor_float16.sum(), tensor_int8.sum(), tensor_int8.sum().dtype)

# reshaping, stacking, squeezing and unsqueezing
x = torch.arange(1.0, 8.0)
print(x, x.shape)
x_reshaped = x.reshape(1, 7)
print(x_reshaped, x_reshaped.shape)
try:
    x.reshape(1, 6)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    x.view(2, 4)
except RuntimeError as e:
    print("RuntimeError:", e)
z = x.view(1, 7)
print(z, z.shape)
z[:, 0] = 5
print(z, x)
x_stacked = torch.stack([x, x, x, x], dim=0)
print(x_stacked)
print(torch.stack([x, x, x, x], dim=1))
print(torch.vstack([x, x]), torch.hstack([x, x]))
try:
    torch.stack([x, x[:3]])
except RuntimeError as e:
    print("RuntimeError:", e)
print(f"Previous tensor: {x_reshaped}")
print(f"Previous shape: {x_reshaped.shape}")
x_squeezed = x_reshaped.squeeze()
print(f"\nNew tensor: {x_squeezed}")
print(f"New shape: {x_squeezed.shape}")
x_unsqueezed = x_squeezed.unsqueeze(dim=0)
print(f"New tensor: {x_unsqueezed}")
print(f"New shape: {x_unsqueezed.shape}")
print(x_squeezed.unsqueeze(dim=1).shape, x_squeezed.unsqueeze(-1).squeeze(0).shape)
try:
    x_squeezed.unsqueeze(3)
except IndexError as e:
    print("IndexError:", e)
x_original = torch.rand(size=(224, 224, 3))
x_permuted = x_original.permute(2, 0, 1)
print(f"Previous shape: {x_original.shape}")
print(f"New shape: {x_permuted.shape}")
print(x_permuted.is_contiguous(), x_permuted.stride(), x_original.stride())
x_original[0, 0, 0] = 728218
print(x_original[0, 0, 0], x_permuted[0, 0, 0])
try:
    x_permuted.view(3, -1)
except RuntimeError as e:
    print("RuntimeError:", e)
print(x_permuted.contiguous().view(3, -1).shape, x_permuted.reshape(3, -1).shape)
try:
    x_original.permute(2, 0)
except RuntimeError as e:
    print("RuntimeError:", e)

# indexing
x = torch.arange(1, 10).reshape(1, 3, 3)
print(x, x.shape)
print(f"First square bracket:\n{x[0]}")
print(f"Second square bracket: {x[0][0]}")
print(f"Third square bracket: {x[0][0][0]}")
print(x[:, 0], x[:, :, 1], x[:, 1, 1], x[0, 0, :], x[0, :, 2], x[..., -1])
print(x[0, [0, 2]], x[0, 1:, ::2], x[x > 4], x[0][torch.tensor([True, False, True])])
try:
    x[1]
except IndexError as e:
    print("IndexError:", e)
try:
    x[0, 3]
except IndexError as e:
    print("IndexError:", e)

# numpy bridge
array = np.arange(1.0, 8.0)
tensor = torch.from_numpy(array)
print(array, tensor)
array = array + 1
print(array, tensor)
tensor = torch.ones(7)
numpy_tensor = tensor.numpy()
print(tensor, numpy_tensor, numpy_tensor.dtype)
tensor = tensor + 1
print(tensor, numpy_tensor)
shared = torch.from_numpy(np.zeros(3, dtype=np.float32))
shared.add_(2)
print(shared.numpy(), torch.tensor(np.array([1, 2, 3])).dtype, torch.as_tensor(np.array([1.5])).dtype)
print(torch.from_numpy(np.arange(6).reshape(2, 3)).T, torch.from_numpy(np.array([True, False])))

# reproducibility
random_tensor_A = torch.rand(3, 4)
random_tensor_B = torch.rand(3, 4)
print(f"Tensor A:\n{random_tensor_A}\n")
print(f"Tensor B:\n{random_tensor_B}\n")
print("Does Tensor A equal Tensor B? (anywhere)")
print(random_tensor_A == random_tensor_B)
RANDOM_SEED = 42
torch.manual_seed(seed=RANDOM_SEED)
random_tensor_C = torch.rand(3, 4)
torch.random.manual_seed(seed=RANDOM_SEED)
random_tensor_D = torch.rand(3, 4)
print(random_tensor_C == random_tensor_D, torch.equal(random_tensor_C, random_tensor_D))
print(torch.randn(2, 3), torch.randint(0, 10, (2, 5)), torch.randperm(6))
g = torch.Generator().manual_seed(7)
print(torch.rand(2, generator=g), torch.initial_seed(), g.initial_seed())
print(torch.cuda.is_available(), "cuda" if torch.cuda.is_available() else "cpu", torch.cuda.device_count())
tensor = torch.tensor([1, 2, 3])
print(tensor, tensor.device, tensor.to("cpu").device, tensor.cpu().numpy())

# mistakes learners make on their first day, and what torch says
mistakes = [
    ("stack a number", lambda: torch.stack([torch.tensor(1.0), 2.0])),
    ("cat a list", lambda: torch.cat([torch.ones(2), [3.0]])),
    ("cat a generator", lambda: torch.cat(t for t in [torch.ones(1)])),
    ("strings", lambda: torch.tensor(np.array(["7", "8"]))),
    ("objects", lambda: torch.from_numpy(np.array([1, None]))),
    ("int parameter", lambda: torch.nn.Parameter(torch.tensor([1, 2]))),
    ("randint size", lambda: torch.randint(0, 10, 3)),
    ("randint high", lambda: torch.randint(10, 3)),
    ("linspace steps", lambda: torch.linspace(0, 1)),
    ("softmax dim", lambda: torch.tensor([1.0, 2.0]).softmax()),
    ("log_softmax dim", lambda: torch.log_softmax(torch.tensor([1.0, 2.0]))),
    ("mean of ints", lambda: torch.tensor([1, 2]).mean()),
    ("item of many", lambda: torch.tensor([1, 2]).item()),
    ("len of scalar", lambda: len(torch.tensor(3))),
    ("iterate scalar", lambda: list(torch.tensor(3))),
]
for what, fn in mistakes:
    try:
        fn()
        print(what, "-> no error")
    except Exception as e:
        print(f"{what} -> {type(e).__name__}: {e}")
print(torch.randint(0, 10, torch.Size([3])).shape, torch.randint(5, [2, 2]).shape)
print(torch.nn.Parameter(torch.tensor([1, 2]), requires_grad=False))
print(torch.as_tensor(np.array([1, 2], dtype=np.int16)), torch.tensor(np.array([3], dtype=np.uint8)).dtype)
