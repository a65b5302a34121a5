"""``torch.utils.data.dataloader._BaseDataLoaderIter``: what both of a DataLoader's iterators are.

Libraries type-check against it or extend it (PyTorch Geometric's ``DataLoaderIterator`` wraps one);
glasstorch's two iterators (``_SingleProcessIter``, ``_workers.WorkersIter``) derive from it.
"""


class _BaseDataLoaderIter:
    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader._index_sampler)

    def __getstate__(self):
        # (torch's message, format braces and all: it passes the class name as a second argument)
        raise NotImplementedError("{} cannot be pickled", self.__class__.__name__)
