"""Roles by id whose cached plans are built on first use: a cached `vap check` reads few of them."""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView

from site_builder.domain.model import Role
from site_builder.loading.plancodec import Restored

Fallback = Callable[[Restored, Exception], Role]
"""What to do when a cached plan cannot be built after all (a damaged entry behind a valid checksum)."""


class LazyRoles(Mapping[str, Role]):
    """A read-only mapping of role ids to roles, in the order given; cached plans are built when
    first read (by key), or all at once when the values or items are asked for."""

    __slots__ = ("_fallback", "_items", "_pending")

    def __init__(self, items: dict[str, Role | Restored], fallback: Fallback) -> None:
        self._items = items
        self._fallback = fallback
        self._pending = sum(1 for value in items.values() if value.__class__ is Restored)

    def __getitem__(self, key: str) -> Role:
        value = self._items[key]
        if value.__class__ is Restored:
            return self._build(key, value)
        return value  # type: ignore[return-value]

    def _build(self, key: str, restored: Restored) -> Role:
        try:
            role = restored.role()
        except Exception as exc:  # a damaged entry of any shape
            role = self._fallback(restored, exc)
        self._items[key] = role
        self._pending -= 1
        return role

    def whole(self) -> dict[str, Role]:
        """Every role built: a plain dict (the rules and pages iterate it many times)."""
        if self._pending:
            for key, value in self._items.items():
                if value.__class__ is Restored:
                    self._build(key, value)
        return self._items  # type: ignore[return-value]

    def path(self, key: str) -> str:
        """The role file of a role, without building it (the rule cache keys on files)."""
        value = self._items[key]
        return value.rel if value.__class__ is Restored else value.loc.path  # type: ignore[union-attr]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> KeysView[str]:
        return self._items.keys()

    def values(self) -> ValuesView[Role]:
        return self.whole().values()

    def items(self) -> ItemsView[str, Role]:
        return self.whole().items()

    def __repr__(self) -> str:
        return f"LazyRoles({len(self._items)} roles, {self._pending} not built yet)"
