"""``glasstorch lab site`` (``make site``): the labs as a static website, built with MkDocs Material.

Each lab becomes a page: its TOML front matter becomes the page's title (YAML metadata that MkDocs
reads), each ```text block is shown as the output of the cell above it, figures sit where the lab
puts them, and the page opens with a link to download the lab as a notebook.  The sources are
generated into ``<output>-src`` next to the built site; ``mkdocs.yml`` at the top of the checkout
holds the theme and Markdown settings, and ``site/`` the hand-written pages and stylesheet.
"""
import json
import os
import re
import shutil
import subprocess
import sys

from .. import _cells
from . import labs_dir, list_labs, split_front_matter
from . import notebook


def page_markdown(lab):
    """The lab's Markdown as an MkDocs page."""
    with open(lab.path, encoding="utf-8") as f:
        text = f.read()
    meta, body = split_front_matter(text)
    out = ["---", f"title: {json.dumps(meta.get('title', lab.title))}", "---", "",
           f"[Download this lab as a notebook](notebooks/{lab.stem}.ipynb){{ .md-button .lab-notebook }}",
           "", "*Every cell below is plain PyTorch and prints the same on PyTorch 2.13 and on glasstorch "
           f"(`glasstorch lab run {lab.number}`).*", ""]
    pos = 0
    for m in _cells.FENCE.finditer(body):
        out.append(_prose(body[pos:m.start()]))
        if m.group(1) == "text":
            out.append('<div class="lab-output" markdown>\n\n```text\n' + m.group(2) + "```\n\n</div>")
        else:
            out.append(m.group(0))
        pos = m.end()
    out.append(_prose(body[pos:]))
    return "\n".join(out)


def _prose(md):
    # Hugo needs `\\(` to get `\(` past its Markdown; Python-Markdown's arithmatex reads `\(` itself
    return md.replace("\\\\(", "\\(").replace("\\\\)", "\\)").replace("\\\\[", "\\[").replace("\\\\]", "\\]")


def generate(src):
    """Write the MkDocs sources into ``src``: the hand-written pages, one page per lab, the
    figures and a notebook per lab."""
    labs = list_labs()
    if os.path.isdir(src):
        shutil.rmtree(src)
    hand = os.path.join(labs_dir(), "..", "site")
    if os.path.isdir(hand):
        shutil.copytree(hand, src)
    os.makedirs(os.path.join(src, "notebooks"), exist_ok=True)
    figures = os.path.join(labs_dir(), "figures")
    if os.path.isdir(figures):
        shutil.copytree(figures, os.path.join(src, "figures"), dirs_exist_ok=True)
    with open(os.path.join(src, "index.md"), "a", encoding="utf-8") as f:
        f.write("\n## The labs\n\n" + "".join(f"- [{lab.title}]({lab.stem}.md)\n" for lab in labs))
    for lab in labs:
        with open(os.path.join(src, f"{lab.stem}.md"), "w", encoding="utf-8") as f:
            f.write(page_markdown(lab))
        notebook.write(lab, os.path.join(src, "notebooks", f"{lab.stem}.ipynb"))
    return labs


def build(output=os.path.join("build", "site")):
    """Generate the sources and run ``mkdocs build``; returns the exit status."""
    config = os.path.normpath(os.path.join(labs_dir(), "..", "mkdocs.yml"))
    if not os.path.exists(config):
        raise SystemExit("mkdocs.yml not found: the site is built from a source checkout")
    output = os.path.abspath(output)
    src = output.rstrip("/") + "-src"
    labs = generate(src)
    with open(config, encoding="utf-8") as f:
        settings = f.read()
    # the checked-in mkdocs.yml names build/site-src; a site built elsewhere gets its own copy
    generated = os.path.join(os.path.dirname(src), "mkdocs-generated.yml")
    settings = re.sub(r"(?m)^docs_dir:.*$", f"docs_dir: {json.dumps(src)}", settings)
    settings = re.sub(r"(?m)^site_dir:.*$", f"site_dir: {json.dumps(output)}", settings)
    with open(generated, "w", encoding="utf-8") as f:
        f.write(settings)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", generated], env=env)
    if r.returncode == 0:
        print(f"site with {len(labs)} labs written to {output}/ (open {os.path.join(output, 'index.html')})")
    return r.returncode
