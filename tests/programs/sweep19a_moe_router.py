"""A sparse mixture-of-experts feed-forward layer in the style of the Switch-Transformer / Mixtral
snippets found in blog posts: a linear router, softmax then top-k, renormalised gates, one_hot expert
masks, per-expert capacity enforced by a cumsum over the mask, token dispatch with index_select /
index_add_, a scatter-based combine for comparison, the load-balancing auxiliary loss and router
z-loss, trained a few steps on a toy regression."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Expert(nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.w1 = nn.Linear(d_model, d_ff, bias=False)
        self.w2 = nn.Linear(d_ff, d_model, bias=False)
        self.w3 = nn.Linear(d_model, d_ff, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class MoELayer(nn.Module):
    def __init__(self, d_model, d_ff, num_experts=4, top_k=2, capacity_factor=1.25):
        super().__init__()
        self.num_experts, self.top_k, self.capacity_factor = num_experts, top_k, capacity_factor
        self.gate = nn.Linear(d_model, num_experts, bias=False)
        self.experts = nn.ModuleList([Expert(d_model, d_ff) for _ in range(num_experts)])

    def forward(self, x):
        B, T, C = x.shape
        x_flat = x.view(-1, C)
        n_tokens = x_flat.shape[0]
        router_logits = self.gate(x_flat)
        probs = F.softmax(router_logits, dim=-1, dtype=torch.float)
        topk_probs, topk_idx = torch.topk(probs, self.top_k, dim=-1)
        topk_probs = topk_probs / topk_probs.sum(dim=-1, keepdim=True)

        # capacity: position of each (token, choice) in its expert's queue
        capacity = math.floor(self.capacity_factor * n_tokens * self.top_k / self.num_experts)
        expert_mask = F.one_hot(topk_idx, num_classes=self.num_experts)  # (N, k, E)
        flat_mask = expert_mask.permute(1, 0, 2).reshape(-1, self.num_experts)  # choices major
        position = torch.cumsum(flat_mask, dim=0) * flat_mask - 1
        keep = (position < capacity) & (flat_mask > 0)
        keep = keep.reshape(self.top_k, n_tokens, self.num_experts).permute(1, 0, 2).any(-1)  # (N, k)
        self.last_dropped = int((~keep).sum())
        gates = topk_probs * keep

        out = torch.zeros_like(x_flat)
        for e, expert in enumerate(self.experts):
            token_idx, slot = torch.where((topk_idx == e) & keep)
            if token_idx.numel() == 0:
                continue
            y = expert(x_flat.index_select(0, token_idx)) * gates[token_idx, slot, None]
            out.index_add_(0, token_idx, y.to(out.dtype))

        # auxiliary losses (Switch: E * sum_e f_e * P_e ; ST-MoE router z-loss)
        tokens_per_expert = expert_mask.float().mean(dim=(0, 1))
        prob_per_expert = probs.mean(dim=0)
        self.aux_loss = self.num_experts * torch.sum(tokens_per_expert * prob_per_expert)
        self.z_loss = torch.logsumexp(router_logits, dim=-1).pow(2).mean()
        self.last_counts = torch.bincount(topk_idx.flatten(), minlength=self.num_experts)
        return out.view(B, T, C), router_logits


torch.manual_seed(0)
moe = MoELayer(d_model=8, d_ff=16, num_experts=4, top_k=2)
print(moe)
print("params", sum(p.numel() for p in moe.parameters()),
      "per expert", sum(p.numel() for p in moe.experts[0].parameters()))

x = torch.randn(2, 6, 8)
y, logits = moe(x)
print("out", y.shape, y.grad_fn.name(), "logits", logits.shape)
print(y[0, :2].round(decimals=4))
print("counts", moe.last_counts.tolist(), "dropped", moe.last_dropped)
print(f"aux {moe.aux_loss.item():.4f} z {moe.z_loss.item():.4f}")

# building blocks on a tiny example
probs = F.softmax(torch.tensor([[2.0, 1.0, 0.1, -1.0], [0.0, 3.0, 3.0, 1.0], [1.0, 1.0, 1.0, 1.0]]), dim=-1)
vals, idx = probs.topk(2, dim=-1)
print("topk", vals.round(decimals=4), idx)
oh = F.one_hot(idx, num_classes=4)
print("one_hot", oh.shape, oh.dtype, oh.sum(dim=(0, 1)).tolist())
pos = torch.cumsum(oh[:, 0], dim=0) * oh[:, 0] - 1
print("positions", pos.tolist())
combine = torch.zeros(3, 4).scatter(1, idx, vals)
print("scatter combine", combine.round(decimals=4))
combine_add = torch.zeros(3, 4).scatter_add_(1, idx, torch.ones_like(vals))
print("scatter_add", combine_add.tolist())
acc = torch.zeros(5, 2)
acc.index_add_(0, torch.tensor([0, 2, 0, 4]), torch.arange(8.0).view(4, 2), alpha=0.5)
print("index_add_", acc.tolist())
print("nonzero", (oh.sum(1) > 0).nonzero().tolist()[:5], torch.where(idx == 1))

# scatter/gather dispatch agrees with the loop dispatch
with torch.no_grad():
    xf = x.view(-1, 8)
    full = torch.stack([e(xf) for e in moe.experts], dim=1)  # (N, E, C)
    w = torch.zeros(xf.shape[0], 4).scatter(1, *torch.topk(F.softmax(moe.gate(xf), -1), 2, dim=-1)[::-1])
    w = w / w.sum(-1, keepdim=True)
    dense = (full * w.unsqueeze(-1)).sum(1)
    big = MoELayer(8, 16, 4, 2, capacity_factor=4.0)
    big.load_state_dict(moe.state_dict())
    sparse, _ = big(x)
print("dense == sparse", torch.allclose(dense, sparse.view(-1, 8), atol=1e-5), big.last_dropped)
gathered = torch.gather(full, 1, idx_ := torch.topk(w, 2, dim=-1).indices.unsqueeze(-1).expand(-1, -1, 8))
print("gathered", gathered.shape, idx_.shape)

# train: a toy regression through the MoE with both auxiliary losses
torch.manual_seed(1)
head = nn.Linear(8, 1)
opt = torch.optim.Adam(list(moe.parameters()) + list(head.parameters()), lr=1e-2)
xt = torch.randn(4, 8, 8)
yt = xt[..., :2].sum(-1, keepdim=True).tanh()
for step in range(8):
    h, _ = moe(xt)
    pred = head(h + xt)
    mse = F.mse_loss(pred, yt)
    loss = mse + 0.01 * moe.aux_loss + 0.001 * moe.z_loss
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} mse {mse.item():.4f} aux {moe.aux_loss.item():.4f} z {moe.z_loss.item():.4f} "
          f"counts {moe.last_counts.tolist()} dropped {moe.last_dropped}")
print("gate grad", moe.gate.weight.grad.shape, moe.gate.weight.grad.abs().sum().item() > 0)
print("unused expert grads", [e.w1.weight.grad is None for e in moe.experts])


# Mixtral-style sparse block (as in HF transformers) and a noisy top-k router (makemore-MoE blog)
class SparseMoeBlock(nn.Module):
    def __init__(self, hidden_dim, ffn_dim, num_experts=4, top_k=2, jitter_noise=0.05):
        super().__init__()
        self.hidden_dim, self.num_experts, self.top_k, self.jitter_noise = hidden_dim, num_experts, top_k, jitter_noise
        self.gate = nn.Linear(hidden_dim, num_experts, bias=False)
        self.experts = nn.ModuleList([Expert(hidden_dim, ffn_dim) for _ in range(num_experts)])

    def forward(self, hidden_states):
        batch_size, sequence_length, hidden_dim = hidden_states.shape
        if self.training and self.jitter_noise > 0:
            hidden_states *= torch.empty_like(hidden_states).uniform_(1.0 - self.jitter_noise, 1.0 + self.jitter_noise)
        hidden_states = hidden_states.view(-1, hidden_dim)
        router_logits = self.gate(hidden_states)
        routing_weights = F.softmax(router_logits, dim=1, dtype=torch.float)
        routing_weights, selected_experts = torch.topk(routing_weights, self.top_k, dim=-1)
        routing_weights /= routing_weights.sum(dim=-1, keepdim=True)
        routing_weights = routing_weights.to(hidden_states.dtype)
        final_hidden_states = torch.zeros((batch_size * sequence_length, hidden_dim), dtype=hidden_states.dtype,
                                          device=hidden_states.device)
        expert_mask = torch.nn.functional.one_hot(selected_experts, num_classes=self.num_experts).permute(2, 1, 0)
        expert_hitted = torch.greater(expert_mask.sum(dim=(-1, -2)), 0).nonzero()
        for expert_idx in expert_hitted:
            expert_layer = self.experts[expert_idx]
            idx, top_x = torch.where(expert_mask[expert_idx].squeeze(0))
            current_state = hidden_states[None, top_x].reshape(-1, hidden_dim)
            current_hidden_states = expert_layer(current_state) * routing_weights[top_x, idx, None]
            final_hidden_states.index_add_(0, top_x, current_hidden_states.to(hidden_states.dtype))
        final_hidden_states = final_hidden_states.reshape(batch_size, sequence_length, hidden_dim)
        return final_hidden_states, router_logits


def load_balancing_loss_func(gate_logits, num_experts, top_k=2):
    concatenated = torch.cat([layer_gate for layer_gate in gate_logits], dim=0)
    routing_weights = torch.nn.functional.softmax(concatenated, dim=-1)
    _, selected_experts = torch.topk(routing_weights, top_k, dim=-1)
    expert_mask = torch.nn.functional.one_hot(selected_experts, num_experts)
    tokens_per_expert = torch.mean(expert_mask.float(), dim=0)
    router_prob_per_expert = torch.mean(routing_weights, dim=0)
    overall_loss = torch.sum(tokens_per_expert * router_prob_per_expert.unsqueeze(0))
    return overall_loss * num_experts


class NoisyTopkRouter(nn.Module):
    def __init__(self, n_embed, num_experts, top_k):
        super().__init__()
        self.top_k = top_k
        self.topkroute_linear = nn.Linear(n_embed, num_experts)
        self.noise_linear = nn.Linear(n_embed, num_experts)

    def forward(self, mh_output):
        logits = self.topkroute_linear(mh_output)
        noise_logits = self.noise_linear(mh_output)
        noise = torch.randn_like(logits) * F.softplus(noise_logits)
        noisy_logits = logits + noise
        top_k_logits, indices = noisy_logits.topk(self.top_k, dim=-1)
        zeros = torch.full_like(noisy_logits, float('-inf'))
        sparse_logits = zeros.scatter(-1, indices, top_k_logits)
        router_output = F.softmax(sparse_logits, dim=-1)
        return router_output, indices


torch.manual_seed(7)
smoe = SparseMoeBlock(8, 12)
hs = torch.randn(2, 5, 8)
smoe.train()
out, rl = smoe(hs.clone())
print("mixtral", out.shape, out.grad_fn.name(), rl.shape, out[0, 0, :4].round(decimals=4))
em = F.one_hot(torch.topk(rl.softmax(-1), 2).indices, 4).permute(2, 1, 0)
print("expert_mask", em.shape, em.is_contiguous(), torch.greater(em.sum(dim=(-1, -2)), 0).nonzero().tolist())
print("lb loss", round(load_balancing_loss_func((rl, rl[:3]), 4).item(), 4))
router = NoisyTopkRouter(8, 4, 2)
ro, ind = router(hs)
print("noisy router", ro.shape, ind.shape, ro[0, 0].round(decimals=4), (ro > 0).sum(-1).unique().tolist())
print("full_like -inf scatter", torch.full_like(torch.zeros(2, 3), float('-inf')).scatter(
    -1, torch.tensor([[2], [0]]), torch.tensor([[1.5], [-2.0]])))
order = torch.argsort(ind.flatten(), stable=True)
counts = torch.bincount(ind.flatten(), minlength=4)
print("sorted dispatch", order[:6].tolist(), counts.tolist(), [c.shape for c in order.split(counts.tolist())])
print("repeat_interleave", torch.arange(4).repeat_interleave(counts)[:7].tolist(),
      torch.repeat_interleave(torch.tensor([1, 2]), torch.tensor([2, 3])).tolist())
red = torch.zeros(4).scatter_reduce(0, ind.flatten(), ro.flatten(0, 1).max(-1).values.repeat_interleave(2), "amax",
                                    include_self=False)
print("scatter_reduce amax", red.round(decimals=4))
acc = torch.zeros(3, 2).index_put_((torch.tensor([0, 0, 2]),), torch.ones(3, 2), accumulate=True)
print("index_put_ accumulate", acc.tolist())
sv, si = torch.topk(torch.tensor([3.0, 1.0, 4.0, 1.0, 5.0]), 3, sorted=False)
print("topk sorted=False as set", sorted(zip(sv.tolist(), si.tolist())))
