"""Groups (union-find) joins transitively and numbers groups by their first member."""

import random

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from nlp.grouping import Groups


def test_groups_are_the_connected_components():
    rng = random.Random(7)
    for _ in range(50):
        n = rng.randint(1, 40)
        pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, n))]
        joined = Groups(n)
        for a, b in pairs:
            joined.union(a, b)
        rows, cols = zip(*pairs) if pairs else ((), ())
        graph = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        assert joined.labels() == connected_components(graph, directed=False)[1].tolist()


def test_the_oldest_member_stays_the_root_whatever_the_order():
    joined = Groups(4)
    joined.union(3, 2)
    joined.union(2, 1)
    assert joined.find(3) == 1
    assert joined.groups() == [[0], [1, 2, 3]]
    assert joined.groups(min_size=2) == [[1, 2, 3]]


def test_groups_grow_as_items_are_added():
    joined = Groups()
    first, second = joined.add(), joined.add()
    joined.union(second, first)
    assert joined.labels() == [0, 0]
