"""``Compare``: many Measurements as one table per label, laid out as torch lays them out.

Rows are tasks (``sub_label`` or ``stmt``), grouped by thread count and ``env``; columns are
``description``s; a cell is the median in one unit shared by the table.  A column's number format
comes from its largest value (digits before the point) and, with ``trim_significant_figures()``,
from the fewest significant figures any of its cells supports."""
import collections
import enum

import numpy as np

from . import common

__all__ = ["Colorize", "Compare"]

BEST = "\033[92m"
GOOD = "\033[34m"
BAD = "\033[2m\033[91m"
VERY_BAD = "\033[31m"
BOLD = "\033[1m"
TERMINATE = "\033[0m"


class Colorize(enum.Enum):
    NONE = "none"
    COLUMNWISE = "columnwise"
    ROWWISE = "rowwise"


def _leading_digits(x):
    return int(np.ceil(np.log10(np.float32(x))))       # float32, as torch computes it


class _Column:
    """One description's cells, grouped by thread-count block; knows the number format."""

    def __init__(self, groups, scale, trim, highlight):
        self.groups = groups
        flat = [m for g in groups for m in g]
        self.trim = trim
        self.highlight = highlight and any(m.has_warnings for m in flat if m)
        digits = [(_leading_digits(m.median / scale), m) for m in flat if m]
        before = max(d for d, _ in digits)
        after = min(max(m.significant_figures - d, 0) for d, m in digits) if trim else 1
        width = before + after + (1 if after else 0)
        self.template = f"{{:>{width}.{after}f}}{{:>{7 if self.highlight else 0}}}"

    def cell(self, value, sigfigs, spread):
        if value is None:
            return " " * len(self.cell(1, sigfigs, None))
        if self.trim:
            value = common.trim_sigfig(value, sigfigs)
        note = f" (! {spread * 100:.0f}%)" if self.highlight and spread is not None else ""
        return self.template.format(value, note)


def _paint(text, value, best):
    if value <= best * 1.01 or value <= best + 100e-9:
        return BEST + BOLD + text + TERMINATE * 2
    if value <= best * 1.1:
        return GOOD + BOLD + text + TERMINATE * 2
    if value >= best * 5:
        return VERY_BAD + BOLD + text + TERMINATE * 2
    if value >= best * 2:
        return BAD + text + TERMINATE * 2
    return text


class _Table:
    """The table of one label."""

    def __init__(self, results, colorize, trim, highlight):
        if len({r.label for r in results}) != 1:
            raise AssertionError("All results must share the same label")
        self.results, self.colorize, self.highlight = results, colorize, highlight
        self.label = results[0].label
        self.unit, self.scale = common.select_unit(min(r.median for r in results))
        row_keys = common.ordered_unique([(r.num_threads, r.env, r.as_row_name) for r in results])
        row_keys.sort(key=lambda k: k[:2])            # stable: tasks keep their order within a block
        self.col_keys = common.ordered_unique([r.description for r in results])
        cells = {(r.num_threads, r.env, r.as_row_name, r.description): r for r in results}
        self.grid = [[cells.get(k + (c,)) for c in self.col_keys] for k in row_keys]
        envs = {r.env for r in results}
        self.show_env = len(envs) > 1
        self.env_width = max(len(e) for e in envs) if self.show_env else 0
        # a new block of rows starts where the thread count changes; env is printed where it changes
        self.rows, blocks, prev_threads, prev_env = [], [], -1, ""
        for (threads, env, _), row in zip(row_keys, self.grid):
            new_block = threads != prev_threads
            if new_block:
                prev_threads, prev_env = threads, ""
                blocks.append([])
            self.rows.append((row, len(blocks) - 1, self.show_env and env != prev_env,
                              threads if new_block else None))
            blocks[-1].append(row)
            prev_env = env
        self.columns = [_Column([tuple(row[i] for row in b) for b in blocks], self.scale, trim, highlight)
                        for i in range(len(self.col_keys))]

    def _strings(self, row, show_env):
        first = next(m for m in row if m is not None)
        env = (f"({first.env})" if show_env else "").ljust(self.env_width + 4)
        out = ["  " + env + first.as_row_name]
        for m, col in zip(row, self.columns):
            if m is None:
                out.append(col.cell(None, 1, None))
            else:
                out.append(col.cell(m.median / self.scale, m.significant_figures,
                                    m.iqr / m.median if m.has_warnings else None))
        return out

    def _best(self, row, block, n):
        if self.colorize == Colorize.ROWWISE:
            return [min(m.median for m in row if m is not None)] * n
        if self.colorize == Colorize.COLUMNWISE:
            return [min((m.median for m in col.groups[block] if m is not None), default=None)
                    for col in self.columns]
        return [-1] * n

    def render(self):
        table = [[""] + self.col_keys] + [self._strings(row, env) for row, _, env, _ in self.rows]
        n = max(len(r) for r in table)
        for r in table:
            r.extend([""] * (n - len(r)))
        widths = [max(len(s) for s in col) for col in zip(*table)]
        lines = ["  |  ".join(s.center(w) for s, w in zip(table[0], widths))]
        full = len(lines[0])
        for strings, (row, block, _, threads) in zip(table[1:], self.rows):
            if threads is not None:
                lines.append(f"{threads} threads: ".ljust(full, "-"))
            parts = [strings[0].ljust(widths[0])]
            for s, w, m, best in zip(strings[1:], widths[1:], row, self._best(row, block, len(strings))):
                s = s.center(w)
                if self.colorize != Colorize.NONE and m is not None and best is not None:
                    s = _paint(s, m.median, best)
                parts.append(s)
            lines.append("  |  ".join(parts))
        warn = self.highlight and any(r.has_warnings for r in self.results)
        head = f"[{(' ' + (self.label or '') + ' ').center(full - 2, '-')}]"
        tail = ("(! XX%) Measurement has high variance, where XX is the IQR / median * 100.\n" if warn else "")
        # a blank line before the unit line, as torch prints it
        return "\n".join([head] + lines + ["", f"Times are in {common.unit_to_english(self.unit)}s ({self.unit}).",
                                           tail])


class Compare:
    """Prints Measurements as tables: ``print(Compare(results))`` or ``Compare(results).print()``."""

    def __init__(self, results):
        self._results = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = Colorize.NONE
        self._highlight_warnings = False

    def __str__(self):
        return "\n".join(self._render())

    def extend_results(self, results):
        for r in results:
            if not isinstance(r, common.Measurement):
                raise ValueError(f"Expected an instance of `Measurement`, got {type(r)} instead.")
        self._results.extend(results)

    def trim_significant_figures(self):
        self._trim_significant_figures = True

    def colorize(self, rowwise=False):
        self._colorize = Colorize.ROWWISE if rowwise else Colorize.COLUMNWISE

    def highlight_warnings(self):
        self._highlight_warnings = True

    def print(self):
        print(str(self))

    def _render(self):
        by_label = collections.defaultdict(list)
        for r in common.Measurement.merge(self._results):
            by_label[r.label].append(r)
        return [_Table(g, self._colorize, self._trim_significant_figures, self._highlight_warnings).render()
                for g in by_label.values()]


