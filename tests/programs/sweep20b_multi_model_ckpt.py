"""The 'saving and loading multiple models in one file' recipe, GAN style: a generator and a
discriminator with their own optimizers (Adam with two parameter groups, RMSprop) and a scheduler,
saved in one dictionary with torch.save, loaded with weights_only=True into fresh models, printing
the optimizers, their param_groups and state_dict structure, checking that training resumes
identically, and the errors optimizer.load_state_dict gives for mismatched groups."""
import io
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(0)


class Generator(nn.Module):
    def __init__(self, nz=4, nh=16, nout=6):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(nz, nh), nn.BatchNorm1d(nh), nn.ReLU(True))
        self.out = nn.Linear(nh, nout)

    def forward(self, z):
        return torch.tanh(self.out(self.body(z)))


class Discriminator(nn.Module):
    def __init__(self, nin=6, nh=16):
        super().__init__()
        self.main = nn.Sequential(nn.Linear(nin, nh), nn.LeakyReLU(0.2, inplace=True), nn.Dropout(0.1),
                                  nn.Linear(nh, 1))

    def forward(self, x):
        return self.main(x).view(-1)


def make(seed):
    torch.manual_seed(seed)
    netG, netD = Generator(), Discriminator()
    optG = optim.Adam([{"params": netG.body.parameters()},
                       {"params": netG.out.parameters(), "lr": 5e-3, "weight_decay": 1e-4}],
                      lr=2e-3, betas=(0.5, 0.999))
    optD = optim.RMSprop(netD.parameters(), lr=1e-3, alpha=0.9, momentum=0.1)
    sched = optim.lr_scheduler.ExponentialLR(optG, gamma=0.9)
    return netG, netD, optG, optD, sched


def train(netG, netD, optG, optD, sched, steps, seed):
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)         # dropout draws from the global generator
    for step in range(steps):
        real = torch.randn(8, 6, generator=gen) * 0.5 + 0.3
        z = torch.randn(8, 4, generator=gen)
        fake = netG(z)
        optD.zero_grad()
        lossD = F.binary_cross_entropy_with_logits(netD(real), torch.ones(8)) + \
            F.binary_cross_entropy_with_logits(netD(fake.detach()), torch.zeros(8))
        lossD.backward()
        optD.step()
        optG.zero_grad()
        lossG = F.binary_cross_entropy_with_logits(netD(fake), torch.ones(8))
        lossG.backward()
        optG.step()
        sched.step()
    return lossD.item(), lossG.item()


netG, netD, optG, optD, sched = make(0)
print(optG)
print(optD)
lossD, lossG = train(netG, netD, optG, optD, sched, 3, seed=10)
print(f"after 3 steps: lossD {lossD:.4f} lossG {lossG:.4f} lr {sched.get_last_lr()}")

sd = optG.state_dict()
print(sorted(sd), len(sd["state"]), [g["params"] for g in sd["param_groups"]])
print({k: v for k, v in sd["param_groups"][1].items() if k != "params"})
print(sorted(sd["state"][0]), sd["state"][0]["step"], sd["state"][5]["exp_avg"].shape)
print(sorted(optD.state_dict()["state"][0]), sched.state_dict())

with tempfile.TemporaryDirectory() as tmp:
    PATH = os.path.join(tmp, "gan.tar")
    torch.save({
        "modelA_state_dict": netG.state_dict(),
        "modelB_state_dict": netD.state_dict(),
        "optimizerA_state_dict": optG.state_dict(),
        "optimizerB_state_dict": optD.state_dict(),
        "scheduler_state_dict": sched.state_dict(),
        "epoch": 3,
    }, PATH)
    ckpt = torch.load(PATH, weights_only=True)
print(sorted(ckpt), ckpt["epoch"])

modelA, modelB, optimizerA, optimizerB, schedA = make(123)
modelA.load_state_dict(ckpt["modelA_state_dict"])
modelB.load_state_dict(ckpt["modelB_state_dict"])
optimizerA.load_state_dict(ckpt["optimizerA_state_dict"])
optimizerB.load_state_dict(ckpt["optimizerB_state_dict"])
schedA.load_state_dict(ckpt["scheduler_state_dict"])
print("lrs after load:", [g["lr"] for g in optimizerA.param_groups], schedA.get_last_lr())
print("state tensors copied:", optimizerA.state[modelA.out.bias]["exp_avg"] is
      ckpt["optimizerA_state_dict"]["state"][5]["exp_avg"])
modelA.train()
modelB.train()

# both copies continue: the resumed pair must follow the original exactly
print("original:", [f"{v:.4f}" for v in train(netG, netD, optG, optD, sched, 3, seed=20)])
print("resumed: ", [f"{v:.4f}" for v in train(modelA, modelB, optimizerA, optimizerB, schedA, 3, seed=20)])
print(all(torch.equal(a, b) for a, b in zip(netG.state_dict().values(), modelA.state_dict().values())),
      all(torch.equal(a, b) for a, b in zip(netD.parameters(), modelB.parameters())))
print(modelA.body[1].running_mean.shape, modelA.body[1].num_batches_tracked)

# the same through an in-memory buffer, keeping only the generator for inference
buf = io.BytesIO()
torch.save({"G": netG.state_dict(), "meta": {"nz": 4, "note": "eval only"}}, buf)
buf.seek(0)
only = torch.load(buf, weights_only=True)
g = Generator(nz=only["meta"]["nz"])
print(g.load_state_dict(only["G"]), only["meta"])
g.eval()
netG.eval()
with torch.no_grad():
    z = torch.randn(2, 4)
    out = g(z)
    print(out.shape, torch.equal(out, netG(z)), bool((out.abs() < 1).all()))

# optimizer.load_state_dict refuses a state dict for other groups
bad = optim.Adam(netG.parameters(), lr=1e-3)
for what, state in (("groups", optG.state_dict()), ("sizes", optD.state_dict())):
    try:
        bad.load_state_dict(state)
    except ValueError as e:
        print(what, "ValueError:", e)
two = optim.Adam([{"params": netG.out.parameters()}, {"params": netG.body.parameters()}])
try:
    two.load_state_dict(optG.state_dict())
except ValueError as e:
    print("order ValueError:", e)
print(optimizerA.param_groups[1]["weight_decay"], optimizerA.defaults["betas"], len(optimizerA.state))
