"""Averaging checkpoints and fine-tuned models.  A GitHub-example style script: fine-tune one
pre-trained MLP with several learning rates / label-smoothing values, save each state_dict to an
in-memory buffer, then (1) average the last k checkpoints of a single run, (2) build a uniform
soup and a greedy soup ordered by held-out accuracy, (3) try a weighted soup with softmax weights,
and (4) see what load_state_dict says about mismatched checkpoints."""
import io
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
D, C = 10, 3
centers = torch.randn(C, D) * 1.5


def sample(n):
    y = torch.randint(0, C, (n,))
    return centers[y] + torch.randn(n, D), y


x_tr, y_tr = sample(240)
x_val, y_val = sample(90)
x_te, y_te = sample(90)


def make_net():
    return nn.Sequential(OrderedDict([("fc1", nn.Linear(D, 16)), ("act", nn.GELU()),
                                      ("drop", nn.Dropout(0.1)), ("fc2", nn.Linear(16, C))]))


@torch.no_grad()
def evaluate(net, x, y):
    net.eval()
    logits = net(x)
    return (logits.argmax(1) == y).float().mean().item(), F.cross_entropy(logits, y).item()


pretrained = make_net()
opt = torch.optim.SGD(pretrained.parameters(), lr=0.05)
for _ in range(20):
    opt.zero_grad()
    F.cross_entropy(pretrained(x_tr[:60]), y_tr[:60]).backward()
    opt.step()
base_sd = {k: v.clone() for k, v in pretrained.state_dict().items()}
print("pretrained val acc/loss:", [round(v, 4) for v in evaluate(pretrained, x_val, y_val)])

# --- fine-tune with a grid of hyper-parameters, serialising each final state_dict
blobs = {}
run_ckpts = []
for lr in (0.02, 0.05):
    for smoothing in (0.0, 0.1):
        torch.manual_seed(int(lr * 100) + int(smoothing * 10))
        net = make_net()
        net.load_state_dict(base_sd)
        opt = torch.optim.Adam(net.parameters(), lr=lr * 0.1)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=30)
        for step in range(30):
            net.train()
            idx = torch.randint(0, len(x_tr), (32,))
            opt.zero_grad()
            F.cross_entropy(net(x_tr[idx]), y_tr[idx], label_smoothing=smoothing).backward()
            opt.step()
            sched.step()
            if lr == 0.05 and smoothing == 0.0 and step >= 25:
                run_ckpts.append({k: v.detach().clone() for k, v in net.state_dict().items()})
        buf = io.BytesIO()
        torch.save(net.state_dict(), buf)
        blobs[f"lr{lr}_ls{smoothing}"] = buf.getvalue()
        print(f"lr={lr} ls={smoothing} val acc/loss:", [round(v, 4) for v in evaluate(net, x_val, y_val)])

ingredients = {name: torch.load(io.BytesIO(b), weights_only=True) for name, b in blobs.items()}
print("checkpoint keys:", list(next(iter(ingredients.values())).keys()))
print("bytes per checkpoint:", len(next(iter(blobs.values()))) > 1000)


def average_state_dicts(sds, weights=None):
    keys = sds[0].keys()
    if weights is None:
        weights = torch.full((len(sds),), 1.0 / len(sds))
    out = OrderedDict()
    for k in keys:
        stacked = torch.stack([sd[k].float() for sd in sds])
        w = weights.view(-1, *([1] * (stacked.dim() - 1)))
        out[k] = (w * stacked).sum(0).to(sds[0][k].dtype)
    return out


# (1) averaging the last checkpoints of a single run
net = make_net()
net.load_state_dict(average_state_dicts(run_ckpts))
print(f"last-{len(run_ckpts)} checkpoint average:", [round(v, 4) for v in evaluate(net, x_val, y_val)])

# (2a) uniform soup
soup = make_net()
missing = soup.load_state_dict(average_state_dicts(list(ingredients.values())))
print("load result:", missing)
uni_acc, uni_loss = evaluate(soup, x_te, y_te)
print(f"uniform soup test acc {uni_acc:.4f} loss {uni_loss:.4f}")

# (2b) greedy soup: add ingredients in order of validation accuracy while val acc does not drop
scored = []
for name, sd in ingredients.items():
    net = make_net()
    net.load_state_dict(sd)
    acc, loss = evaluate(net, x_val, y_val)
    scored.append((acc, -loss, name))
scored.sort(reverse=True)
print("ranking:", [s[2] for s in scored])
chosen = [scored[0][2]]
best = scored[0][0]
for _, _, name in scored[1:]:
    net = make_net()
    net.load_state_dict(average_state_dicts([ingredients[n] for n in chosen + [name]]))
    acc, _ = evaluate(net, x_val, y_val)
    if acc >= best:
        chosen.append(name)
        best = acc
print("greedy soup:", chosen, f"val acc {best:.4f}")
net.load_state_dict(average_state_dicts([ingredients[n] for n in chosen]))
print("greedy soup test:", [round(v, 4) for v in evaluate(net, x_te, y_te)])

# (3) learned soup weights: softmax over mixing logits, trained on the validation split
alpha = torch.zeros(len(ingredients), requires_grad=True)
names = sorted(ingredients)
stacks = {k: torch.stack([ingredients[n][k] for n in names]) for k in ingredients[names[0]]}
aopt = torch.optim.Adam([alpha], lr=0.1)
for step in range(25):
    w = torch.softmax(alpha, 0)
    params = {k: torch.einsum("m,m...->...", w, v) for k, v in stacks.items()}
    logits = torch.func.functional_call(soup.eval(), params, (x_val,))
    loss = F.cross_entropy(logits, y_val)
    aopt.zero_grad()
    loss.backward()
    aopt.step()
print("learned mixing weights:", torch.softmax(alpha, 0).detach(), f"loss {loss.item():.4f}")
print("alpha grad fn:", params["fc1.weight"].grad_fn.name(), alpha.grad.shape)

# parameter-space distance between ingredients and the soup
vec = lambda sd: torch.cat([sd[k].flatten() for k in sorted(sd)])
soup_vec = vec(soup.state_dict())
for name in names:
    d = torch.linalg.vector_norm(vec(ingredients[name]) - soup_vec)
    cos = F.cosine_similarity(vec(ingredients[name]) - vec(base_sd), soup_vec - vec(base_sd), dim=0)
    print(f"{name}: dist {d.item():.4f} cos-to-soup-delta {cos.item():.4f}")

# (4) mismatched checkpoints
bad = dict(ingredients[names[0]])
bad["fc3.weight"] = torch.zeros(2, 2)
del bad["fc2.bias"]
try:
    make_net().load_state_dict(bad)
except RuntimeError as e:
    print(e)
res = make_net().load_state_dict(bad, strict=False)
print(res.missing_keys, res.unexpected_keys)
bad2 = dict(ingredients[names[0]])
bad2["fc2.weight"] = torch.zeros(4, 16)
try:
    make_net().load_state_dict(bad2)
except RuntimeError as e:
    print(e)
try:
    torch.stack([ingredients[names[0]]["fc1.weight"], ingredients[names[0]]["fc2.weight"]])
except RuntimeError as e:
    print(e)

# (5) the ensemble the soup approximates: all ingredients at once with torch.func
import copy
from torch.func import functional_call, stack_module_state, vmap

members = []
for name in names:
    net = make_net().eval()
    net.load_state_dict(ingredients[name])
    members.append(net)
params, buffers = stack_module_state(members)
print({k: (tuple(v.shape), v.requires_grad) for k, v in params.items()})
skeleton = copy.deepcopy(members[0]).to("meta")
print(skeleton.fc1.weight.device, skeleton.fc1.weight.is_meta)
with torch.no_grad():
    ens_logits = vmap(lambda p, b, x: functional_call(skeleton, (p, b), (x,)), in_dims=(0, 0, None))(params, buffers, x_te)
    ens_prob = ens_logits.softmax(-1).mean(0)
    soup_logits = functional_call(skeleton, {k: v.mean(0) for k, v in params.items()}, (x_te,))
print("ensemble logits:", tuple(ens_logits.shape))
print(f"ensemble acc {(ens_prob.argmax(1) == y_te).float().mean().item():.4f} "
      f"soup acc {(soup_logits.argmax(1) == y_te).float().mean().item():.4f}")
agree = (ens_prob.argmax(1) == soup_logits.argmax(1)).float().mean()
print(f"soup/ensemble agreement {agree.item():.4f}")
kl = F.kl_div(soup_logits.log_softmax(-1), ens_prob, reduction="batchmean")
print(f"KL(ensemble || soup) {kl.item():.4f}")

# the same uniform average with foreach ops, in place on detached copies
acc = [t.detach().clone() for t in members[0].parameters()]
for k, net in enumerate(members[1:], start=1):
    torch._foreach_lerp_(acc, [t.detach() for t in net.parameters()], 1.0 / (k + 1))
print("foreach soup == stacked mean:", all(torch.allclose(a, params[n].mean(0), atol=1e-6)
                                           for a, n in zip(acc, params)))
print("norms:", [round(t.item(), 4) for t in torch._foreach_norm(acc)])
try:
    stack_module_state([members[0], nn.Linear(D, 16)])
except RuntimeError as e:
    print("RuntimeError:", e)

# (6) fairseq-style average_checkpoints over files written in half precision
import collections
import os
import tempfile

tmp = tempfile.mkdtemp()
paths = []
for i, name in enumerate(names):
    path = os.path.join(tmp, f"checkpoint{i}.pt")
    half_sd = {k: v.half() for k, v in ingredients[name].items()}
    torch.save({"model": half_sd, "epoch": i, "args": {"name": name}}, path)
    paths.append(path)


def average_checkpoints(inputs):
    params_dict = collections.OrderedDict()
    params_keys = None
    new_state = None
    for fpath in inputs:
        with open(fpath, "rb") as f:
            state = torch.load(f, map_location=lambda s, _: torch.serialization.default_restore_location(s, "cpu"))
        if new_state is None:
            new_state = state
        model_params = state["model"]
        keys = list(model_params.keys())
        if params_keys is None:
            params_keys = keys
        elif params_keys != keys:
            raise KeyError(f"For checkpoint {fpath}, expected list of params: {params_keys}, but found: {keys}")
        for k in params_keys:
            p = model_params[k]
            if isinstance(p, torch.HalfTensor):
                p = p.float()
            if k not in params_dict:
                params_dict[k] = p.clone()
            else:
                params_dict[k] += p
    averaged = collections.OrderedDict()
    for k, v in params_dict.items():
        averaged[k] = v
        if averaged[k].is_floating_point():
            averaged[k].div_(len(inputs))
        else:
            averaged[k] //= len(inputs)
    new_state["model"] = averaged
    return new_state


state = average_checkpoints(paths)
print("averaged epoch/args:", state["epoch"], state["args"])
print({k: str(v.dtype) for k, v in state["model"].items()})
print(state["model"]["fc2.bias"])
net = make_net()
net.load_state_dict(state["model"])
print("half-checkpoint soup test:", [round(v, 4) for v in evaluate(net, x_te, y_te)])
print("tag:", torch.serialization.location_tag(state["model"]["fc1.weight"]))
try:
    torch.load(paths[0], map_location=lambda s, _: torch.serialization.default_restore_location(s, "cuda:0"))
except RuntimeError as e:
    print("RuntimeError:", str(e).split(".")[0])
