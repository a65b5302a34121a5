"""Scheduler and optimizer state_dict round trips, resume from checkpoint."""
import io
import torch
from torch.optim import lr_scheduler as S

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
print(model)
X = torch.randn(16, 3)
y = (X ** 2).sum(1, keepdim=True)


def train(model, opt, sch, steps):
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(X), y)
        loss.backward()
        opt.step()
        sch.step()
    return loss.item()


opt = torch.optim.AdamW(model.parameters(), lr=0.05, betas=(0.9, 0.99), weight_decay=0.02)
sch = S.CosineAnnealingLR(opt, T_max=20, eta_min=1e-3)
l1 = train(model, opt, sch, 8)
print("loss after 8", f"{l1:.4f}", [round(x, 6) for x in sch.get_last_lr()])

buf = io.BytesIO()
torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sch": sch.state_dict()}, buf)
buf.seek(0)
ck = torch.load(buf)
print(sorted(ck["sch"].keys()))
print(ck["sch"]["last_epoch"], ck["sch"]["T_max"], ck["sch"]["_step_count"])
print(ck["opt"]["param_groups"][0]["params"], sorted(ck["opt"]["param_groups"][0].keys()))
print(ck["opt"]["state"][0]["step"], ck["opt"]["state"][0]["exp_avg"].shape)

# continue original
la = train(model, opt, sch, 6)

# resume a fresh copy
torch.manual_seed(0)
model2 = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
model2.load_state_dict(ck["model"])
opt2 = torch.optim.AdamW(model2.parameters(), lr=0.05, betas=(0.9, 0.99), weight_decay=0.02)
sch2 = S.CosineAnnealingLR(opt2, T_max=20, eta_min=1e-3)
opt2.load_state_dict(ck["opt"])
sch2.load_state_dict(ck["sch"])
lb = train(model2, opt2, sch2, 6)
print("resumed equal", f"{la:.5f}", f"{lb:.5f}", sch2.last_epoch, sch2.get_last_lr() == sch.get_last_lr())

# state dicts of composite schedulers
w = torch.nn.Parameter(torch.zeros(2))
o = torch.optim.SGD([w], lr=0.1, momentum=0.9)
seq = S.SequentialLR(o, [S.ConstantLR(o, factor=0.1, total_iters=2), S.StepLR(o, step_size=2, gamma=0.5)], milestones=[2])
for _ in range(3):
    o.step()
    seq.step()
sd = seq.state_dict()
print(sorted(sd.keys()), sd["_milestones"], sd["last_epoch"], len(sd["_schedulers"]))
print([sorted(s.keys()) for s in sd["_schedulers"]])
cyc = S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3)
sdc = cyc.state_dict()
print("_scale_fn_ref" in sdc, sdc.get("_scale_fn_custom"), sdc["mode"])
plat = S.ReduceLROnPlateau(o, patience=1)
plat.step(1.0)
plat.step(2.0)
sdp = plat.state_dict()
print({k: v for k, v in sorted(sdp.items()) if k not in ("optimizer",)})
plat2 = S.ReduceLROnPlateau(o)
plat2.load_state_dict(sdp)
print(plat2.patience, plat2.best, plat2.num_bad_epochs)

# optimizer state_dict with param groups and add_param_group
extra = torch.nn.Parameter(torch.ones(3))
opt.add_param_group({"params": [extra], "lr": 0.5})
print(len(opt.param_groups), opt.param_groups[1]["lr"], opt.param_groups[1]["weight_decay"], opt.param_groups[1]["betas"])
try:
    opt.add_param_group({"params": [extra]})
except ValueError as e:
    print("ValueError", e)
print(opt)
bad = opt.state_dict()
bad["param_groups"] = bad["param_groups"][:1]
try:
    opt.load_state_dict(bad)
except ValueError as e:
    print("ValueError", e)
