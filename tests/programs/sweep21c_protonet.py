"""Prototypical networks (Snell et al.) in the style of the popular protonet repos / few-shot blog
posts: an N-way K-shot episode sampler built with randperm over a synthetic "omniglot-like" dataset of
class templates, a small Conv4 backbone (conv-BN-ReLU-maxpool blocks), prototypes by mean over the
support set, logits as -squared euclidean distance (torch.cdist(...) ** 2 and the explicit
broadcast), log_softmax + gather loss, accuracy, SGD with momentum and StepLR (not Adam: the conv
biases ahead of BatchNorm have gradients that are only rounding noise, which Adam scales up to full steps), and evaluation over episodes
with a 95% confidence interval."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
np.random.seed(7)

N_CLASSES, PER_CLASS, H = 12, 10, 8
templates = (torch.rand(N_CLASSES, 1, H, H) > 0.55).float()
images = templates.repeat_interleave(PER_CLASS, 0)
images = images + 0.35 * torch.randn_like(images)
targets = torch.arange(N_CLASSES).repeat_interleave(PER_CLASS)
print("dataset", images.shape, targets.bincount().tolist(), f"{images.mean().item():.4f}")


class EpisodeSampler:
    def __init__(self, labels, n_way, k_shot, q_query, n_episodes):
        self.n_way, self.k_shot, self.q_query, self.n_episodes = n_way, k_shot, q_query, n_episodes
        self.classes = torch.unique(labels)
        self.idx_per_class = [torch.nonzero(labels == c).flatten() for c in self.classes]

    def __len__(self):
        return self.n_episodes

    def __iter__(self):
        for _ in range(self.n_episodes):
            chosen = torch.randperm(len(self.classes))[: self.n_way]
            batch = []
            for c in chosen:
                pool = self.idx_per_class[c]
                pick = pool[torch.randperm(pool.numel())[: self.k_shot + self.q_query]]
                batch.append(pick)
            yield torch.stack(batch).t().reshape(-1)


def split_episode(x, n_way, k_shot, q_query):
    x = x.view(k_shot + q_query, n_way, *x.shape[1:])
    support = x[:k_shot].transpose(0, 1).contiguous()
    query = x[k_shot:].transpose(0, 1).reshape(n_way * q_query, *x.shape[2:])
    return support, query


def conv_block(in_c, out_c):
    return nn.Sequential(nn.Conv2d(in_c, out_c, 3, padding=1), nn.BatchNorm2d(out_c), nn.ReLU(), nn.MaxPool2d(2))


class ProtoNet(nn.Module):
    def __init__(self, x_dim=1, hid_dim=8, z_dim=8):
        super().__init__()
        self.encoder = nn.Sequential(conv_block(x_dim, hid_dim), conv_block(hid_dim, hid_dim),
                                     conv_block(hid_dim, z_dim))

    def forward(self, x):
        return self.encoder(x).view(x.size(0), -1)


def euclidean_dist(x, y):
    n, m, d = x.size(0), y.size(0), x.size(1)
    if d != y.size(1):
        raise Exception
    x = x.unsqueeze(1).expand(n, m, d)
    y = y.unsqueeze(0).expand(n, m, d)
    return torch.pow(x - y, 2).sum(2)


def proto_loss(model, support, query, n_way, k_shot, q_query):
    z = model(torch.cat([support.view(n_way * k_shot, *support.shape[2:]), query], 0))
    z_dim = z.size(-1)
    z_proto = z[: n_way * k_shot].view(n_way, k_shot, z_dim).mean(1)
    zq = z[n_way * k_shot:]
    dists = euclidean_dist(zq, z_proto)
    log_p_y = F.log_softmax(-dists, dim=1).view(n_way, q_query, -1)
    target_inds = torch.arange(0, n_way).view(n_way, 1, 1).expand(n_way, q_query, 1).long()
    loss_val = -log_p_y.gather(2, target_inds).squeeze().view(-1).mean()
    _, y_hat = log_p_y.max(2)
    acc_val = torch.eq(y_hat, target_inds.squeeze(2)).float().mean()
    return loss_val, {"loss": loss_val.item(), "acc": acc_val.item()}, dists


train_classes = targets < 8
sampler = EpisodeSampler(targets[train_classes], n_way=4, k_shot=2, q_query=3, n_episodes=8)
print("sampler", len(sampler), sampler.classes.tolist(), [p.numel() for p in sampler.idx_per_class][:3])
first = next(iter(sampler))
print("episode idx", first.shape, targets[first].view(5, 4)[:, 0].tolist())
sup, qry = split_episode(images[first], 4, 2, 3)
print("support", sup.shape, "query", qry.shape)

model = ProtoNet()
print(model.encoder[0])
print("params", sum(p.numel() for p in model.parameters()))
with torch.no_grad():
    z = model(images[:6])
print("emb", z.shape, z.min().item() >= 0)
zs, zq = z[:4], z[4:]
d1 = euclidean_dist(zq, zs)
d2 = torch.cdist(zq, zs) ** 2
print("dist agree", torch.allclose(d1, d2, rtol=1e-4, atol=1e-4), d1.shape)

optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1, gamma=0.5, last_epoch=-1)
for epoch in range(2):
    model.train()
    stats = {"loss": [], "acc": []}
    for ep_idx in sampler:
        s, q = split_episode(images[ep_idx], 4, 2, 3)
        optimizer.zero_grad()
        loss, out, _ = proto_loss(model, s, q, 4, 2, 3)
        loss.backward()
        optimizer.step()
        for k, v in out.items():
            stats[k].append(v)
    scheduler.step()
    print("epoch {:d}: loss = {:.4f}, acc = {:.4f}, lr = {}".format(
        epoch, np.mean(stats["loss"]), np.mean(stats["acc"]), optimizer.param_groups[0]["lr"]))

# evaluation on unseen classes (5-way is impossible with 4 test classes: 4-way 1-shot and 3-shot)
test_mask = targets >= 8
test_x, test_y = images[test_mask], targets[test_mask]
model.eval()
for k_shot in (1, 3):
    accs = []
    ev = EpisodeSampler(test_y, n_way=4, k_shot=k_shot, q_query=4, n_episodes=6)
    with torch.no_grad():
        for ep_idx in ev:
            xb = test_x[ep_idx]
            emb = model(xb).view(k_shot + 4, 4, -1)
            protos = emb[:k_shot].mean(0)
            q = emb[k_shot:].reshape(-1, emb.size(-1))
            logits = -torch.cdist(q, protos).pow(2)
            labels = torch.arange(4).repeat(4)
            pred = logits.argmax(dim=-1)
            accs.append((pred == labels).float().mean().item())
    accs = torch.tensor(accs)
    ci = 1.96 * accs.std() / math.sqrt(len(accs))
    print(f"4-way {k_shot}-shot: {accs.mean().item() * 100:.2f} +- {ci.item() * 100:.2f}")
    print("  probs row", F.softmax(logits, dim=1)[0].round(decimals=3), logits.shape)

# prototype as a linear layer (the protonet <-> linear-classifier equivalence)
with torch.no_grad():
    emb_s = model(test_x[::3])
    lab_s = test_y[::3] - 8
    protos = torch.stack([emb_s[lab_s == c].mean(0) for c in range(4)])
    W, b = 2 * protos, -(protos ** 2).sum(1)
    q = model(test_x[1::3])
    lin = F.linear(q, W, b)
    full = -torch.cdist(q, protos) ** 2
    print("linear == -dist + const", torch.allclose(lin - (q ** 2).sum(1, keepdim=True), full, atol=1e-3),
          lin.argmax(1).eq(full.argmax(1)).all().item())
    print("scatter protos", torch.zeros(4, emb_s.size(1)).index_add_(0, lab_s, emb_s).div_(
        torch.bincount(lab_s, minlength=4).unsqueeze(1).float()).sub(protos).abs().max().item() < 1e-5)
