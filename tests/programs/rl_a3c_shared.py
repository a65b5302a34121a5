"""A3C in the style of the classic pytorch-a3c repositories: a shared actor-critic model and a SharedAdam
optimizer whose state lives in shared memory, worker processes that copy the shared weights, compute a
loss, hand their gradients to the shared parameters (``shared_param._grad = param.grad``) and step.
The workers run one after the other so the printed weights do not depend on timing."""
import torch, torch.nn as nn, torch.nn.functional as F
import torch.multiprocessing as mp

class SharedAdam(torch.optim.Adam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.99), eps=1e-8, weight_decay=0):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        for group in self.param_groups:
            for p in group['params']:
                state = self.state[p]
                state['step'] = torch.tensor(0.0)
                state['exp_avg'] = torch.zeros_like(p.data)
                state['exp_avg_sq'] = torch.zeros_like(p.data)
                state['exp_avg'].share_memory_()
                state['exp_avg_sq'].share_memory_()
                state['step'].share_memory_()

class AC(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(4, 16); self.pi = nn.Linear(16, 2); self.v = nn.Linear(16, 1)
    def forward(self, x):
        h = torch.tanh(self.l(x)); return self.pi(h), self.v(h)

def ensure_shared_grads(model, shared_model):
    for param, shared_param in zip(model.parameters(), shared_model.parameters()):
        if shared_param.grad is not None:
            return
        shared_param._grad = param.grad

def worker(rank, shared, opt, counter, lock):
    torch.manual_seed(100 + rank)
    local = AC()
    for ep in range(3):
        local.load_state_dict(shared.state_dict())
        s = torch.randn(5, 4)
        logits, v = local(s)
        prob = F.softmax(logits, -1); logp = F.log_softmax(logits, -1)
        a = prob.multinomial(1)
        lp = logp.gather(1, a)
        R = torch.randn(5, 1)
        adv = R - v
        loss = -(lp * adv.detach()).sum() + 0.5 * adv.pow(2).sum() - 0.01 * (-(prob * logp).sum())
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(local.parameters(), 40)
        ensure_shared_grads(local, shared)
        opt.step()
        with lock:
            counter.value += 1

if __name__ == "__main__":
    torch.manual_seed(1)
    shared = AC(); shared.share_memory()
    opt = SharedAdam(shared.parameters(), lr=0.01)
    counter, lock = mp.Value('i', 0), mp.Lock()
    for rank in range(2):
        p = mp.Process(target=worker, args=(rank, shared, opt, counter, lock)); p.start(); p.join()
    print(counter.value)
    print(shared.pi.weight)
    print({k: (v if not torch.is_tensor(v) else v.shape) for k, v in opt.state[shared.pi.weight].items()})
    print(opt.state[shared.pi.weight]['step'])
