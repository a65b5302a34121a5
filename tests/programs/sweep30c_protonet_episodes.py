"""Prototypical networks (Snell et al. 2017) on a synthetic Omniglot-like data set: N-way K-shot episode
sampling with a torch.Generator, a small conv embedding, prototypes as class means, squared euclidean
distances (torch.cdist), log_softmax over negative distances, and evaluation with confidence intervals."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(17)

N_CLASSES, PER_CLASS, SIDE = 12, 10, 8
# each class is a random "stroke template" plus per-sample noise
templates = (torch.rand(N_CLASSES, 1, SIDE, SIDE) > 0.6).float()
images = templates.repeat_interleave(PER_CLASS, dim=0) + 0.9 * torch.randn(N_CLASSES * PER_CLASS, 1, SIDE, SIDE)
labels = torch.arange(N_CLASSES).repeat_interleave(PER_CLASS)
print("dataset", tuple(images.shape), labels.dtype, labels[:12].tolist())
print("counts", torch.bincount(labels).tolist())
train_classes, test_classes = torch.arange(8), torch.arange(8, 12)
print("class split", train_classes.tolist(), test_classes.tolist())


class EpisodeSampler:
    """Draw N classes, then K support and Q query examples from each."""

    def __init__(self, labels, classes, n_way, k_shot, q_query, seed):
        self.by_class = {int(c): torch.nonzero(labels == c, as_tuple=True)[0] for c in classes}
        self.classes = classes
        self.n_way, self.k_shot, self.q_query = n_way, k_shot, q_query
        self.gen = torch.Generator().manual_seed(seed)

    def sample(self):
        picked = self.classes[torch.randperm(len(self.classes), generator=self.gen)[: self.n_way]]
        support, query = [], []
        for c in picked.tolist():
            idx = self.by_class[c]
            perm = idx[torch.randperm(idx.numel(), generator=self.gen)]
            support.append(perm[: self.k_shot])
            query.append(perm[self.k_shot: self.k_shot + self.q_query])
        return picked, torch.stack(support), torch.stack(query)


sampler = EpisodeSampler(labels, train_classes, n_way=4, k_shot=3, q_query=3, seed=5)
picked, s_idx, q_idx = sampler.sample()
print("episode classes", picked)
print("support idx shape", s_idx.shape, "query idx shape", q_idx.shape)
print("support labels\n", labels[s_idx])
print("generator state size", sampler.gen.get_state().shape, sampler.gen.initial_seed())


def conv_block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2))


class ProtoNet(nn.Module):
    def __init__(self, hid=16):
        super().__init__()
        self.encoder = nn.Sequential(conv_block(1, hid), conv_block(hid, hid), nn.Flatten())

    def forward(self, x):
        return self.encoder(x)


net = ProtoNet()
print(net)
print("params", sum(p.numel() for p in net.parameters()))
print("embedding", net(images[:2]).shape)


def proto_logits(emb_s, emb_q, n_way, k_shot):
    protos = emb_s.view(n_way, k_shot, -1).mean(1)
    d = torch.cdist(emb_q, protos) ** 2
    return -d, protos


def episode_loss(model, sampler):
    picked, s_idx, q_idx = sampler.sample()
    n, k = s_idx.shape
    q = q_idx.shape[1]
    x = torch.cat([images[s_idx.flatten()], images[q_idx.flatten()]])
    emb = model(x)
    logits, protos = proto_logits(emb[: n * k], emb[n * k:], n, k)
    target = torch.arange(n).repeat_interleave(q)
    log_p = F.log_softmax(logits, dim=1)
    loss = -log_p.gather(1, target.unsqueeze(1)).mean()
    acc = (log_p.argmax(1) == target).float().mean()
    return loss, acc, logits


loss, acc, logits = episode_loss(net, sampler)
print("first episode loss", f"{loss.item():.4f}", "acc", f"{acc.item():.4f}")
print("logits", logits.shape, logits.grad_fn.name())
print("same as nll", torch.allclose(loss, F.cross_entropy(logits, torch.arange(4).repeat_interleave(3)), atol=1e-6))

opt = torch.optim.Adam(net.parameters(), lr=5e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
net.train()
history = []
for ep in range(1, 21):
    loss, acc, _ = episode_loss(net, sampler)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    sched.step()
    history.append(loss.item())
    if ep % 10 == 0:
        print(f"episode {ep:3d} loss {sum(history[-10:]) / 10:.3f} acc {acc.item():.3f} lr {sched.get_last_lr()[0]:.5f}")

print("bn running mean", net.encoder[0][1].running_mean[:4])
print("num_batches_tracked", net.encoder[0][1].num_batches_tracked)

# ---- evaluation on held-out classes, 5-way is impossible with 4 classes: catch it
try:
    EpisodeSampler(labels, test_classes, 5, 1, 1, seed=0).sample()
    print("sampled?!")
except RuntimeError as e:
    print("RuntimeError:", e)
bad = EpisodeSampler(labels, test_classes, 4, 1, 1, seed=0)
bad.classes = test_classes[:3]
try:
    p, s, q = bad.sample()
    print("stacked", s.shape)
except Exception as e:
    print(type(e).__name__, e)

net.eval()
test_sampler = EpisodeSampler(labels, test_classes, n_way=4, k_shot=1, q_query=5, seed=99)
accs = []
with torch.no_grad():
    for _ in range(10):
        _, acc, logits = episode_loss(net, test_sampler)
        accs.append(acc)
accs = torch.stack(accs)
mean, std = accs.mean(), accs.std()
ci = 1.96 * std / math.sqrt(accs.numel())
print(f"1-shot test acc {mean.item():.4f} +- {ci.item():.4f}")
print("acc histogram", torch.histc(accs, bins=5, min=0, max=1))
print("quantiles", torch.quantile(accs, torch.tensor([0.25, 0.5, 0.75])))

# ---- the distance function matters: cosine vs euclidean on one fixed episode
_, s_idx, q_idx = test_sampler.sample()
with torch.no_grad():
    es, eq = net(images[s_idx.flatten()]), net(images[q_idx.flatten()])
    protos = es.view(4, 1, -1).mean(1)
    d_euc = torch.cdist(eq, protos, p=2)
    d_man = torch.cdist(eq, protos, p=1)
    cos = F.cosine_similarity(eq.unsqueeze(1), protos.unsqueeze(0), dim=-1)
    tgt = torch.arange(4).repeat_interleave(5)
    for name, scores in [("euclid", -d_euc), ("manhattan", -d_man), ("cosine", cos)]:
        pred = scores.argmax(1)
        print(name, "acc", f"{(pred == tgt).float().mean().item():.4f}", "pred", pred.tolist())
    print("cdist vs manual", torch.allclose(d_euc, (eq[:, None] - protos[None]).pow(2).sum(-1).sqrt(), atol=1e-4))
    conf = torch.zeros(4, 4, dtype=torch.long)
    conf.index_put_((tgt, d_euc.argmin(1)), torch.ones(20, dtype=torch.long), accumulate=True)
    print("confusion\n", conf)
    top2 = (-d_euc).topk(2, dim=1)
    print("top2 indices", top2.indices[:5])
    probs = F.softmax(-d_euc ** 2, dim=1)
    print("entropy", f"{(-(probs * probs.clamp_min(1e-12).log()).sum(1)).mean().item():.3f}")

try:
    torch.cdist(torch.randn(3, 4), torch.randn(2, 5))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.cdist(torch.randn(3, 4), torch.randn(2, 4), p=-1)
except RuntimeError as e:
    print("RuntimeError:", e)
