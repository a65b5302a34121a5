"""Matching networks (Vinyals et al.) in the style of the popular matching-networks-pytorch repos:
batched episodes (B episodes of N-way K-shot, support labels one-hot through scatter_), an MLP
embedding, full-context embeddings of the support set with a bidirectional nn.LSTM (outputs added to
the inputs as a skip), the attention-LSTM read-out of the query over the support (LSTMCell, K
processing steps), cosine-similarity attention (the "DistanceNetwork": support / ||support|| with a
clamp on the squared-norm sum, torch.bmm against the query), softmax attention over the support
labels, loss from log(probabilities), accuracy, gradient clipping and an eval run."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
N_CLS, DIM = 10, 12
class_means = torch.randn(N_CLS, DIM) * 1.3


def sample_batch(batch_size, n_way, k_shot, n_query, classes, g=None):
    xs, ys, xq, yq = [], [], [], []
    for _ in range(batch_size):
        chosen = classes[torch.randperm(len(classes), generator=g)[:n_way]]
        means = class_means[chosen]
        s = means.repeat_interleave(k_shot, 0) + 0.9 * torch.randn(n_way * k_shot, DIM, generator=g)
        q_lab = torch.randint(0, n_way, (n_query,), generator=g)
        q = means[q_lab] + 0.9 * torch.randn(n_query, DIM, generator=g)
        xs.append(s)
        ys.append(torch.arange(n_way).repeat_interleave(k_shot))
        xq.append(q)
        yq.append(q_lab)
    return torch.stack(xs), torch.stack(ys), torch.stack(xq), torch.stack(yq)


class DistanceNetwork(nn.Module):
    def forward(self, support_set, input_image):
        eps = 1e-10
        similarities = []
        for support_image in support_set:
            sum_support = torch.sum(torch.pow(support_image, 2), 1)
            support_magnitude = sum_support.clamp(eps, float("inf")).rsqrt()
            dot_product = input_image.unsqueeze(1).bmm(support_image.unsqueeze(2)).squeeze()
            similarities.append(dot_product * support_magnitude)
        return torch.stack(similarities).t()


class AttentionalClassify(nn.Module):
    def forward(self, similarities, support_set_y):
        softmax_similarities = F.softmax(similarities, dim=-1)
        return softmax_similarities.unsqueeze(1).bmm(support_set_y).squeeze()


class BidirectionalLSTM(nn.Module):
    def __init__(self, layer_size, vector_dim):
        super().__init__()
        self.hidden_size = layer_size[0]
        self.lstm = nn.LSTM(input_size=vector_dim, num_layers=len(layer_size), hidden_size=self.hidden_size,
                            bidirectional=True)

    def forward(self, inputs):
        h0 = torch.zeros(self.lstm.num_layers * 2, inputs.size(1), self.hidden_size)
        c0 = torch.zeros_like(h0)
        output, (hn, cn) = self.lstm(inputs, (h0, c0))
        return output, hn, cn


class AttLSTM(nn.Module):
    """f(x, S): K steps of an LSTMCell whose hidden state reads the support set by softmax attention."""

    def __init__(self, dim, steps=2):
        super().__init__()
        self.cell = nn.LSTMCell(dim, dim)
        self.steps = steps

    def forward(self, q, g):
        h, c = torch.zeros_like(q), torch.zeros_like(q)
        for _ in range(self.steps):
            h, c = self.cell(q, (h, c))
            h = h + q
            attn = F.softmax(torch.bmm(g, h.unsqueeze(2)).squeeze(2), dim=1)
            r = torch.bmm(attn.unsqueeze(1), g).squeeze(1)
            h = h + r
        return h


class MatchingNetwork(nn.Module):
    def __init__(self, in_dim, emb=16, fce=True):
        super().__init__()
        self.g = nn.Sequential(nn.Linear(in_dim, 32), nn.ReLU(), nn.Linear(32, emb))
        self.fce = fce
        if fce:
            self.lstm = BidirectionalLSTM(layer_size=[emb // 2], vector_dim=emb)
            self.att = AttLSTM(emb)
        self.dn = DistanceNetwork()
        self.classify = AttentionalClassify()

    def forward(self, support_x, support_y_one_hot, target_x, target_y):
        B, S, _ = support_x.shape
        Q = target_x.size(1)
        enc_s = self.g(support_x)
        if self.fce:
            out, hn, cn = self.lstm(enc_s.transpose(0, 1))
            enc_s = enc_s + out.transpose(0, 1)
        accuracy, loss = 0.0, 0.0
        preds = []
        for i in range(Q):
            enc_q = self.g(target_x[:, i])
            if self.fce:
                enc_q = self.att(enc_q, enc_s)
            similarities = self.dn(support_set=enc_s.transpose(0, 1), input_image=enc_q)
            preds_i = self.classify(similarities, support_set_y=support_y_one_hot)
            values, indices = preds_i.max(1)
            accuracy = accuracy + torch.mean((indices.squeeze() == target_y[:, i]).float())
            loss = loss + F.nll_loss(torch.log(preds_i.clamp_min(1e-8)), target_y[:, i].long())
            preds.append(preds_i)
        return accuracy / Q, loss / Q, torch.stack(preds, 1)


n_way, k_shot, n_query, B = 4, 2, 3, 5
train_cls, test_cls = torch.arange(0, 7), torch.arange(7, 10)
xs, ys, xq, yq = sample_batch(B, n_way, k_shot, n_query, train_cls)
print("batch", xs.shape, ys.shape, xq.shape, yq.shape, ys[0].tolist(), yq[:2].tolist())
ys_oh = torch.zeros(B, n_way * k_shot, n_way).scatter_(2, ys.unsqueeze(2), 1.0)
print("one-hot", ys_oh.shape, ys_oh[0, :3], ys_oh.sum().item(), torch.equal(ys_oh, F.one_hot(ys, n_way).float()))

dn = DistanceNetwork()
sim = dn(support_set=xs.permute(1, 0, 2), input_image=xq[:, 0])
ref = F.cosine_similarity(xs, xq[:, :1], dim=2) * xq[:, 0].norm(dim=1, keepdim=True)
print("distance net", sim.shape, torch.allclose(sim, ref, atol=1e-4), sim[0].round(decimals=3))
att = AttentionalClassify()(sim, ys_oh)
print("attention", att.shape, att.sum(1).round(decimals=4), att[0].round(decimals=4))
cos_attn = F.softmax(F.normalize(xq, dim=-1) @ F.normalize(xs, dim=-1).transpose(1, 2), dim=-1)
print("cosine attention", cos_attn.shape, (cos_attn @ ys_oh)[0].round(decimals=4))

torch.manual_seed(4)
model = MatchingNetwork(DIM, fce=True)
print(model.lstm)
print(model.att.cell, sum(p.numel() for p in model.parameters()))
print([n for n, _ in model.lstm.named_parameters()][:4])
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-5)
gen = torch.Generator().manual_seed(10)
for it in range(12):
    xs, ys, xq, yq = sample_batch(B, n_way, k_shot, n_query, train_cls, g=gen)
    ys_oh = F.one_hot(ys, n_way).float()
    acc, loss, _ = model(xs, ys_oh, xq, yq)
    optimizer.zero_grad()
    loss.backward()
    total_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
    optimizer.step()
    if it % 3 == 0:
        print(f"iter {it} loss {loss.item():.4f} acc {acc.item():.4f} grad-norm {total_norm.item():.3f}")

model.eval()
with torch.no_grad():
    accs = []
    for _ in range(3):
        xs, ys, xq, yq = sample_batch(B, 3, k_shot, n_query, test_cls, g=gen)
        acc, loss, preds = model(xs, F.one_hot(ys, 3).float(), xq, yq)
        accs.append(acc.item())
    print("test acc", [f"{a:.4f}" for a in accs], preds.shape, preds[0, 0].round(decimals=3))
    print("probs sum to 1", torch.allclose(preds.sum(-1), torch.ones(B, n_query)))
    print("pred classes", preds.argmax(-1)[0].tolist(), yq[0].tolist())

# no-FCE variant: squeeze() on a batch of one episode drops the batch dim too
model2 = MatchingNetwork(DIM, fce=False)
xs, ys, xq, yq = sample_batch(1, n_way, k_shot, 2, train_cls, g=gen)
with torch.no_grad():
    s = model2.dn(model2.g(xs).transpose(0, 1), model2.g(xq[:, 0]))
    print("one episode", s.shape, AttentionalClassify()(s, F.one_hot(ys, n_way).float()).shape)
