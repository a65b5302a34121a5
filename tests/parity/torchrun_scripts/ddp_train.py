"""The ddp-tutorial-series' multigpu_torchrun.py on CPU: gloo, DistributedSampler, snapshots.

Run as ``torchrun --nproc-per-node=2 ddp_train.py OUT_DIR``; each rank writes what it saw to
OUT_DIR/rank<R>.txt (printing to one shared terminal would interleave the ranks' lines).
"""
import os
import sys

import torch
import torch.nn.functional as F
from torch.distributed import destroy_process_group, init_process_group
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, Dataset
from torch.utils.data.distributed import DistributedSampler


class MyTrainDataset(Dataset):
    def __init__(self, size):
        g = torch.Generator().manual_seed(0)
        self.data = [(torch.rand(20, generator=g), torch.randint(0, 3, (), generator=g)) for _ in range(size)]

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        return self.data[index]


def main(out_dir):
    init_process_group(backend="gloo")
    rank = int(os.environ["RANK"])
    lines = [f"env: rank={os.environ['RANK']} local_rank={os.environ['LOCAL_RANK']} "
             f"world={os.environ['WORLD_SIZE']} local_world={os.environ['LOCAL_WORLD_SIZE']} "
             f"group_rank={os.environ['GROUP_RANK']} role={os.environ['ROLE_NAME']} "
             f"restarts={os.environ['TORCHELASTIC_RESTART_COUNT']} omp={os.environ.get('OMP_NUM_THREADS')}",
             f"dist: rank={torch.distributed.get_rank()} world={torch.distributed.get_world_size()} "
             f"backend={torch.distributed.get_backend()} elastic={torch.distributed.is_torchelastic_launched()}"]
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(20, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    ddp = DDP(model)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.1)
    data = DataLoader(MyTrainDataset(64), batch_size=8, sampler=DistributedSampler(MyTrainDataset(64)))
    snapshot = os.path.join(out_dir, "snapshot.pt")
    for epoch in range(3):
        data.sampler.set_epoch(epoch)
        for step, (x, y) in enumerate(data):
            opt.zero_grad()
            loss = F.cross_entropy(ddp(x), y)
            loss.backward()
            opt.step()
            lines.append(f"epoch {epoch} step {step} y={y.tolist()} loss={loss.item():.5f}")
        if rank == 0:
            torch.save({"MODEL_STATE": ddp.module.state_dict(), "EPOCHS_RUN": epoch}, snapshot)
        torch.distributed.barrier()
    state = torch.load(snapshot)
    lines.append(f"snapshot epoch {state['EPOCHS_RUN']} keys {list(state['MODEL_STATE'])}")
    lines.append("weight " + " ".join(f"{v:.5f}" for v in ddp.module[2].weight.flatten().tolist()))
    t = torch.tensor([float(rank + 1)])
    torch.distributed.all_reduce(t)
    lines.append(f"all_reduce {t.item()}")
    with open(os.path.join(out_dir, f"rank{rank}.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1])
    # leave without C++ static destructors: torch's gloo threads sometimes abort in them at exit
    # ("terminate called without an active exception"), as tests/parity/_ddp_worker.py notes
    os._exit(0)
