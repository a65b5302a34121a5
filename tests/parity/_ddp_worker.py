"""What each process of the 2-process DDP parity test runs (test_distributed.py starts it with
``torch.multiprocessing.spawn`` and with ``glasstorch.multiprocessing.spawn``).

It imports only the backend it is given, so a spawned child loads one library.  Each rank starts
from different weights (DDP must broadcast rank 0's), reads its own DistributedSampler shard, takes
five SGD steps (the fourth with a ``no_sync`` accumulation step before it), and writes its
per-step losses, the all-reduced losses, the gradients and the final weights to ``out_dir``.
"""
import os
import pickle

import numpy as np


def _mods(backend):
    if backend == "torch":
        import torch
        import torch.distributed as dist
        from torch.nn.parallel import DistributedDataParallel as DDP
        from torch.utils.data import DataLoader, TensorDataset
        from torch.utils.data.distributed import DistributedSampler
    else:
        import glasstorch as torch
        import glasstorch.distributed as dist
        from glasstorch.nn.parallel import DistributedDataParallel as DDP
        from glasstorch.utils.data import DataLoader, TensorDataset
        from glasstorch.utils.data.distributed import DistributedSampler
    return torch, dist, DDP, DataLoader, TensorDataset, DistributedSampler


def run(rank, backend, world_size, init_method, out_dir):
    torch, dist, DDP, DataLoader, TensorDataset, DistributedSampler = _mods(backend)
    nn = torch.nn
    dist.init_process_group("gloo", init_method=init_method, rank=rank, world_size=world_size)
    out = {"coll": collectives(torch, dist, rank, world_size)}
    data = np.random.default_rng(123)
    X = data.standard_normal((40, 4)).astype(np.float32)
    y = (X @ np.array([[1.0], [-2.0], [0.5], [0.0]], np.float32) + 0.1).astype(np.float32)
    ds = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    sampler = DistributedSampler(ds, shuffle=True, seed=7)
    loader = DataLoader(ds, batch_size=4, sampler=sampler)

    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    mine = np.random.default_rng(rank)           # every rank different: DDP must broadcast rank 0's
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.from_numpy(mine.standard_normal(tuple(p.shape)).astype(np.float32) * 0.5))
    ddp = DDP(model)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.MSELoss()
    out.update({"start": [p.detach().numpy().copy() for p in model.parameters()], "loss": [], "mean_loss": [],
           "grads": [], "keys": list(ddp.state_dict().keys()), "repr": repr(ddp)})
    step = 0
    for epoch in range(3):
        sampler.set_epoch(epoch)
        for xb, yb in loader:
            opt.zero_grad()
            if step == 3:                 # gradient accumulation: one local backward, then a synced one
                with ddp.no_sync():
                    loss_fn(ddp(xb), yb).backward()
                out["local_grad"] = model[0].weight.grad.numpy().copy()
            loss = loss_fn(ddp(xb), yb)
            loss.backward()
            out["grads"].append([p.grad.numpy().copy() for p in model.parameters()])
            opt.step()
            logged = loss.detach().clone()
            dist.all_reduce(logged, op=dist.ReduceOp.SUM)
            out["loss"].append(loss.item())
            out["mean_loss"].append(logged.item() / world_size)
            step += 1
            if step == 5:
                break
        if step == 5:
            break
    out["final"] = [p.detach().numpy().copy() for p in ddp.module.parameters()]
    if rank == 0:
        torch.save(ddp.module.state_dict(), os.path.join(out_dir, f"ckpt_{backend}.pt"))
    dist.barrier()
    back = torch.load(os.path.join(out_dir, f"ckpt_{backend}.pt"))
    out["reloaded"] = [v.numpy().copy() for v in back.values()]
    with open(os.path.join(out_dir, f"{backend}_{rank}.pkl"), "wb") as f:
        pickle.dump(out, f)
    dist.barrier()                  # both ranks have written before either tears its group down
    dist.destroy_process_group()
    if backend == "torch":
        # torch's gloo threads can abort the process in C++ static destructors at interpreter exit
        # ("terminate called without an active exception", SIGABRT; one CI run in ~30).  The results
        # are written, so leave without running them.
        os._exit(0)


def collectives(torch, dist, rank, world_size):
    """Each collective on rank-dependent float32 values (exact on both backends) or its error."""
    vals = np.random.default_rng(10 + rank).standard_normal(5).astype(np.float32)
    res = {}

    def mine():
        return torch.from_numpy(vals.copy())

    def record(name, fn):
        try:
            got = fn()
            res[name] = [np.asarray(g.numpy()).copy() if hasattr(g, "numpy") else g for g in got]
        except Exception as e:       # noqa: BLE001 - the error is the result to compare
            res[name] = (type(e).__name__, str(e).split("\nException raised from")[0])

    for op in ("SUM", "PRODUCT", "MIN", "MAX", "AVG"):
        def reduced(op=op):
            t = mine()
            dist.all_reduce(t, op=getattr(dist.ReduceOp, op))
            return [t]
        record("all_reduce_" + op, reduced)

    def bcast():
        t = mine()
        dist.broadcast(t, src=1)
        return [t]

    def gather_all():
        lst = [torch.zeros(5) for _ in range(world_size)]
        dist.all_gather(lst, mine())
        big = torch.zeros(5 * world_size)
        dist.all_gather_into_tensor(big, mine())
        return lst + [big]

    def reduce_to_0():
        t = mine()
        dist.reduce(t, dst=0)
        return [t]

    def gather_scatter():
        lst = [torch.zeros(5) for _ in range(world_size)] if rank == 0 else None
        dist.gather(mine(), lst, dst=0)
        o = torch.zeros(5)
        dist.scatter(o, [mine() * (i + 1) for i in range(world_size)] if rank == 0 else None, src=0)
        return (lst or []) + [o]

    def p2p():
        t = mine()
        if rank == 0:
            dist.send(t, dst=1)
            return [t]
        who = dist.recv(t, src=0)
        return [t, who]

    def objects():
        lst = [None] * world_size
        dist.all_gather_object(lst, {"rank": rank})
        b = [rank, "x"] if rank == 0 else [None, None]
        dist.broadcast_object_list(b, src=0)
        return [lst, b, dist.get_rank(), dist.get_world_size(), dist.get_backend(), dist.is_initialized()]

    for name, fn in (("broadcast", bcast), ("all_gather", gather_all), ("reduce", reduce_to_0),
                     ("gather_scatter", gather_scatter), ("p2p", p2p), ("objects", objects)):
        record(name, fn)
    dist.barrier()
    return res


def fail(rank, message):
    if rank == 1:
        raise ValueError(message)
