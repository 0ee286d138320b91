"""The bill run's bulk line ids are exactly app.ids.stable_id(room, fee item, period)."""

from __future__ import annotations

from app.ids import new_ids, stable_id
from app.services.billing.line_ids import line_id_maker


def test_line_ids_are_stable_ids() -> None:
    fee = new_ids(1)[0]
    rooms = new_ids(2000) + ["室-1", "plain text", ""]
    for period in ("2026-10", "2025-01"):
        make = line_id_maker(fee, period)
        assert [make(r) for r in rooms] == [stable_id(r, fee, period) for r in rooms]


def test_line_ids_differ_by_fee_item_and_period() -> None:
    room, a, b = new_ids(3)
    assert len({line_id_maker(a, "2026-10")(room), line_id_maker(b, "2026-10")(room),
                line_id_maker(a, "2026-11")(room)}) == 3
