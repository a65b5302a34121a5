"""Federated averaging (FedAvg, McMahan et al.) as in the popular "federated learning from scratch"
repos: an IID / non-IID split of a synthetic dataset across clients (Dirichlet label skew via
numpy-free torch sampling), deepcopies of the global model per client, local SGD epochs, weighted
state_dict averaging with torch.stack(...).mean(0) / weighted sums, load_state_dict back into the
global model (BatchNorm running stats and num_batches_tracked included), FedProx's proximal term, and
client selection with torch.randperm."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Subset, TensorDataset

torch.manual_seed(0)
N, D, C = 240, 10, 4
X = torch.randn(N, D)
W_true = torch.randn(D, C)
Y = (X @ W_true + 0.1 * torch.randn(N, C)).argmax(1)
full = TensorDataset(X, Y)
print("label counts", torch.bincount(Y, minlength=C).tolist())


def iid_split(dataset, num_users):
    num_items = len(dataset) // num_users
    dict_users, all_idxs = {}, list(range(len(dataset)))
    for i in range(num_users):
        chosen = torch.randperm(len(all_idxs))[:num_items].tolist()
        dict_users[i] = set(all_idxs[j] for j in chosen)
        all_idxs = list(set(all_idxs) - dict_users[i])
    return dict_users


def dirichlet_split(labels, num_users, alpha=0.5):
    idx_per_user = [[] for _ in range(num_users)]
    dist = torch.distributions.Dirichlet(torch.full((num_users,), alpha))
    for c in range(C):
        idx = (labels == c).nonzero(as_tuple=True)[0]
        idx = idx[torch.randperm(len(idx))]
        props = dist.sample()
        cuts = (torch.cumsum(props, 0) * len(idx)).long()[:-1]
        for u, part in enumerate(torch.tensor_split(idx, cuts)):
            idx_per_user[u] += part.tolist()
    return idx_per_user


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(D, 24)
        self.bn = nn.BatchNorm1d(24)
        self.fc2 = nn.Linear(24, C)

    def forward(self, x):
        return self.fc2(F.relu(self.bn(self.fc1(x))))


class LocalUpdate:
    def __init__(self, dataset, idxs, local_ep=2, local_bs=10, lr=0.05, mu=0.0):
        self.loader = DataLoader(Subset(dataset, sorted(idxs)), batch_size=local_bs, shuffle=True, drop_last=True)
        self.local_ep, self.lr, self.mu = local_ep, lr, mu

    def train(self, net):
        global_params = [p.detach().clone() for p in net.parameters()]
        net.train()
        optimizer = torch.optim.SGD(net.parameters(), lr=self.lr, momentum=0.5)
        epoch_loss = []
        for it in range(self.local_ep):
            batch_loss = []
            for images, labels in self.loader:
                net.zero_grad()
                log_probs = net(images)
                loss = F.cross_entropy(log_probs, labels)
                if self.mu > 0:
                    prox = sum((w - w0).norm(2) ** 2 for w, w0 in zip(net.parameters(), global_params))
                    loss = loss + self.mu / 2 * prox
                loss.backward()
                optimizer.step()
                batch_loss.append(loss.item())
            epoch_loss.append(sum(batch_loss) / len(batch_loss))
        return net.state_dict(), sum(epoch_loss) / len(epoch_loss)


def FedAvg(w):
    w_avg = copy.deepcopy(w[0])
    for k in w_avg.keys():
        for i in range(1, len(w)):
            w_avg[k] += w[i][k]
        w_avg[k] = torch.div(w_avg[k], len(w))
    return w_avg


def fedavg_stack(states, weights=None):
    out = {}
    for k in states[0]:
        stacked = torch.stack([s[k].float() for s in states])
        if weights is None:
            out[k] = stacked.mean(0)
        else:
            w = torch.tensor(weights, dtype=torch.float32).view(-1, *([1] * (stacked.dim() - 1)))
            out[k] = (stacked * w).sum(0) / w.sum()
        out[k] = out[k].to(states[0][k].dtype)
    return out


@torch.no_grad()
def test(net, dataset):
    net.eval()
    x, y = dataset.tensors
    out = net(x)
    return F.cross_entropy(out, y, reduction="sum").item() / len(y), 100.0 * (out.argmax(1) == y).sum().item() / len(y)


num_users, frac = 6, 0.5
users = iid_split(full, num_users)
print("iid sizes", [len(users[i]) for i in range(num_users)], sorted(users[0])[:5])
net_glob = Net()
print(net_glob)
w_glob = net_glob.state_dict()
print("keys", list(w_glob.keys()))
for rnd in range(3):
    m = max(int(frac * num_users), 1)
    idxs_users = torch.randperm(num_users)[:m].tolist()
    w_locals, loss_locals = [], []
    for idx in idxs_users:
        local = LocalUpdate(full, users[idx])
        w, loss = local.train(net=copy.deepcopy(net_glob))
        w_locals.append(copy.deepcopy(w))
        loss_locals.append(loss)
    w_glob = FedAvg(w_locals)
    net_glob.load_state_dict(w_glob)
    tl, ta = test(net_glob, full)
    print(f"round {rnd:3d} clients {idxs_users} avg loss {sum(loss_locals) / len(loss_locals):.3f} "
          f"test loss {tl:.4f} acc {ta:.2f}")
print("num_batches_tracked", w_glob["bn.num_batches_tracked"], w_glob["bn.num_batches_tracked"].dtype)
print("running_var", w_glob["bn.running_var"][:4].round(decimals=3))

# non-IID with Dirichlet label skew, weighted averaging by client size, FedProx
torch.manual_seed(1)
parts = dirichlet_split(Y, 4, alpha=0.3)
sizes = [len(p) for p in parts]
print("dirichlet sizes", sizes, sum(sizes))
print("client label hist", [torch.bincount(Y[torch.tensor(p, dtype=torch.long)], minlength=C).tolist() for p in parts])
global_model = Net()
for rnd in range(3):
    states, ns, losses = [], [], []
    for cid, p in enumerate(parts):
        if len(p) < 10:
            continue
        client = copy.deepcopy(global_model)
        sd, loss = LocalUpdate(full, p, local_ep=1, mu=0.01).train(client)
        states.append(sd)
        ns.append(len(p))
        losses.append(loss)
    new_state = fedavg_stack(states, ns)
    missing = global_model.load_state_dict(new_state, strict=True)
    tl, ta = test(global_model, full)
    print(f"prox round {rnd} clients {len(states)} loss {tl:.4f} acc {ta:.2f} {missing}")
avg_plain = fedavg_stack(states)
print("plain vs weighted fc2.bias", avg_plain["fc2.bias"].round(decimals=4), new_state["fc2.bias"].round(decimals=4))
print("nbt", avg_plain["bn.num_batches_tracked"], new_state["bn.num_batches_tracked"].dtype)

# parameter-vector view of the server update (FedOpt style server momentum)
from torch.nn.utils import parameters_to_vector, vector_to_parameters
server = Net()
server_opt = torch.optim.SGD(server.parameters(), lr=1.0, momentum=0.9)
for rnd in range(2):
    g_vec = parameters_to_vector(server.parameters()).detach()
    deltas = []
    for p in parts[:3]:
        c = copy.deepcopy(server)
        LocalUpdate(full, p, local_ep=1).train(c)
        deltas.append(g_vec - parameters_to_vector(c.parameters()).detach())
    pseudo_grad = torch.stack(deltas).mean(0)
    server_opt.zero_grad()
    offset = 0
    for prm in server.parameters():
        n = prm.numel()
        prm.grad = pseudo_grad[offset:offset + n].view_as(prm).clone()
        offset += n
    server_opt.step()
    print(f"server round {rnd} |delta| {pseudo_grad.norm():.4f} loss {test(server, full)[0]:.4f}")
vec = parameters_to_vector(server.parameters())
print("vector", vec.shape, vec.grad_fn.name(), vec.requires_grad)
vector_to_parameters(torch.zeros_like(vec), server.parameters())
print("zeroed", sum(p.abs().sum().item() for p in server.parameters()))
try:
    server.load_state_dict({k: v for k, v in new_state.items() if k != "bn.running_mean"})
except RuntimeError as e:
    print(e)
try:
    torch.stack([new_state["fc1.weight"], new_state["fc2.weight"]])
except RuntimeError as e:
    print(e)
