"""What each process of the 2-process ZeroRedundancyOptimizer parity test (test_real_rg.py) runs.

It imports only the backend it is given.  Both ranks start from the same weights, compute gradients
on their own data, average them with all_reduce, and take AdamW steps through ZeRO: each rank
updates only its shard and the owners broadcast the new values.  It writes the shard sizes, the
group options it sees, the weights after every step and (rank 0) the consolidated state_dict to ``out_dir``.
"""
import os
import pickle

import numpy as np


def run(rank, backend, world_size, init_method, out_dir):
    if backend == "torch":
        import torch
        import torch.distributed as dist
        from torch.distributed.optim import ZeroRedundancyOptimizer
    else:
        import glasstorch as torch
        import glasstorch.distributed as dist
        from glasstorch.distributed.optim import ZeroRedundancyOptimizer
    dist.init_process_group("gloo", init_method=init_method, rank=rank, world_size=world_size)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3))
    decay = [p for p in model.parameters() if p.dim() == 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    opt = ZeroRedundancyOptimizer([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                                  optimizer_class=torch.optim.AdamW, lr=0.05, betas=(0.9, 0.95))
    data = np.random.default_rng(10 + rank)
    out = {"shards": [[tuple(p.shape) for p in g["params"]] for g in opt.optim.param_groups],
           "groups": len(opt.param_groups), "lr": opt.param_groups[0]["lr"], "steps": []}
    for step in range(4):
        for g in opt.param_groups:
            g["lr"] = 0.05 / (step + 1)          # a scheduler writes the wrapper's groups
        x = torch.from_numpy(data.standard_normal((8, 6)).astype(np.float32))
        opt.zero_grad()
        model(x).pow(2).mean().backward()
        for p in model.parameters():
            dist.all_reduce(p.grad)
            p.grad /= world_size
        opt.step()
        out["steps"].append([p.detach().numpy().copy() for p in model.parameters()])
    opt.consolidate_state_dict(to=0)
    if rank == 0:
        sd = opt.state_dict()
        out["state"] = {i: {k: (v.numpy().copy() if hasattr(v, "numpy") else v) for k, v in st.items()}
                        for i, st in sd["state"].items()}
        out["group_params"] = [g["params"] for g in sd["param_groups"]]
    dist.destroy_process_group()
    with open(os.path.join(out_dir, f"{backend}_{rank}.pkl"), "wb") as f:
        pickle.dump(out, f)
