"""Course code, week 9: checkpointing. Save model and optimizer state, resume training and show the
losses continue exactly as if training had never stopped; partial loading, deep copies, vectors."""
import copy
import io
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import parameters_to_vector, vector_to_parameters

torch.manual_seed(11)
X = torch.randn(128, 6)
true_w = torch.randn(6, 1)
y = (X @ true_w + 0.1 * torch.randn(128, 1)).squeeze(1)


class Regressor(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(6, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh())
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        return self.out(self.body(x)).squeeze(-1)


def run_epochs(model, opt, sched, start, stop, log):
    for epoch in range(start, stop):
        perm = torch.randperm(len(X))
        total = 0.0
        for i in range(0, len(X), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss = F.mse_loss(model(X[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()
        log.append(f"epoch {epoch}: loss {total / len(X):.5f} lr {sched.get_last_lr()[0]:.5f}")


def make(seed=0):
    torch.manual_seed(seed)
    model = Regressor()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    return model, opt, sched


# ---------------------------------------------------------------- reference run: 6 epochs straight
model, opt, sched = make()
torch.manual_seed(100)
straight = []
run_epochs(model, opt, sched, 0, 6, straight)

# ---------------------------------------------------------------- 3 epochs, checkpoint, resume
model, opt, sched = make()
torch.manual_seed(100)
first = []
run_epochs(model, opt, sched, 0, 3, first)
ckpt = {"epoch": 3, "model_state": model.state_dict(), "optimizer_state": opt.state_dict(),
        "scheduler_state": sched.state_dict(), "rng_state": torch.get_rng_state(), "history": list(first)}
torch.save(ckpt, "checkpoint.pt")
print("saved:", os.path.exists("checkpoint.pt"), sorted(ckpt.keys()))
del model, opt, sched

model, opt, sched = make(seed=999)   # different init: everything must come from the checkpoint
state = torch.load("checkpoint.pt")
model.load_state_dict(state["model_state"])
opt.load_state_dict(state["optimizer_state"])
sched.load_state_dict(state["scheduler_state"])
torch.set_rng_state(state["rng_state"])
resumed = list(state["history"])
run_epochs(model, opt, sched, state["epoch"], 6, resumed)
for a, b in zip(straight, resumed):
    print(a, "|", "same" if a == b else b)
print("resumed identically:", straight == resumed)

osd = opt.state_dict()
print("optimizer state:", len(osd["state"]), "tensors sets; step of first:", osd["state"][0]["step"])
print("param_groups[0]:", {k: v for k, v in osd["param_groups"][0].items() if k in ("lr", "betas", "params")})
print("scheduler:", {k: (round(v, 6) if isinstance(v, float) else v) for k, v in sched.state_dict().items()
                     if k in ("last_epoch", "gamma", "_step_count")})

# ---------------------------------------------------------------- in-memory round trip
buf = io.BytesIO()
torch.save({"weights": model.state_dict(), "epoch": 6, "note": "in memory"}, buf)
print("bytes written > 0:", buf.tell() > 0)
buf.seek(0)
loaded = torch.load(buf, weights_only=True)
print(loaded["epoch"], loaded["note"], list(loaded["weights"].keys()))
print("tensors equal:", all(torch.equal(loaded["weights"][k], v) for k, v in model.state_dict().items()))
print(loaded["weights"]["out.bias"].dtype, loaded["weights"]["body.0.weight"].shape)

# ---------------------------------------------------------------- partial loading with strict=False
class Wider(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh())
        self.head = nn.Linear(16, 3)


w = Wider()
result = w.load_state_dict(model.state_dict(), strict=False)
print(result)
print("missing:", result.missing_keys, "unexpected:", result.unexpected_keys)
print("body copied:", torch.equal(w.body[0].weight, model.body[0].weight))
try:
    w.load_state_dict(model.state_dict())
except RuntimeError as e:
    print("strict load fails:", str(e).splitlines()[0])
sd = model.state_dict()
sd["out.weight"] = torch.zeros(2, 16)
try:
    model.load_state_dict(sd)
except RuntimeError as e:
    print(str(e).splitlines()[1].strip())

# ---------------------------------------------------------------- deep copies and flat vectors
twin = copy.deepcopy(model)
print("deepcopy shares storage:", twin.out.weight.data_ptr() == model.out.weight.data_ptr())
with torch.no_grad():
    twin.out.bias.fill_(5.0)
print("original bias untouched:", model.out.bias.item() != 5.0, twin.out.bias)
vec = parameters_to_vector(model.parameters())
print("flat parameters:", vec.shape, vec.requires_grad, type(vec.grad_fn).__name__)
print("sum of squares:", f"{vec.detach().pow(2).sum().item():.4f}")
vector_to_parameters(torch.zeros_like(vec), twin.parameters())
print("twin zeroed:", all(bool((p == 0).all()) for p in twin.parameters()))
vector_to_parameters(vec.detach(), twin.parameters())
with torch.no_grad():
    same = torch.allclose(twin(X[:8]), model(X[:8]))
print("restored from vector:", same)
print("state_dict keep_vars:", type(model.state_dict(keep_vars=True)["out.bias"]).__name__,
      model.state_dict()["out.bias"].requires_grad)

# ---------------------------------------------------------------- whole-model pickles, map_location
torch.save(model, "whole_model.pt")
again = torch.load("whole_model.pt", weights_only=False, map_location="cpu")
print(type(again).__name__, again.out, torch.equal(again.out.weight, model.out.weight))
try:
    torch.load("whole_model.pt", weights_only=True)
except Exception as e:
    print("weights_only refuses a pickled module:", type(e).__name__)
small = torch.load("checkpoint.pt", map_location=torch.device("cpu"))
print(small["model_state"]["out.bias"].device, small["rng_state"].dtype, small["rng_state"].shape)
