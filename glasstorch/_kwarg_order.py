"""The order in which torch's "invalid combination of arguments" TypeError lists keyword arguments.

torch's C++ ``format_invalid_args`` copies the call's keywords into a ``std::unordered_map<std::string,
PyObject*>`` and prints them by iterating that map, so the order is libstdc++'s hash-table order, not
the call's.  This module replays that table: ``std::hash<std::string>`` (``_Hash_bytes``, a MurmurHash2
variant with seed 0xc70f6907), 13 buckets from the first insertion on (the prime rehash policy asks for
at least 11), and libstdc++'s singly linked node list, where a node whose bucket is empty goes to the
front of the list and a node whose bucket is taken goes right after that bucket's predecessor node.
With no shared bucket that is simply the reverse of the insertion order.
"""
_M64 = (1 << 64) - 1
_MUL = (0xc6a4a793 << 32) + 0x5bd1e995
_SEED = 0xc70f6907
_FAST_BKT = (2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13)


def _shift_mix(v):
    return v ^ (v >> 47)


def std_hash(s):
    """libstdc++'s ``std::hash<std::string>`` on a 64-bit platform (``_Hash_bytes``)."""
    buf = s.encode()
    n = len(buf)
    h = (_SEED ^ (n * _MUL)) & _M64
    aligned = n & ~7
    for i in range(0, aligned, 8):
        data = (_shift_mix((int.from_bytes(buf[i:i + 8], "little") * _MUL) & _M64) * _MUL) & _M64
        h = ((h ^ data) * _MUL) & _M64
    if n & 7:
        h = ((h ^ int.from_bytes(buf[aligned:], "little")) * _MUL) & _M64
    h = (_shift_mix(h) * _MUL) & _M64
    return _shift_mix(h)


def _next_bucket_count(n):
    """_Prime_rehash_policy::_M_next_bkt for the small sizes a call's keywords reach."""
    if n < len(_FAST_BKT):
        return _FAST_BKT[n]
    p = n
    while any(p % d == 0 for d in range(2, int(p ** 0.5) + 1)):
        p += 1
    return p


def _relink_one(order, node, buckets):
    """libstdc++'s insertion of one node into the list ``order`` (front first): a node whose bucket is
    empty goes to the front, else right after its bucket's predecessor node (before the bucket's first)."""
    b = node[1] % buckets
    pos = next((i for i, (_, h) in enumerate(order) if h % buckets == b), None)
    return [node] + order if pos is None else order[:pos] + [node] + order[pos:]


def _relink(nodes, buckets):
    """_M_rehash: the nodes, walked in list order, re-inserted into a table of ``buckets`` buckets."""
    order = []
    for node in nodes:
        order = _relink_one(order, node, buckets)
    return order


def torch_kwarg_order(names):
    """``names`` (the call's keywords, in the call's order) in the order torch's error message prints them."""
    order, buckets, next_resize = [], 1, 0
    for key in names:
        if any(k == key for k, _ in order):
            continue
        n = len(order) + 1
        if n > next_resize:        # _M_need_rehash
            min_bkts = max(n, 0 if next_resize else 11)
            if min_bkts >= buckets:
                buckets = _next_bucket_count(max(min_bkts + 1, buckets * 2))
                order = _relink(order, buckets)
            next_resize = buckets
        order = _relink_one(order, (key, std_hash(key)), buckets)
    return [k for k, _ in order]

