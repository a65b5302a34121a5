"""Stack Overflow-style answer: "How do I make my PyTorch training reproducible?" -- seeding every
RNG, generator objects and their states, fork_rng, deterministic flags, then proving two runs match
bit for bit (parameters_to_vector, state_dict hashes) and that a deepcopy'd model diverges only when
trained differently."""
import copy
import hashlib
import random

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters
from torch.utils.data import DataLoader, TensorDataset, random_split


def seed_everything(seed: int):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    torch.use_deterministic_algorithms(True)


def digest(model):
    h = hashlib.sha256()
    for k, v in model.state_dict().items():
        h.update(k.encode())
        h.update(v.detach().cpu().numpy().tobytes())
    return h.hexdigest()[:16]


def train(seed, epochs=2, workers=0):
    seed_everything(seed)
    X = torch.randn(96, 5)
    y = (X.sum(1, keepdim=True) > 0).float()
    train_ds, val_ds = random_split(TensorDataset(X, y), [72, 24])
    g = torch.Generator()
    g.manual_seed(seed)
    loader = DataLoader(train_ds, batch_size=12, shuffle=True, generator=g, num_workers=workers)
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 1))
    opt = torch.optim.RMSprop(model.parameters(), lr=1e-2, alpha=0.9)
    crit = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss = crit(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(round(loss.item(), 6))
    return model, losses, val_ds.indices[:5]


print("deterministic:", torch.are_deterministic_algorithms_enabled(), torch.backends.cudnn.deterministic)
m1, l1, v1 = train(0)
m2, l2, v2 = train(0)
m3, l3, v3 = train(1)
print("same seed same losses:", l1 == l2, "| different seed:", l1 == l3)
print("val indices:", v1, v2 == v1, v3)
print("digest equal:", digest(m1) == digest(m2), digest(m1) != digest(m3))
vec1, vec2 = parameters_to_vector(m1.parameters()), parameters_to_vector(m2.parameters())
print(vec1.shape, torch.equal(vec1, vec2), f"{(vec1 - parameters_to_vector(m3.parameters())).norm():.4f}")
print("losses:", [f"{x:.4f}" for x in l1[:6]])
_, lw, _ = train(0, workers=2)
print("two workers give the same batches:", lw == l1)

# generator objects and their states
g = torch.Generator().manual_seed(2147483647)
print(g.initial_seed(), torch.randint(0, 100, (5,), generator=g))
state = g.get_state()
a = torch.rand(3, generator=g)
g.set_state(state)
b = torch.rand(3, generator=g)
print(torch.equal(a, b), state.dtype, state.shape, a)
g2 = torch.Generator()
g2.set_state(g.get_state())
print(torch.equal(torch.randn(4, generator=g), torch.randn(4, generator=g2)))
g3 = g.clone_state() if hasattr(g, "clone_state") else None
print(type(torch.default_generator).__name__, torch.initial_seed())

# fork_rng: draws inside leave the global stream untouched
torch.manual_seed(10)
before = torch.get_rng_state()
with torch.random.fork_rng():
    torch.manual_seed(999)
    inside = torch.rand(2)
after = torch.rand(2)
torch.manual_seed(10)
print("fork_rng isolates:", torch.equal(after, torch.rand(2)), torch.equal(before, torch.get_rng_state()) is False)
print(inside)

# numpy round trips and python random
seed_everything(3)
arr = np.random.rand(3).astype(np.float32)
t = torch.from_numpy(arr)
arr[0] = -1.0
print(t, t.dtype, torch.tensor(arr).data_ptr() != t.data_ptr())
print(random.random(), torch.rand(1).item())

# deepcopy: same values, separate storage, diverge after a step
m1_copy = copy.deepcopy(m1)
print(digest(m1_copy) == digest(m1), m1_copy[0].weight is m1[0].weight)
opt = torch.optim.SGD(m1_copy.parameters(), lr=0.1)
m1_copy.train()
loss = m1_copy(torch.ones(4, 5)).pow(2).mean()
loss.backward()
opt.step()
print("diverged:", digest(m1_copy) != digest(m1), m1[0].weight.grad is not None)
print("dropout layer mode:", m1_copy[2].training, m1_copy.eval()[2].training, m1_copy.training)
vector_to_parameters(parameters_to_vector(m1.parameters()), m1_copy.parameters())
print("copied back:", digest(m1_copy) == digest(m1))

# an optimizer built before and after deepcopy points at different tensors
opt1 = torch.optim.Adam(m1.parameters(), lr=1e-3)
opt_copy = copy.deepcopy(opt1)
print(opt_copy.param_groups[0]["params"][0] is m1[0].weight, len(opt_copy.state))
print(opt1)
try:
    torch.manual_seed(-1)
except RuntimeError as e:
    print("RuntimeError:", e)
torch.manual_seed(2 ** 64 - 1)
print(torch.initial_seed(), torch.rand(1))
torch.use_deterministic_algorithms(False)
print(torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled())
