"""``SubgraphMatcher``: find every place a small pattern ``Graph`` occurs in a bigger one.

The pattern's "anchors" are its sinks (nodes whose only user is the output).  Each target node
that equals an anchor (same op and target) starts a walk backwards through ``args`` in both graphs
at once; pattern placeholders are wildcards that bind to whatever target value sits there (the same
placeholder must bind the same value each time).  With several anchors, candidates are combined by
backtracking.  A match is kept only if it is self-contained (inner nodes have no users outside the
match) and, with ``remove_overlapping_matches``, if it shares no compute node with an earlier match.
"""
import copy
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ...node import Node

__all__ = ["InternalMatch", "SubgraphMatcher"]


@dataclass
class InternalMatch:
    anchors: list
    nodes_map: dict = field(default_factory=dict)   # pattern node -> graph node
    placeholder_nodes: list = field(default_factory=list)
    returning_nodes: list = field(default_factory=list)
    name_node_map: dict = field(default_factory=dict)

    def __copy__(self):
        return InternalMatch(anchors=self.anchors, nodes_map=self.nodes_map.copy(),
                             placeholder_nodes=self.placeholder_nodes.copy(),
                             returning_nodes=self.returning_nodes.copy())


class SubgraphMatcher:
    def __init__(self, pattern, match_output=False, match_placeholder=False, remove_overlapping_matches=True,
                 ignore_literals=False):
        self.pattern = pattern
        self.match_output = match_output
        self.match_placeholder = match_placeholder
        self.remove_overlapping_matches = remove_overlapping_matches
        self.ignore_literals = ignore_literals
        if len(pattern.nodes) == 0:
            raise ValueError("SubgraphMatcher cannot be initialized with an empty pattern")
        for node in pattern.nodes:
            if node.op != "output" and not node.is_impure() and len(node.users) == 0:
                raise AssertionError("SubgraphMatcher cannot be initialized with an pattern with dead code")
        self.pattern_placeholder_nodes = [n for n in pattern.nodes if n.op == "placeholder"]
        output_node = next(iter(reversed(pattern.nodes)))
        self.pattern_returning_nodes = output_node.all_input_nodes
        if match_output:
            self.pattern_anchors = [output_node]
        else:
            self.pattern_anchors = [n for n in output_node.all_input_nodes if len(n.users) == 1]

    def _nodes_are_equal(self, pn, gn, node_name_match=""):
        if not self.match_placeholder and pn.op == "placeholder":
            return True
        if node_name_match and node_name_match in gn.name:
            return True
        if pn.op != gn.op:
            return False
        if pn.op in ("placeholder", "output"):
            return True
        if pn.op == "get_attr":   # any tensor attribute matches any tensor attribute
            pv = _fetch(pn.graph.owning_module, pn.target)
            gv = _fetch(gn.graph.owning_module, gn.target)
            return type(pv) is type(gv)
        return pn.target == gn.target

    def _match_literals(self, pn, gn, match):
        if isinstance(pn, Node):          # a placeholder may stand for a literal
            if pn.op != "placeholder":
                return False
            if pn in match.nodes_map:
                return match.nodes_map[pn] == gn
            match.nodes_map[pn] = gn
            return True
        if isinstance(gn, Node):
            return False
        return type(gn) is type(pn) and gn == pn

    def _match_nodes(self, pn, gn, match, node_name_match=""):
        """Walk ``pn`` and ``gn`` backwards together, recording pairs in ``match.nodes_map``."""
        if pn in match.nodes_map:
            return match.nodes_map[pn] == gn
        if gn in match.nodes_map.values():
            return False
        if not self._nodes_are_equal(pn, gn, node_name_match):
            return False
        match.nodes_map[pn] = gn
        if pn.op == "placeholder":
            return True
        if len(pn.args) != len(gn.args) or list(pn.kwargs) != list(gn.kwargs):
            return False
        return self._match_args([*pn.args, *pn.kwargs.values()], [*gn.args, *gn.kwargs.values()], match)

    def _match_args(self, args1, args2, match):
        if len(args1) != len(args2):
            return False
        for a1, a2 in zip(args1, args2):
            if isinstance(a1, Node) and isinstance(a2, Node):
                ok = self._match_nodes(a1, a2, match)
            elif isinstance(a1, (list, tuple)) and isinstance(a2, (list, tuple)):
                ok = self._match_args(a1, a2, match)
            else:
                ok = self._match_literals(a1, a2, match) or self.ignore_literals
            if not ok:
                return False
        return True

    def _is_contained(self, nodes_map):
        inner = {gn: pn for pn, gn in nodes_map.items() if pn.op != "placeholder"}
        return all(pn in self.pattern_returning_nodes or all(u in inner for u in gn.users)
                   for gn, pn in inner.items())

    def _remove_overlapping_matches(self, matches):
        kept, used = [], set()
        for m in matches:
            compute = [gn for pn, gn in m.nodes_map.items() if pn.op not in ("placeholder", "output")]
            if not any(gn in used for gn in compute):
                kept.append(m)
                used.update(compute)
        return kept

    def match(self, graph, node_name_match=""):
        candidates = defaultdict(list)
        for anchor in self.pattern_anchors:
            candidates[anchor] = [n for n in graph.nodes if self._nodes_are_equal(anchor, n, node_name_match)]
        candidates = [(a, c) for a, c in candidates.items() if c]
        matches = []

        def backtrack(i, match):
            if i == len(candidates):
                match.placeholder_nodes = [match.nodes_map[pn] for pn in self.pattern_placeholder_nodes]
                match.returning_nodes = [match.nodes_map[pn] for pn in self.pattern_returning_nodes]
                matches.append(match)
                return
            anchor, nodes = candidates[i]
            for node in nodes:
                trial = copy.copy(match)
                if self._match_nodes(anchor, node, trial, node_name_match):
                    backtrack(i + 1, trial)

        if candidates:
            backtrack(0, InternalMatch(anchors=self.pattern_anchors))
        matches = [m for m in matches if self._is_contained(m.nodes_map)]
        matches = [m for m in matches if _no_cycle(m)]
        return self._remove_overlapping_matches(matches) if self.remove_overlapping_matches else matches


def _no_cycle(match):
    """True unless some path leaves the matched compute nodes and comes back (fusing would cycle)."""
    inside = {gn for pn, gn in match.nodes_map.items() if pn.op not in ("placeholder", "output")}
    seen, stack = set(), [u for n in inside for u in n.users if u not in inside]
    while stack:
        n = stack.pop()
        if n in inside:
            return False
        if n not in seen:
            seen.add(n)
            stack.extend(n.users)
    return True


def _fetch(module, target):
    obj = module
    for part in target.split("."):
        obj = getattr(obj, part)
    return obj
