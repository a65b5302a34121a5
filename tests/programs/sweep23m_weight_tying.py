"""Weight tying between the embedding and the output projection (Press & Wolf; the word_language_model
example and nanoGPT do it), and the parameter counting that goes with it: model.parameters()
deduplicates a shared Parameter, named_parameters(remove_duplicate=False) does not, counting by
data_ptr, the state_dict still holding both keys, gradients summed from both uses, and untying."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
V, E, H = 20, 12, 12


class TinyLM(nn.Module):
    def __init__(self, tie=True):
        super().__init__()
        self.encoder = nn.Embedding(V, E)
        self.rnn = nn.GRU(E, H, batch_first=True)
        self.drop = nn.Dropout(0.0)
        self.decoder = nn.Linear(H, V)
        if tie:
            if H != E:
                raise ValueError("When using the tied flag, nhid must be equal to emsize")
            self.decoder.weight = self.encoder.weight
        self.init_weights()

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)

    def forward(self, idx):
        out, _ = self.rnn(self.drop(self.encoder(idx)))
        return self.decoder(self.drop(out))


def count_unique(model):
    seen, total = set(), 0
    for p in model.parameters():
        if p.data_ptr() not in seen:
            seen.add(p.data_ptr())
            total += p.numel()
    return total


tied, untied = TinyLM(tie=True), TinyLM(tie=False)
for name, m in (("tied", tied), ("untied", untied)):
    print(name, "parameters():", sum(p.numel() for p in m.parameters()),
          "unique by data_ptr:", count_unique(m),
          "with duplicates:", sum(p.numel() for _, p in m.named_parameters(remove_duplicate=False)))
print("same object:", tied.decoder.weight is tied.encoder.weight)
print("same storage:", tied.decoder.weight.data_ptr() == tied.encoder.weight.data_ptr())
print("named_parameters:", [n for n, _ in tied.named_parameters()])
print("with duplicates:", [n for n, _ in tied.named_parameters(remove_duplicate=False)])
sd = tied.state_dict()
print("state_dict keys:", list(sd.keys()))
print("state_dict shares:", sd["encoder.weight"].data_ptr() == sd["decoder.weight"].data_ptr())

# a shared storage is written once: the tied checkpoint is smaller
import io
for name, m in (("tied", tied), ("untied", untied)):
    sd_buf, whole_buf = io.BytesIO(), io.BytesIO()
    torch.save(m.state_dict(), sd_buf)
    torch.save(m, whole_buf)
    print(f"{name}: state_dict {sd_buf.tell()} bytes, whole model {whole_buf.tell()} bytes")
sd_buf.seek(0)


# nanoGPT-style count that leaves the position table out
def get_num_params(model, non_embedding=True):
    n = sum(p.numel() for p in model.parameters())
    if non_embedding:
        n -= model.encoder.weight.numel()
    return n


print("non-embedding params:", get_num_params(tied), get_num_params(untied))
print("by module:", {n: sum(p.numel() for p in m.parameters(recurse=False))
                     for n, m in tied.named_modules() if n})

# train the tied model a few steps; the shared weight gets gradient from both uses
data = torch.randint(0, V, (4, 9))
inp, tgt = data[:, :-1], data[:, 1:]
opt = torch.optim.Adam(tied.parameters(), lr=5e-3)
for step in range(15):
    opt.zero_grad()
    logits = tied(inp)
    loss = F.cross_entropy(logits.reshape(-1, V), tgt.reshape(-1))
    loss.backward()
    if step == 0:
        g = tied.encoder.weight.grad
        print("grad shape:", tuple(g.shape), "grad is shared:", tied.decoder.weight.grad is g)
        rows_hit = (g.abs().sum(1) > 0).sum().item()
        print("rows with gradient:", rows_hit, "of", V)
    nn.utils.clip_grad_norm_(tied.parameters(), 1.0)
    opt.step()
    if step % 5 == 0:
        print(f"step {step}: loss {loss.item():.4f}")
print("still tied after training:", tied.decoder.weight is tied.encoder.weight)
print("optimizer param groups:", [len(g["params"]) for g in opt.param_groups])
print("optimizer state entries:", len(opt.state))

# the gradient of a tied weight is the sum of the two paths
emb = nn.Embedding(5, 3)
head = nn.Linear(3, 5, bias=False)
head.weight = emb.weight
ids = torch.tensor([1, 3, 3])
out = head(emb(ids)).sum()
out.backward()
print("tied grad:\n", emb.weight.grad.round(decimals=4))
emb2 = nn.Embedding(5, 3)
emb2.weight.data.copy_(emb.weight.data)
w_out = emb.weight.detach().clone().requires_grad_()
out2 = F.linear(emb2(ids), w_out).sum()
out2.backward()
summed = emb2.weight.grad + w_out.grad
print("matches sum of paths:", torch.allclose(summed, emb.weight.grad))

# loading the state_dict into a fresh tied model keeps it tied
fresh = TinyLM(tie=True)
missing = fresh.load_state_dict(tied.state_dict())
print(missing)
print("fresh still tied:", fresh.decoder.weight is fresh.encoder.weight)
print("values equal:", torch.equal(fresh.decoder.weight, tied.encoder.weight))

# untie by cloning into a new Parameter
fresh.decoder.weight = nn.Parameter(fresh.encoder.weight.detach().clone())
print("after untie:", fresh.decoder.weight is fresh.encoder.weight, count_unique(fresh))
print("param tensors:", len(list(fresh.parameters())), len(list(tied.parameters())))
