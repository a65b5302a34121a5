"""MoCo v2: a query encoder and a momentum key encoder, a queue of negative keys kept as a buffer and
updated by slicing, InfoNCE logits by einsum, shuffled BatchNorm, i-Mix style mixup with a Beta
distribution, a weighted kNN monitor, checkpointing to a buffer and a few error cases."""
import io
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Beta

torch.manual_seed(4)


class Encoder(nn.Module):
    def __init__(self, dim=8):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(12, 24), nn.BatchNorm1d(24), nn.ReLU(), nn.Linear(24, 24))
        self.fc = nn.Sequential(nn.ReLU(), nn.Linear(24, dim))

    def forward(self, x):
        return self.fc(self.net(x))


class MoCo(nn.Module):
    def __init__(self, dim=8, K=32, m=0.99, T=0.2):
        super().__init__()
        self.K, self.m, self.T = K, m, T
        self.encoder_q = Encoder(dim)
        self.encoder_k = Encoder(dim)
        for param_q, param_k in zip(self.encoder_q.parameters(), self.encoder_k.parameters()):
            param_k.data.copy_(param_q.data)
            param_k.requires_grad = False
        self.register_buffer("queue", F.normalize(torch.randn(dim, K), dim=0))
        self.register_buffer("queue_ptr", torch.zeros(1, dtype=torch.long))

    @torch.no_grad()
    def _momentum_update_key_encoder(self):
        for param_q, param_k in zip(self.encoder_q.parameters(), self.encoder_k.parameters()):
            param_k.data = param_k.data * self.m + param_q.data * (1.0 - self.m)

    @torch.no_grad()
    def _dequeue_and_enqueue(self, keys):
        batch_size = keys.shape[0]
        ptr = int(self.queue_ptr)
        assert self.K % batch_size == 0
        self.queue[:, ptr:ptr + batch_size] = keys.T
        ptr = (ptr + batch_size) % self.K
        self.queue_ptr[0] = ptr

    @torch.no_grad()
    def _batch_shuffle(self, x):
        idx_shuffle = torch.randperm(x.shape[0])
        idx_unshuffle = torch.argsort(idx_shuffle)
        return x[idx_shuffle], idx_unshuffle

    def forward(self, im_q, im_k):
        q = nn.functional.normalize(self.encoder_q(im_q), dim=1)
        with torch.no_grad():
            self._momentum_update_key_encoder()
            im_k, idx_unshuffle = self._batch_shuffle(im_k)
            k = nn.functional.normalize(self.encoder_k(im_k), dim=1)
            k = k[idx_unshuffle]
        l_pos = torch.einsum("nc,nc->n", [q, k]).unsqueeze(-1)
        l_neg = torch.einsum("nc,ck->nk", [q, self.queue.clone().detach()])
        logits = torch.cat([l_pos, l_neg], dim=1)
        logits /= self.T
        labels = torch.zeros(logits.shape[0], dtype=torch.long)
        self._dequeue_and_enqueue(k)
        return logits, labels


def two_views(x):
    a = x + 0.1 * torch.randn_like(x)
    b = x * torch.empty_like(x).bernoulli_(0.85) + 0.1 * torch.randn_like(x)
    return a, b


centers = torch.randn(4, 12) * 2
y_all = torch.randint(0, 4, (96,))
x_all = centers[y_all] + 0.5 * torch.randn(96, 12)
x_train, y_train, x_test, y_test = x_all[:64], y_all[:64], x_all[64:], y_all[64:]

model = MoCo()
print(model.encoder_q)
print("buffers:", [(n, tuple(b.shape), b.dtype) for n, b in model.named_buffers() if "queue" in n])
print("trainable:", sum(p.requires_grad for p in model.parameters()), "of", len(list(model.parameters())))
opt = torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.06, momentum=0.9, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[4, 7], gamma=0.1)
for epoch in range(9):
    perm = torch.randperm(64)
    tot, correct = 0.0, 0
    for i in range(0, 64, 16):
        xb = x_train[perm[i:i + 16]]
        q, k = two_views(xb)
        logits, labels = model(q, k)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item()
        correct += (logits.argmax(1) == 0).sum().item()
    sched.step()
    print(f"epoch {epoch} loss {tot / 4:.4f} inst-acc {correct / 64:.3f} ptr {model.queue_ptr.item()} lr {opt.param_groups[0]['lr']:.4g}")

print("queue column norms", model.queue.norm(dim=0)[:4])

# i-Mix: mix inputs and their virtual instance labels with a Beta-distributed lambda
beta = Beta(torch.tensor([1.0]), torch.tensor([1.0]))
lam = beta.sample()
print("lambda", lam, "log_prob", beta.log_prob(lam), "mean", beta.mean, beta)
xb = x_train[:8]
mix_idx = torch.randperm(8)
x_mix = lam * xb + (1 - lam) * xb[mix_idx]
q = F.normalize(model.encoder_q(x_mix), dim=1)
with torch.no_grad():
    k = F.normalize(model.encoder_k(xb), dim=1)
logits = q @ k.T / 0.2
targets = lam * F.one_hot(torch.arange(8), 8).float() + (1 - lam) * F.one_hot(mix_idx, 8).float()
imix = torch.sum(-targets * F.log_softmax(logits, dim=1), dim=1).mean()
soft_ce = F.cross_entropy(logits, targets)
print(f"i-mix loss {imix.item():.4f} same as soft-label cross_entropy: {torch.isclose(imix, soft_ce).item()}")


@torch.no_grad()
def knn_predict(feature, feature_bank, feature_labels, classes, knn_k, knn_t):
    sim_matrix = torch.mm(feature, feature_bank)
    sim_weight, sim_indices = sim_matrix.topk(k=knn_k, dim=-1)
    sim_labels = torch.gather(feature_labels.expand(feature.size(0), -1), dim=-1, index=sim_indices)
    sim_weight = (sim_weight / knn_t).exp()
    one_hot_label = torch.zeros(feature.size(0) * knn_k, classes)
    one_hot_label = one_hot_label.scatter(dim=-1, index=sim_labels.view(-1, 1), value=1.0)
    pred_scores = torch.sum(one_hot_label.view(feature.size(0), -1, classes) * sim_weight.unsqueeze(dim=-1), dim=1)
    return pred_scores.argsort(dim=-1, descending=True)


model.eval()
with torch.no_grad():
    bank = F.normalize(model.encoder_q(x_train), dim=1).t().contiguous()
    feats = F.normalize(model.encoder_q(x_test), dim=1)
    pred = knn_predict(feats, bank, y_train, 4, knn_k=5, knn_t=0.1)
    top1 = (pred[:, 0] == y_test).float().mean().item()
    print(f"kNN top-1 {top1 * 100:.2f}% first predictions {pred[:5, 0].tolist()} truth {y_test[:5].tolist()}")

buf = io.BytesIO()
torch.save({"state_dict": model.state_dict(), "epoch": 9, "optimizer": opt.state_dict()}, buf)
buf.seek(0)
ckpt = torch.load(buf, weights_only=True)
fresh = MoCo()
missing = fresh.load_state_dict(ckpt["state_dict"], strict=False)
print("restored:", missing, "epoch", ckpt["epoch"], "ptr", fresh.queue_ptr)
print("queue equal:", torch.equal(fresh.queue, model.queue), "param groups", len(ckpt["optimizer"]["param_groups"]))
print(ckpt["optimizer"]["param_groups"][0]["milestones"] if "milestones" in ckpt["optimizer"]["param_groups"][0] else sorted(ckpt["optimizer"]["param_groups"][0]))

try:
    model._dequeue_and_enqueue(torch.zeros(5, 8))
except AssertionError:
    print("queue size must be a multiple of the batch size")
try:
    torch.einsum("nc,ck->nk", torch.zeros(4, 8), torch.zeros(7, 32))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    model.queue[:, 0:16] = torch.zeros(16, 8)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.cross_entropy(torch.zeros(4, 33), torch.full((4,), 40))
except IndexError as e:
    print("IndexError:", e)
