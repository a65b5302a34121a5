"""``%load_ext glasstorch`` in IPython or Jupyter: from then on ``import torch`` gives glasstorch.

Load it before the notebook's first ``import torch`` (``install_as_torch`` refuses to swap a torch
that is already imported, rather than mixing the two).
"""


def load_ipython_extension(ipython):
    from ._shim import install_as_torch
    install_as_torch()
    print("import torch now gives glasstorch")


def unload_ipython_extension(ipython):
    from ._shim import uninstall_as_torch
    uninstall_as_torch()
