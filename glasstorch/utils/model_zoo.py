"""``torch.utils.model_zoo``: the old home of ``load_url``, kept as an alias of
``torch.hub.load_state_dict_from_url`` (torchvision still imports ``tqdm`` from here)."""
from ..hub import load_state_dict_from_url as load_url, tqdm  # noqa: F401
