"""torch's warning when a DataLoader asks for more worker processes than this process may run on CPUs:
given at construction and each time a worker iterator is made (once for persistent workers), with
torch's text; none for num_workers within the CPU count or 0."""
import os
import warnings

import numpy as np
import pytest

from ._helpers import MODS

CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _story(m, workers, persistent):
    ds = m.utils.data.TensorDataset(m.from_numpy(np.arange(8.)))
    out = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loader = m.utils.data.DataLoader(ds, batch_size=4, num_workers=workers, persistent_workers=persistent)
        out.append([(w.category.__name__, str(w.message)) for w in caught])
        for _ in range(2):                   # two epochs
            del caught[:]
            batches = [b[0].tolist() for b in loader]
            out.append(([(w.category.__name__, str(w.message)) for w in caught], batches))
    return out


@pytest.mark.parametrize("workers,persistent", [(0, False), (1, False), (CPUS, False), (CPUS + 3, False),
                                                (CPUS + 1, True)])
def test_worker_number_warning(workers, persistent):
    want = _story(MODS[0], workers, persistent)
    if workers > CPUS:
        assert want[0] and "worker processes in total" in want[0][0][1]   # the case shows the warning
    assert _story(MODS[1], workers, persistent) == want
