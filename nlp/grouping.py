"""Transitive grouping (union-find): the one way juesuan joins near-duplicates.

Near-duplicate reasons in a report (rules), across a batch (corpus rules) and
near-duplicate training lines (grouped cross-validation) are all "join a and b,
then read the groups"; the joining is done here once.
"""

from __future__ import annotations


class Groups:
    """Disjoint sets over 0..n-1 that grow as items are added.

    The smaller index stays the root, so a group's representative is its oldest
    member whatever the order of the joins.
    """

    def __init__(self, n: int = 0) -> None:
        self.parent = list(range(n))

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:  # path compression
            parent[i], i = root, parent[i]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra

    def groups(self, min_size: int = 1) -> list[list[int]]:
        """Members of each group in index order, groups by their first member."""
        found: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            found.setdefault(self.find(i), []).append(i)
        return [g for g in found.values() if len(g) >= min_size]

    def labels(self) -> list[int]:
        """Each member's group number (0, 1, ... by first member)."""
        number: dict[int, int] = {}
        return [number.setdefault(self.find(i), len(number)) for i in range(len(self.parent))]
