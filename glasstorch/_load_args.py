"""torch.load's refusal of ``**pickle_load_args`` its unpickler does not take."""


def reject_pickle_args(extra, weights_only, is_zip):
    """torch hands ``**pickle_load_args`` to the unpickler it builds (zip files) or to
    ``pickle_module.load`` (legacy files), which refuse what they do not take: the weights-only
    Unpickler takes only ``encoding``; pickle's also ``fix_imports``, ``errors`` and ``buffers``
    (accepted here and without effect on the protocol-2 pickles torch.save writes)."""
    if weights_only:
        name = "Unpickler.__init__()" if is_zip else "load()"
        raise TypeError(f"{name} got an unexpected keyword argument '{next(iter(extra))}'")
    bad = [k for k in extra if k not in ("fix_imports", "errors", "buffers")]
    if bad:
        raise TypeError(f"'{bad[0]}' is an invalid keyword argument for {'Unpickler()' if is_zip else 'load()'}")
