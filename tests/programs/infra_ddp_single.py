"""PyTorch's "Getting Started with Distributed Data Parallel" tutorial, on CPU with the gloo backend and a
world of one process: setup through env://, a DistributedSampler shard, a DDP-wrapped model trained
a few epochs, collectives for logging, a checkpoint saved by rank 0 and loaded back after a barrier."""
import os
import socket
import tempfile

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.optim as optim
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup(rank, world_size):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(free_port())
    os.environ["RANK"] = str(rank)
    os.environ["WORLD_SIZE"] = str(world_size)
    dist.init_process_group("gloo", init_method="env://")


def cleanup():
    dist.destroy_process_group()


class ToyModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.net1 = nn.Linear(10, 10)
        self.relu = nn.ReLU()
        self.net2 = nn.Linear(10, 5)

    def forward(self, x):
        return self.net2(self.relu(self.net1(x)))


def demo_basic(rank, world_size):
    print(f"Running basic DDP example on rank {rank}.")
    setup(rank, world_size)
    print("initialized:", dist.is_initialized(), "| backend:", dist.get_backend(),
          "| rank", dist.get_rank(), "of", dist.get_world_size())

    torch.manual_seed(0)
    X = torch.randn(24, 10)
    Y = torch.randn(24, 5)
    dataset = TensorDataset(X, Y)
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=1)
    loader = DataLoader(dataset, batch_size=6, sampler=sampler)
    print("sampler:", len(sampler), "samples; epoch 0 order:", list(sampler))

    model = ToyModel()
    ddp_model = DDP(model)
    print(ddp_model)
    print("state_dict keys:", list(ddp_model.state_dict().keys()))
    loss_fn = nn.MSELoss()
    optimizer = optim.SGD(ddp_model.parameters(), lr=0.05)

    for epoch in range(3):
        sampler.set_epoch(epoch)
        total = torch.zeros(1)
        for step, (xb, yb) in enumerate(loader):
            optimizer.zero_grad()
            if step % 2 == 0:              # accumulate one batch locally before the synced one
                with ddp_model.no_sync():
                    loss_fn(ddp_model(xb), yb).backward()
            loss = loss_fn(ddp_model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.detach()
        dist.all_reduce(total, op=dist.ReduceOp.SUM)
        print(f"epoch {epoch}: mean loss {total.item() / len(loader) / world_size:.4f}")

    counts = torch.tensor([rank + 1, 10 * (rank + 1)])
    dist.all_reduce(counts, op=dist.ReduceOp.MAX)
    gathered = [torch.zeros(2, dtype=torch.int64) for _ in range(world_size)]
    dist.all_gather(gathered, counts)
    objects = [None] * world_size
    dist.all_gather_object(objects, {"rank": rank, "steps": len(loader)})
    print("all_reduce MAX:", counts.tolist(), "| all_gather:", [g.tolist() for g in gathered], "| objects:", objects)

    checkpoint = os.path.join(tempfile.mkdtemp(), "model.checkpoint")
    if rank == 0:
        torch.save(ddp_model.state_dict(), checkpoint)
    dist.barrier()
    fresh = DDP(ToyModel())
    fresh.load_state_dict(torch.load(checkpoint, map_location={"cuda:0": "cpu"}))
    same = all(torch.equal(a, b) for a, b in zip(fresh.parameters(), ddp_model.parameters()))
    print("checkpoint reloaded equal:", same)
    with torch.no_grad():
        print("prediction:", [round(v, 3) for v in fresh(X[:2]).sum(1).tolist()])
    cleanup()
    print("initialized after cleanup:", dist.is_initialized())


if __name__ == "__main__":
    demo_basic(0, 1)
