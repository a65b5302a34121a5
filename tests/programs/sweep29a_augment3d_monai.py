"""MONAI-like 3D pipeline: dictionary transforms (random flip / rot90 / affine with grid_sample,
intensity shift, crop by label), a small 3D U-Net with InstanceNorm/PReLU and deep supervision,
checkpointing and a plateau scheduler."""
import io
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Uniform, Bernoulli

torch.manual_seed(2024)
gen = torch.Generator().manual_seed(5)


def make_case(d=12, h=16, w=16):
    zz, yy, xx = torch.meshgrid(torch.linspace(-1, 1, d), torch.linspace(-1, 1, h),
                                torch.linspace(-1, 1, w), indexing="ij")
    c = torch.rand(3, generator=gen) * 0.6 - 0.3
    lab = (((zz - c[0]) / 0.5) ** 2 + ((yy - c[1]) / 0.4) ** 2 + ((xx - c[2]) / 0.45) ** 2 < 1).long()
    img = lab * 1.5 + torch.randn(d, h, w, generator=gen) * 0.4
    return {"image": img[None], "label": lab[None]}


class RandFlipd:
    def __init__(self, keys, prob=0.5, spatial_axis=0):
        self.keys, self.prob, self.axis = keys, prob, spatial_axis

    def __call__(self, data):
        if torch.rand(1).item() < self.prob:
            for k in self.keys:
                data[k] = torch.flip(data[k], dims=[self.axis + 1])
        return data


class RandRotate90d:
    def __init__(self, keys, prob=0.5, max_k=3):
        self.keys, self.prob, self.max_k = keys, prob, max_k

    def __call__(self, data):
        if torch.rand(1) < self.prob:
            k = int(torch.randint(1, self.max_k + 1, ()))
            for key in self.keys:
                data[key] = torch.rot90(data[key], k, dims=(2, 3)).contiguous()
        return data


class RandAffined:
    def __init__(self, keys, modes, rotate_range=0.3, scale_range=0.1):
        self.keys, self.modes = keys, modes
        self.rot = Uniform(-rotate_range, rotate_range)
        self.scale = Uniform(1 - scale_range, 1 + scale_range)

    def __call__(self, data):
        a = self.rot.sample()
        s = self.scale.sample((3,))
        ca, sa = torch.cos(a), torch.sin(a)
        rot = torch.stack([torch.stack([ca, -sa, torch.zeros(())]),
                           torch.stack([sa, ca, torch.zeros(())]),
                           torch.tensor([0.0, 0.0, 1.0])])
        mat = rot @ torch.diag(s)
        theta = torch.cat([mat, torch.zeros(3, 1)], dim=1).unsqueeze(0)
        for k, mode in zip(self.keys, self.modes):
            x = data[k].unsqueeze(0).float()
            grid = F.affine_grid(theta, list(x.shape), align_corners=False)
            out = F.grid_sample(x, grid, mode=mode, padding_mode="zeros", align_corners=False)
            data[k] = out[0] if k == "image" else out[0].round().long()
        data["affine_det"] = torch.linalg.det(mat)
        return data


class RandShiftIntensityd:
    def __init__(self, keys, offsets=0.1, prob=1.0):
        self.keys, self.offsets, self.coin = keys, offsets, Bernoulli(probs=torch.tensor(prob))

    def __call__(self, data):
        if self.coin.sample().bool():
            off = torch.empty(1).uniform_(-self.offsets, self.offsets)
            for k in self.keys:
                data[k] = data[k] + off
        return data


def crop_foreground(data, margin=1):
    nz = data["label"][0].nonzero()
    lo = (nz.min(0).values - margin).clamp(min=0)
    hi = nz.max(0).values + margin + 1
    sl = tuple(slice(int(a), int(b)) for a, b in zip(lo, hi))
    return {k: (v[(slice(None),) + sl] if k in ("image", "label") else v) for k, v in data.items()}


class Compose:
    def __init__(self, ts):
        self.ts = ts

    def __call__(self, d):
        for t in self.ts:
            d = t(d)
        return d


train_tf = Compose([
    RandFlipd(["image", "label"], prob=0.5, spatial_axis=2),
    RandRotate90d(["image", "label"], prob=0.7),
    RandAffined(["image", "label"], modes=["bilinear", "nearest"]),
    RandShiftIntensityd(["image"], offsets=0.2),
])

for i in range(3):
    d = train_tf(make_case())
    print(f"case {i}: image {tuple(d['image'].shape)} {d['image'].dtype} label {d['label'].dtype} "
          f"fg={int(d['label'].sum())} det={d['affine_det'].item():.4f} mean={d['image'].mean().item():.4f}")
    c = crop_foreground(d)
    print("   cropped:", tuple(c["image"].shape), torch.unique(c["label"]).tolist())


class ConvBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv3d(cin, cout, 3, padding=1)
        self.norm = nn.InstanceNorm3d(cout, affine=True)
        self.act = nn.PReLU(num_parameters=cout, init=0.2)
        self.drop = nn.Dropout3d(p=0.1)

    def forward(self, x):
        return self.drop(self.act(self.norm(self.conv(x))))


class UNet3D(nn.Module):
    def __init__(self):
        super().__init__()
        self.e1 = ConvBlock(1, 4)
        self.e2 = ConvBlock(4, 8)
        self.up = nn.Upsample(scale_factor=2, mode="trilinear", align_corners=False)
        self.d1 = ConvBlock(12, 4)
        self.out = nn.Conv3d(4, 2, 1)
        self.aux = nn.Conv3d(8, 2, 1)

    def forward(self, x):
        a = self.e1(x)
        b = self.e2(F.avg_pool3d(a, 2))
        y = self.d1(torch.cat([self.up(b), a], 1))
        if self.training:
            return self.out(y), self.aux(b)
        return self.out(y)


def init_weights(m):
    if isinstance(m, nn.Conv3d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="leaky_relu", a=0.2)
        nn.init.zeros_(m.bias)


model = UNet3D()
model.apply(init_weights)
print(model.e1)
print([n for n, _ in model.named_modules()][:6])
print("params:", sum(p.numel() for p in model.parameters()))
shapes = {}
hook = model.e2.register_forward_hook(lambda m, i, o: shapes.update(e2=tuple(o.shape)))
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)


def dice_loss(logits, lab):
    p = logits.softmax(1)[:, 1]
    t = lab.float()
    return 1 - (2 * (p * t).sum() + 1) / (p.sum() + t.sum() + 1)


cases = [make_case(8, 8, 8) for _ in range(2)]
x = torch.stack([c["image"] for c in cases])
y = torch.stack([c["label"][0] for c in cases])
for epoch in range(4):
    model.train()
    opt.zero_grad(set_to_none=True)
    main, aux = model(x)
    y_aux = F.interpolate(y[:, None].float(), scale_factor=0.5, mode="nearest")[:, 0].long()
    loss = F.cross_entropy(main, y) + dice_loss(main, y) + 0.5 * F.cross_entropy(aux, y_aux)
    loss.backward()
    opt.step()
    sched.step(1.0)
    print(f"epoch {epoch} loss {loss.item():.3f} lr {opt.param_groups[0]['lr']:.5f}")
hook.remove()
print("hooked shape:", shapes)
print("prelu weight:", model.e1.act.weight.detach())

buf = io.BytesIO()
torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": 4}, buf)
buf.seek(0)
ckpt = torch.load(buf, weights_only=True)
print("ckpt keys:", sorted(ckpt), list(ckpt["model"])[:5])
print("opt state:", sorted(ckpt["opt"]["state"][0]), ckpt["opt"]["param_groups"][0]["weight_decay"])
fresh = UNet3D()
print(fresh.load_state_dict(ckpt["model"]))
model.eval()
fresh.eval()
with torch.no_grad():
    same = torch.equal(model(x), fresh(x))
print("reloaded model identical:", same)
bad = {k: v for k, v in ckpt["model"].items() if not k.startswith("aux")}
bad["extra.weight"] = torch.zeros(1)
res = fresh.load_state_dict(bad, strict=False)
print("missing:", res.missing_keys, "unexpected:", res.unexpected_keys)
try:
    fresh.load_state_dict(bad)
except RuntimeError as e:
    print("RuntimeError:", str(e).splitlines()[0])
try:
    fresh.out.weight.data = torch.zeros(3, 4, 1, 1, 1)
    fresh.load_state_dict(ckpt["model"])
except RuntimeError as e:
    print("RuntimeError:", "\n".join(str(e).splitlines()[:2]))
