"""torch.utils._pytree parity (glasstorch.utils._pytree): flatten/unflatten, TreeSpec printing and
equality, tree_map over several trees, key paths, registered containers and the errors."""
import collections
import dataclasses

import numpy as np
import pytest
import torch
import torch.utils._pytree as th_pytree
from hypothesis import given, settings, strategies as st

import glasstorch
import glasstorch.utils._pytree as gt_pytree

PAIRS = ((torch, th_pytree), (glasstorch, gt_pytree))
Pair = collections.namedtuple("Pair", ["first", "second"])

leaves = st.one_of(st.integers(-5, 5), st.text("ab", max_size=2), st.none(), st.floats(-2, 2, allow_nan=False))
trees = st.recursive(leaves, lambda kids: st.one_of(
    st.lists(kids, max_size=3), st.tuples(kids, kids), st.dictionaries(st.sampled_from("xyz"), kids, max_size=3),
    st.builds(Pair, kids, kids), st.lists(kids, max_size=2).map(collections.deque),
    st.dictionaries(st.sampled_from("pq"), kids, max_size=2).map(collections.OrderedDict)), max_leaves=8)


@settings(max_examples=200, deadline=None)
@given(trees)
def test_flatten_unflatten_and_spec_repr(tree):
    out = []
    for _, p in PAIRS:
        ls, spec = p.tree_flatten(tree)
        back = p.tree_unflatten(list(range(len(ls))), spec)
        out.append((ls, repr(spec), str(spec), spec.num_leaves, spec.num_nodes, spec.num_children,
                    repr(back), p.treespec_pprint(spec), spec == p.tree_structure(tree),
                    [(p.keystr(k), v) for k, v in p.tree_leaves_with_path(tree)], p.tree_leaves(tree)))
    assert out[0] == out[1]


def test_specs_of_tensors_and_return_types():
    def run(t, p):
        x = t.tensor([[1.0, 5.0], [7.0, 2.0]])
        ls, sp = p.tree_flatten({"a": [x, 1], "m": x.max(dim=1)})
        rebuilt = p.tree_unflatten([t.zeros(1), 2, t.ones(2), t.ones(2, dtype=t.long)], sp)
        doubled = p.tree_map_only(t.Tensor, lambda v: v * 2, {"s": t.sort(t.tensor([3, 1]))})
        return repr(sp), repr(rebuilt), repr(doubled), [type(v).__name__ for v in ls]
    assert run(torch, th_pytree) == run(glasstorch, gt_pytree)


def test_tree_map_over_several_trees_and_helpers():
    def run(t, p):
        cnt = []
        return (p.tree_map(lambda a, b: a + b, {"x": 1, "y": [2, 3]}, {"y": [20, 30], "x": 10}),
                p.tree_map(lambda a, b: (a, b), [1, 2], [[5, 6], (7,)]),
                p.tree_map_(cnt.append, [1, (2, 3)]), cnt,
                p.tree_all(lambda v: v > 0, [1, (2, 3)]), p.tree_any(lambda v: v > 2, {"a": [1, 2]}),
                p.tree_all_only(int, lambda v: v > 0, [1, "s", -0.5]), p.tree_any_only(str, lambda v: v == "s", [1]),
                p.tree_map(p.map_only(int)(lambda v: v * v), [2, "two", 3.0]),
                p.tree_map_with_path(lambda kp, v: p.keystr(kp), {"a": [1, Pair(2, 3)], "b": 3}),
                p.tree_is_leaf((1, 2), is_leaf=lambda v: isinstance(v, tuple)), p.tree_is_leaf(None),
                repr(p.treespec_tuple([p.treespec_leaf(), p.treespec_dict(a=p.treespec_leaf())])),
                p.tree_flatten([1, [2, 3]], is_leaf=lambda v: isinstance(v, list) and len(v) == 2)[0],
                p._broadcast_to_and_flatten(5, p.tree_structure([1, (2, 3)])),
                p._broadcast_to_and_flatten([1, 2], p.tree_structure([1, (2, 3)])),
                p._broadcast_to_and_flatten([1, 2, 3], p.tree_structure([1, (2, 3)])),
                hash(p.tree_structure({"a": [1]})) == hash(p.tree_structure({"a": [2]})))
    assert run(torch, th_pytree) == run(glasstorch, gt_pytree)


@pytest.mark.parametrize("case", [
    lambda p: p.tree_unflatten([1, 2], p.tree_structure([1, 2, 3])),
    lambda p: p.tree_map(lambda a, b: a, {"x": 1}, {"y": 2}),
    lambda p: p.tree_map(lambda a, b: a, [1, 2], (1, 2)),
    lambda p: p.tree_map(lambda a, b: a, [1, 2], [1, 2, 3]),
    lambda p: p.tree_map(lambda a, b: a, Pair(1, 2), (1, 2)),
    lambda p: p.tree_unflatten([1], [2]),
    lambda p: p.treespec_tuple([1]),
    lambda p: p.register_pytree_node(list, lambda v: (v, None), lambda v, c: v),
    lambda p: p.register_dataclass(int),
    lambda p: p.map_only(3),
])
def test_errors(case):
    got = []
    for _, p in PAIRS:
        with pytest.raises(Exception) as info:
            case(p)
        got.append((type(info.value).__name__, str(info.value)))
    assert got[0] == got[1]


def test_registered_dataclass_and_custom_node():
    def run(t, p):
        @dataclasses.dataclass
        class Batch:
            x: object
            y: object
            note: object = None

        class Point:
            def __init__(self, x, y, label):
                self.x, self.y, self.label = x, y, label

            def __repr__(self):
                return f"Point({self.x!r}, {self.y!r}, {self.label!r})"

        p.register_dataclass(Batch)
        p.register_pytree_node(Point, lambda q: ([q.x, q.y], q.label), lambda v, c: Point(v[0], v[1], c),
                               flatten_with_keys_fn=lambda q: ([(p.GetAttrKey("x"), q.x), (p.GetAttrKey("y"), q.y)],
                                                               q.label))
        b = Batch(t.arange(3.0), [1, 2])
        ls, sp = p.tree_flatten(b)
        b2 = p.tree_map(lambda v: v + 1, b)
        pt = Point(t.tensor(1.0), [2, 3], "p")
        ls2, sp2 = p.tree_flatten(pt)
        out = (len(ls), repr(sp).replace(".<locals>", ""), repr(b2.x), b2.y, b2.note, repr(ls2),
               repr(sp2), repr(p.tree_map(lambda v: v * 10, pt)), p.treespec_pprint(sp2),
               [p.keystr(k) for k, _ in p.tree_leaves_with_path(pt)], repr(p.tree_flatten_with_path(b)[0][1][0]))
        try:
            p.register_dataclass(Batch, field_names=["x"])
        except ValueError as e:
            out += (str(e).replace(".<locals>", ""),)
        return out
    assert run(torch, th_pytree) == run(glasstorch, gt_pytree)


def test_tree_map_moves_a_batch_to_another_dtype_and_detaches():
    def run(t, p):
        t.manual_seed(0)
        w = t.ones(2, requires_grad=True)
        batch = {"x": [t.randn(2), w * 2], "meta": ("id", 3), "y": t.arange(2)}
        moved = p.tree_map(lambda v: v.double() if isinstance(v, t.Tensor) and v.is_floating_point() else v, batch)
        det = p.tree_map_only(t.Tensor, t.Tensor.detach, batch)
        return ([str(v.dtype) for v in p.tree_leaves(moved) if isinstance(v, t.Tensor)],
                [v.requires_grad for v in p.tree_leaves(det) if isinstance(v, t.Tensor)],
                np.asarray(moved["x"][0]).tolist(), moved["meta"])
    assert run(torch, th_pytree) == run(glasstorch, gt_pytree)
