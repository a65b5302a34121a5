"""A Kaggle-grandmaster blog style post on squeezing out the last bit of leaderboard score: train a few
small CNNs from one shared initialisation, ensemble their predictions (probability mean, geometric
mean, rank averaging, majority vote), average their weights into uniform and greedy "model soups"
(Wortsman et al.), re-estimate BatchNorm statistics, and add test-time augmentation with flips and
shifts."""
import copy
import io
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(5)


def make_data(n):
    y = torch.randint(0, 2, (n,))
    x = torch.randn(n, 1, 10, 10) * 0.8
    # class 1 has a bright diagonal, class 0 an anti-diagonal; position jitters by one pixel
    eye = torch.eye(10)
    for i in range(n):
        pat = eye if y[i] == 1 else eye.flip(1)
        x[i, 0] += 1.5 * torch.roll(pat, shifts=int(torch.randint(-1, 2, ())), dims=1)
    return x, y


x_tr, y_tr = make_data(128)
x_ho, y_ho = make_data(64)       # held-out split used to pick soup ingredients
x_te, y_te = make_data(64)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 6, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(6)
        self.fc = nn.Linear(6 * 5 * 5, 2)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        return self.fc(x.flatten(1))


base = Net()
init_state = copy.deepcopy(base.state_dict())
print(base)
print({k: (tuple(v.shape), str(v.dtype)) for k, v in init_state.items()})


def train(lr, seed, epochs=6, wd=0.0):
    torch.manual_seed(seed)
    model = Net()
    model.load_state_dict(init_state)           # soups need a shared starting point
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=wd)
    for _ in range(epochs):
        model.train()
        for idx in torch.randperm(len(x_tr)).split(32):
            opt.zero_grad()
            F.cross_entropy(model(x_tr[idx]), y_tr[idx]).backward()
            opt.step()
    return model.eval()


@torch.no_grad()
def accuracy(model_or_probs, x, y):
    p = model_or_probs(x) if isinstance(model_or_probs, nn.Module) else model_or_probs
    return (p.argmax(-1) == y).float().mean().item()


hparams = [(0.05, 0), (0.02, 1), (0.05, 2, 6, 1e-3), (0.1, 3), (0.01, 4)]
models = [train(*h) for h in hparams]
for h, m in zip(hparams, models):
    print(f"lr={h[0]:<5} seed={h[1]} held-out acc {accuracy(m, x_ho, y_ho):.3f} test acc {accuracy(m, x_te, y_te):.3f}")

# ---- prediction ensembles -------------------------------------------------------------------------
with torch.no_grad():
    logits = torch.stack([m(x_te) for m in models])           # (M, N, C)
probs = logits.softmax(-1)
mean_probs = probs.mean(0)
geo = torch.exp(torch.log(probs).mean(0))
geo = geo / geo.sum(-1, keepdim=True)
ranks = probs[..., 1].argsort(dim=1).argsort(dim=1).float() / (probs.shape[1] - 1)
rank_avg = ranks.mean(0)
votes = probs.argmax(-1)                                        # (M, N)
majority = torch.mode(votes, dim=0).values
print("ensemble accs: mean %.3f geo %.3f rank %.3f vote %.3f logit-mean %.3f" % (
    accuracy(mean_probs, None, y_te), accuracy(geo, None, y_te),
    ((rank_avg > 0.5).long() == y_te).float().mean(), (majority == y_te).float().mean(),
    accuracy(logits.mean(0), None, y_te)))
print("disagreement rate", (votes != majority).float().mean(1))
print("vote ties resolved to the smaller class:", torch.mode(torch.tensor([[0, 1], [1, 0]]), dim=0).values.tolist())
try:                                       # every model filtered out by a too-strict CV threshold
    torch.mode(votes[votes.float().mean(1) > 2], dim=0)
except IndexError as e:
    print(type(e).__name__, e)
print("pairwise correlation of p(class 1):\n", torch.corrcoef(probs[..., 1]).round(decimals=2))


# the same prediction ensemble, vectorised with torch.func (the "model ensembling" recipe)
from torch.func import functional_call, stack_module_state, vmap

params, buffers = stack_module_state(models)
print({k: tuple(v.shape) for k, v in list(params.items())[:2]}, list(buffers)[:2])
meta = copy.deepcopy(models[0]).to("meta")


def fmodel(p, b, x):
    return functional_call(meta, (p, b), (x,))


with torch.no_grad():
    vlogits = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, x_te)
print(vlogits.shape, "vmap ensemble matches the loop:", torch.allclose(vlogits, logits, atol=1e-5))


# ---- model soups ------------------------------------------------------------------------------------
def average_state_dicts(state_dicts, weights=None):
    weights = weights or [1.0 / len(state_dicts)] * len(state_dicts)
    out = OrderedDict()
    for key in state_dicts[0]:
        if state_dicts[0][key].is_floating_point():
            out[key] = sum(w * sd[key] for w, sd in zip(weights, state_dicts))
        else:                                   # num_batches_tracked: an int64 counter, not averaged
            out[key] = state_dicts[0][key].clone()
    return out


sds = [m.state_dict() for m in models]
uniform = Net()
uniform.load_state_dict(average_state_dicts(sds))
uniform.eval()
print(f"uniform soup test acc {accuracy(uniform, x_te, y_te):.3f}")
print("num_batches_tracked kept:", uniform.bn.num_batches_tracked, uniform.bn.num_batches_tracked.dtype)

# what happens if you naively average everything?
naive = {k: torch.stack([sd[k].float() for sd in sds]).mean(0) for k in sds[0]}
print("naive num_batches_tracked", naive["bn.num_batches_tracked"], naive["bn.num_batches_tracked"].dtype)
m = Net()
m.load_state_dict(naive)                        # copy_ casts back to int64 silently
print("after load:", m.bn.num_batches_tracked, m.bn.num_batches_tracked.dtype)

# greedy soup: sort by held-out accuracy, add an ingredient only if it does not hurt
order = sorted(range(len(models)), key=lambda i: -accuracy(models[i], x_ho, y_ho))
print("ingredient order", order)
ingredients = [order[0]]
best_acc = accuracy(models[order[0]], x_ho, y_ho)
for i in order[1:]:
    cand = Net()
    cand.load_state_dict(average_state_dicts([sds[j] for j in ingredients + [i]]))
    acc = accuracy(cand.eval(), x_ho, y_ho)
    if acc >= best_acc:
        ingredients.append(i)
        best_acc = acc
print("greedy soup ingredients", ingredients, f"held-out {best_acc:.3f}")
greedy = Net()
greedy.load_state_dict(average_state_dicts([sds[j] for j in ingredients]))
greedy.eval()
print(f"greedy soup test acc {accuracy(greedy, x_te, y_te):.3f}")


# re-estimate BN statistics for the soup (averaged running stats are not the soup's stats)
@torch.no_grad()
def recalibrate_bn(model, x):
    for mod in model.modules():
        if isinstance(mod, nn.modules.batchnorm._BatchNorm):
            mod.reset_running_stats()
            mod.momentum = None                 # cumulative moving average
    model.train()
    for xb in x.split(32):
        model(xb)
    return model.eval()


recal = recalibrate_bn(copy.deepcopy(uniform), x_tr)
print("bn momentum", recal.bn.momentum, "batches", recal.bn.num_batches_tracked.item())
print("running_mean before/after", uniform.bn.running_mean[:3], recal.bn.running_mean[:3])
print(f"recalibrated soup test acc {accuracy(recal, x_te, y_te):.3f}")


# ---- test-time augmentation -------------------------------------------------------------------------
def tta_predict(model, x):
    views = [x, x.flip(-1), x.flip(-2), torch.roll(x, 1, dims=-1), torch.roll(x, -1, dims=-1)]
    with torch.no_grad():
        out = torch.stack([model(v).softmax(-1) for v in views])
    return out.mean(0), out


p_tta, per_view = tta_predict(models[0], x_te)
print("per-view acc", [round(accuracy(p, None, y_te), 3) for p in per_view])
print(f"TTA acc {accuracy(p_tta, None, y_te):.3f} vs plain {accuracy(models[0], x_te, y_te):.3f}")
# flips swap the diagonals, i.e. the classes: a bad TTA for this data set
print("flip swaps the prediction:", (per_view[1].argmax(-1) != per_view[0].argmax(-1)).float().mean().item())

# ---- saving the soup --------------------------------------------------------------------------------
buf = io.BytesIO()
torch.save({"state_dict": greedy.state_dict(), "ingredients": ingredients}, buf)
buf.seek(0)
ckpt = torch.load(buf, weights_only=True)
print(sorted(ckpt), ckpt["ingredients"], list(ckpt["state_dict"])[:3])
bad = dict(ckpt["state_dict"])
bad.pop("fc.bias")
bad["head.weight"] = torch.zeros(1)
res = Net().load_state_dict(bad, strict=False)
print(res)
print(res.missing_keys, res.unexpected_keys)
try:
    Net().load_state_dict(bad)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    bad2 = dict(ckpt["state_dict"])
    bad2["fc.weight"] = torch.zeros(3, 150)
    Net().load_state_dict(bad2)
except RuntimeError as e:
    print(type(e).__name__, e)
