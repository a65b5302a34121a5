"""Hogwild-style training and queues with torch.multiprocessing (run by test_shared_memory.py):
``python _shared_memory_program.py torch|glasstorch fork|spawn``."""
import sys
BACKEND, METHOD = sys.argv[1], sys.argv[2]
if BACKEND == "glasstorch":
    from glasstorch import _shim
    _shim.install_as_torch()
import torch
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.register_buffer("steps", torch.zeros(1))

    def forward(self, x):
        return F.log_softmax(self.fc(x), dim=1)


def train(rank, model):
    torch.manual_seed(10 + rank)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.randn(8, 4), torch.randint(0, 3, (8,))
    for _ in range(5):
        opt.zero_grad()
        F.nll_loss(model(x), y).backward()
        opt.step()
        model.steps += 1


def worker(q_in, q_out):
    t = q_in.get()
    t.mul_(10)                       # the sender sees this: same memory
    q_out.put((t.is_shared(), t.sum().item()))
    p = q_in.get()
    q_out.put((type(p).__name__, p.requires_grad, p.is_shared()))


if __name__ == "__main__":
    ctx = mp.get_context(METHOD)
    torch.manual_seed(1)
    model = Net()
    print(model.fc.weight.is_shared(), model.share_memory() is model, model.fc.weight.is_shared())
    p = ctx.Process(target=train, args=(0, model))
    p.start()
    p.join()
    print(model.fc.weight, model.steps)

    q_in, q_out = ctx.Queue(), ctx.Queue()
    p = ctx.Process(target=worker, args=(q_in, q_out))
    p.start()
    t = torch.arange(6.).reshape(2, 3)[:, 1:]
    print("before", t.is_shared())
    q_in.put(t)
    print(q_out.get(), t, t.is_shared())
    q_in.put(nn.Parameter(torch.ones(2)))
    print(q_out.get())
    p.join()
    try:
        from multiprocessing.reduction import ForkingPickler
        ForkingPickler.dumps(torch.ones(2, requires_grad=True) * 2)
    except RuntimeError as e:
        print("RuntimeError:", e)
