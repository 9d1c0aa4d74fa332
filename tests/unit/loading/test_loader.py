"""What loading does for speed must not show: field locations made on demand, the collector paused."""

from __future__ import annotations

import gc
from pathlib import Path

from site_builder.domain.model import Loc
from site_builder.loading.loader import gc_paused, load_plans
from site_builder.loading.yamlsrc import Map, _Builder

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "small" / "plans"


def test_field_locs_are_where_each_top_level_key_was_written() -> None:
    plans = load_plans(SMALL).plans
    for role in plans.roles.values():
        root = _Builder(role.file, []).build((SMALL.parent / role.file).read_text(encoding="utf-8"))
        assert isinstance(root, Map)
        written = {name: Loc(role.file, *position) for name, (position, _value) in root.items.items()}
        assert dict(role.field_locs) == written
        assert list(role.field_locs) == list(written) and len(role.field_locs) == len(written)
        assert role.loc_of("status") == written["status"]
        assert role.loc_of("no-such-field") == role.loc
        assert repr(role.field_locs) == repr(written)


def test_gc_paused_turns_the_collector_back_on_and_nests() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause leaves the outer one alone
    assert gc.isenabled()


def test_gc_paused_leaves_a_disabled_collector_disabled_and_frozen_objects_frozen() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    held = [[] for _ in range(3)]  # containers the host keeps and freezes
    gc.freeze()
    try:
        with gc_paused():
            [object() for _ in range(10)]
        # Frozen objects live outside the three generations: gc_paused must not thaw them back in.
        # (The freeze count itself is no witness: frozen objects other code drops leave it.)
        tracked = {id(o) for o in gc.get_objects()}
        assert not any(id(o) in tracked for o in held)  # what the host froze stays frozen
    finally:
        gc.unfreeze()
