"""Where the labs live, and what each one is called.

A lab is ``labs/NN-slug.md``: TOML front matter between ``+++`` lines, then prose with ```python
cells, each followed by the ```text block it shows (see ``glasstorch/_cells.py``).  In a source
checkout the labs are the repository's ``labs/`` folder; an installed package carries a copy as
package data (``glasstorch/_labs/data``); ``GLASSTORCH_LABS`` points anywhere else.
"""
import os
import re

_HERE = os.path.dirname(os.path.abspath(__file__))
_NAME = re.compile(r"^(\d\d)-([\w-]+)\.md$")


def labs_dir():
    """The folder holding the labs: $GLASSTORCH_LABS, the checkout's labs/, or the packaged copy."""
    candidates = [os.environ.get("GLASSTORCH_LABS"),
                  os.path.join(_HERE, "..", "..", "labs"),
                  os.path.join(_HERE, "data")]
    for path in candidates:
        if path and os.path.isdir(path) and any(_NAME.match(n) for n in os.listdir(path)):
            return os.path.normpath(path)
    raise FileNotFoundError("no labs found: set GLASSTORCH_LABS to a folder of NN-slug.md labs")


class Lab:
    __slots__ = ("number", "slug", "path", "meta")

    def __init__(self, path):
        m = _NAME.match(os.path.basename(path))
        self.number, self.slug, self.path = m.group(1), m.group(2), path
        with open(path, encoding="utf-8") as f:
            self.meta, _ = split_front_matter(f.read())

    @property
    def stem(self):
        return f"{self.number}-{self.slug}"

    @property
    def title(self):
        return self.meta.get("title", self.slug.replace("-", " ").capitalize())

    def __repr__(self):
        return f"Lab({self.number!r}, {self.title!r})"


def list_labs(folder=None):
    folder = folder or labs_dir()
    return [Lab(os.path.join(folder, n)) for n in sorted(os.listdir(folder)) if _NAME.match(n)]


def find_lab(key, folder=None):
    """A lab by number (``1``, ``01``), by slug, or by file path."""
    if os.path.isfile(key):
        return Lab(key)
    for lab in list_labs(folder):
        if key.lstrip("0") == lab.number.lstrip("0") or key in (lab.slug, lab.stem):
            return lab
    names = ", ".join(lab.number for lab in list_labs(folder))
    raise SystemExit(f"no lab {key!r}; the labs are {names} (see `glasstorch labs`)")


def split_front_matter(text):
    """(meta dict, body) for a document that opens with TOML front matter between ``+++`` lines."""
    m = re.match(r"\+\+\+[ \t]*\n(.*?)\n\+\+\+[ \t]*\n", text, re.S)
    if not m:
        return {}, text
    try:
        import tomllib
        meta = tomllib.loads(m.group(1))
    except ImportError:                      # Python 3.10: the labs use only `key = value` lines
        import ast
        meta = {}
        for line in m.group(1).splitlines():
            key, sep, value = line.partition("=")
            if sep:
                value = value.strip().replace("true", "True").replace("false", "False")
                meta[key.strip()] = ast.literal_eval(value)
    return meta, text[m.end():]
