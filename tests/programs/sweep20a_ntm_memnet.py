"""Neural Turing machine addressing and an end-to-end memory network, as the pytorch-ntm and MemN2N
re-implementations write them: content addressing by F.cosine_similarity against the memory with a
softplus key strength, interpolation with the previous weighting, circular-convolution shifts (by a
padded conv1d, by torch.roll and by index arithmetic), sharpening w**gamma / sum, erase/add writes
with outer products; then a MemN2N with bag-of-words Embeddings, position encoding, temporal
encoding, adjacent weight tying and three hops, trained a few steps on a synthetic bAbI-like task."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class NTMMemory(nn.Module):
    def __init__(self, N, M):
        super(NTMMemory, self).__init__()
        self.N = N
        self.M = M
        self.register_buffer("mem_bias", torch.Tensor(N, M))
        stdev = 1 / (N + M) ** 0.5
        nn.init.uniform_(self.mem_bias, -stdev, stdev)

    def reset(self, batch_size):
        self.batch_size = batch_size
        self.memory = self.mem_bias.clone().repeat(batch_size, 1, 1)

    def size(self):
        return self.N, self.M

    def read(self, w):
        return torch.matmul(w.unsqueeze(1), self.memory).squeeze(1)

    def write(self, w, e, a):
        self.prev_mem = self.memory
        self.memory = torch.Tensor(self.batch_size, self.N, self.M)
        erase = torch.matmul(w.unsqueeze(-1), e.unsqueeze(1))
        add = torch.matmul(w.unsqueeze(-1), a.unsqueeze(1))
        self.memory = self.prev_mem * (1 - erase) + add

    def address(self, k, β, g, s, γ, w_prev):
        wc = self._similarity(k, β)
        wg = self._interpolate(w_prev, wc, g)
        ŵ = self._shift(wg, s)
        w = self._sharpen(ŵ, γ)
        return w

    def _similarity(self, k, β):
        k = k.view(self.batch_size, 1, -1)
        w = F.softmax(β * F.cosine_similarity(self.memory + 1e-16, k + 1e-16, dim=-1), dim=1)
        return w

    def _interpolate(self, w_prev, wc, g):
        return g * wc + (1 - g) * w_prev

    def _shift(self, wg, s):
        result = torch.zeros(wg.size())
        for b in range(self.batch_size):
            result[b] = _convolve(wg[b], s[b])
        return result

    def _sharpen(self, ŵ, γ):
        w = ŵ ** γ
        w = torch.div(w, torch.sum(w, dim=1).view(-1, 1) + 1e-16)
        return w


def _convolve(w, s):
    """Circular convolution implementation."""
    assert s.size(0) == 3
    t = torch.cat([w[-1:], w, w[:1]])
    c = F.conv1d(t.view(1, 1, -1), s.view(1, 1, -1)).view(-1)
    return c


class NTMHead(nn.Module):
    def __init__(self, memory, controller_size):
        super().__init__()
        self.memory = memory
        N, self.M = memory.size()
        self.read_lengths = [self.M, 1, 1, 3, 1]
        self.fc_read = nn.Linear(controller_size, sum(self.read_lengths))
        self.write_lengths = [self.M, 1, 1, 3, 1, self.M, self.M]
        self.fc_write = nn.Linear(controller_size, sum(self.write_lengths))
        nn.init.xavier_uniform_(self.fc_read.weight, gain=1.4)
        nn.init.normal_(self.fc_read.bias, std=0.01)

    @staticmethod
    def split_cols(mat, lengths):
        assert mat.size()[1] == sum(lengths), "Lengths must be summed to num columns"
        l = torch.cumsum(torch.tensor([0] + lengths), 0)
        return [mat[:, int(s):int(e)] for s, e in zip(l[:-1], l[1:])]

    def _address(self, k, β, g, s, γ, w_prev):
        k = k.clone()
        β = F.softplus(β)
        g = torch.sigmoid(g)
        s = F.softmax(s, dim=1)
        γ = 1 + F.softplus(γ)
        return self.memory.address(k, β, g, s, γ, w_prev)

    def read(self, embeddings, w_prev):
        o = self.fc_read(embeddings)
        k, β, g, s, γ = self.split_cols(o, self.read_lengths)
        w = self._address(k, β, g, s, γ, w_prev)
        return self.memory.read(w), w

    def write(self, embeddings, w_prev):
        o = self.fc_write(embeddings)
        k, β, g, s, γ, e, a = self.split_cols(o, self.write_lengths)
        e = torch.sigmoid(e)
        w = self._address(k, β, g, s, γ, w_prev)
        self.memory.write(w, e, a)
        return w


torch.manual_seed(0)
mem = NTMMemory(8, 5)
mem.reset(2)
print("memory", mem.memory.shape, mem.mem_bias.abs().max().item() <= 1 / 13 ** 0.5)
head = NTMHead(mem, controller_size=10)
print(head)
ctrl = torch.randn(2, 10)
w_prev = torch.zeros(2, 8)
w_prev[:, 0] = 1.0
w_w = head.write(ctrl, w_prev)
r, w_r = head.read(torch.randn(2, 10), w_prev)
print("write w", w_w.sum(1).round(decimals=5).tolist(), w_w.argmax(1).tolist(), w_w.grad_fn.name())
print("read", r.shape, w_r.shape, r.grad_fn.name(), r.round(decimals=4)[0].tolist())
loss = r.pow(2).sum() + w_w.pow(2).sum()
loss.backward()
print("head grads", head.fc_read.weight.grad.norm().item() > 0, round(head.fc_write.bias.grad.abs().sum().item(), 4))

# circular shifts three ways agree: conv1d with wrap padding, torch.roll, gathered indices
w = F.softmax(torch.randn(8), dim=0)
s = torch.tensor([0.1, 0.2, 0.7])
conv = _convolve(w, s)
rolled = s[0] * torch.roll(w, -1) + s[1] * w + s[2] * torch.roll(w, 1)
n = torch.arange(8)
gathered = sum(s[j] * w[(n - (j - 1)) % 8] for j in range(3))
print("shift", torch.allclose(conv, rolled), torch.allclose(rolled, gathered), conv.argmax().item(), w.argmax().item())
print("roll", torch.roll(torch.arange(6), 2).tolist(), torch.roll(torch.arange(6).view(2, 3), 1, 1).tolist(),
      torch.roll(torch.arange(6).view(2, 3), shifts=(1, -1), dims=(0, 1)).tolist(), torch.roll(torch.arange(6).view(2, 3), -7).tolist())
padded = F.pad(w.view(1, 1, -1), (1, 1), mode="circular")
print("circular pad", torch.equal(padded.view(-1), torch.cat([w[-1:], w, w[:1]])), padded.shape)
for gamma in (1.0, 2.0, 10.0):
    sharp = w ** gamma / (w ** gamma).sum()
    print(f"gamma {gamma} max {sharp.max().item():.4f} entropy {-(sharp * sharp.log()).sum().item():.4f}")

# content addressing on a batch, by cosine similarity and by normalised matmul
M = torch.randn(3, 8, 5)
key = M[:, 4] + 0.1 * torch.randn(3, 5)
cos = F.cosine_similarity(M, key.unsqueeze(1), dim=-1)
cos2 = (F.normalize(M, dim=-1) @ F.normalize(key, dim=-1).unsqueeze(-1)).squeeze(-1)
print("cosine", cos.shape, torch.allclose(cos, cos2, atol=1e-6), cos.argmax(1).tolist())
print("cos eps", F.cosine_similarity(torch.zeros(1, 4), torch.ones(1, 4)).tolist(),
      F.cosine_similarity(torch.tensor([1.0, 0.0]), torch.tensor([0.0, 2.0]), dim=0).item())
att = F.softmax(5.0 * cos, dim=1)
print("content weights", att.max(1).values.round(decimals=3).tolist())

# a tiny NTM on the copy task: LSTMCell controller, one read and one write head, RMSprop as pytorch-ntm
class NTM(nn.Module):
    def __init__(self, num_inputs, num_outputs, controller_size, N, M):
        super().__init__()
        self.memory = NTMMemory(N, M)
        self.controller = nn.LSTMCell(num_inputs + M, controller_size)
        self.read_head = NTMHead(self.memory, controller_size)
        self.write_head = NTMHead(self.memory, controller_size)
        self.fc = nn.Linear(controller_size + M, num_outputs)
        self.register_buffer("init_r", torch.randn(1, M) * 0.01)
        self.N, self.M = N, M

    def init_sequence(self, batch_size):
        self.memory.reset(batch_size)
        h = torch.zeros(batch_size, self.controller.hidden_size)
        self.state = (h, h.clone(), self.init_r.clone().repeat(batch_size, 1),
                      torch.zeros(batch_size, self.N), torch.zeros(batch_size, self.N))

    def forward(self, x=None):
        h, c, prev_r, w_read, w_write = self.state
        if x is None:
            x = torch.zeros(prev_r.size(0), self.controller.input_size - self.M)
        h, c = self.controller(torch.cat([x, prev_r], dim=1), (h, c))
        r, w_read = self.read_head.read(h, w_read)
        w_write = self.write_head.write(h, w_write)
        o = torch.sigmoid(self.fc(torch.cat([h, r], dim=1)))
        self.state = (h, c, r, w_read, w_write)
        return o


torch.manual_seed(2)
seq_len, width, batch = 3, 4, 4
ntm = NTM(width + 1, width, controller_size=16, N=8, M=6)
print("ntm params", sum(p.numel() for p in ntm.parameters()), ntm.controller)
opt_ntm = torch.optim.RMSprop(ntm.parameters(), momentum=0.9, alpha=0.95, lr=1e-3)
for step in range(4):
    seq = torch.bernoulli(torch.full((seq_len, batch, width), 0.5))
    inp = torch.zeros(seq_len + 1, batch, width + 1)
    inp[:seq_len, :, :width] = seq
    inp[seq_len, :, width] = 1.0  # delimiter
    opt_ntm.zero_grad()
    ntm.init_sequence(batch)
    for t in range(seq_len + 1):
        ntm(inp[t])
    outs = torch.stack([ntm() for _ in range(seq_len)])
    copy_loss = F.binary_cross_entropy(outs, seq)
    copy_loss.backward()
    nn.utils.clip_grad_value_(ntm.parameters(), 10)
    opt_ntm.step()
    cost = torch.abs(outs.detach().round() - seq).sum() / batch
    print(f"copy step {step} loss {copy_loss.item():.4f} cost {cost.item():.2f}")
print("read weights", ntm.state[3].shape, ntm.state[3].sum(1).round(decimals=4).tolist())

# --- end-to-end memory network (Sukhbaatar et al. 2015) --------------------------------------------
torch.manual_seed(1)
V, D, S, Lw, HOPS = 20, 16, 6, 4, 3


def position_encoding(sentence_size, embedding_dim):
    J, d = sentence_size, embedding_dim
    enc = torch.zeros(J, d)
    for j in range(1, J + 1):
        for k in range(1, d + 1):
            enc[j - 1, k - 1] = (1 - j / J) - (k / d) * (1 - 2 * j / J)
    return enc


class MemN2N(nn.Module):
    def __init__(self, vocab_size, embed_dim, memory_size, sentence_size, hops):
        super(MemN2N, self).__init__()
        self.hops = hops
        self.C = nn.ModuleList([nn.Embedding(vocab_size, embed_dim, padding_idx=0) for _ in range(hops + 1)])
        for emb in self.C:
            emb.weight.data.normal_(0, 0.1)
        self.TA = nn.Parameter(torch.randn(memory_size, embed_dim) * 0.1)
        self.TC = nn.Parameter(torch.randn(memory_size, embed_dim) * 0.1)
        self.register_buffer("encoding", position_encoding(sentence_size, embed_dim))

    def forward(self, story, query):
        u = (self.C[0](query) * self.encoding).sum(1)
        for hop in range(self.hops):
            m_A = (self.C[hop](story) * self.encoding).sum(2) + self.TA
            m_C = (self.C[hop + 1](story) * self.encoding).sum(2) + self.TC
            prob = F.softmax(torch.bmm(m_A, u.unsqueeze(2)).squeeze(2), dim=-1)
            o = torch.bmm(prob.unsqueeze(1), m_C).squeeze(1)
            u = o + u
        self.last_prob = prob
        return F.linear(u, self.C[self.hops].weight)


# task: sentences "e k v ..." store a value v for key k; the query asks the value of a key
B = 24
keys = torch.stack([torch.randperm(S) + 2 for _ in range(B)])  # token ids 2..7 as keys
vals = torch.randint(10, 20, (B, S))
story = torch.zeros(B, S, Lw, dtype=torch.long)
story[:, :, 0] = 1
story[:, :, 1] = keys
story[:, :, 2] = vals
qpos = torch.randint(0, S, (B,))
query = torch.zeros(B, Lw, dtype=torch.long)
query[:, 0] = 1
query[:, 1] = keys[torch.arange(B), qpos]
answer = vals[torch.arange(B), qpos]
print("story", story.shape, story[0, :2].tolist(), "query", query[0].tolist(), "answer", answer[0].item())
print("PE", position_encoding(Lw, D)[:, :3].round(decimals=4).tolist())
net = MemN2N(V, D, S, Lw, HOPS)
print(net)
opt = torch.optim.SGD(net.parameters(), lr=0.5)
for epoch in range(8):
    opt.zero_grad()
    logits = net(story, query)
    loss = F.cross_entropy(logits, answer)
    loss.backward()
    nn.utils.clip_grad_norm_(net.parameters(), 40.0)
    opt.step()
    acc = (logits.argmax(1) == answer).float().mean().item()
    print(f"epoch {epoch} loss {loss.item():.4f} acc {acc:.3f}")
print("attention", net.last_prob.shape, net.last_prob.sum(1)[:3].round(decimals=5).tolist(),
      "padding grad zero", net.C[0].weight.grad[0].abs().sum().item())
print("attends to the fact", (net.last_prob.argmax(1) == qpos).float().mean().item().__round__(3))
