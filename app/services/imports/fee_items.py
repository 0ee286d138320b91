"""Fee items import: a fee item per (community, code) and its price as a TariffVersion per
`effective_from`. A price is never overwritten: a changed price needs a new effective date,
so bills already made keep the version they were made with."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.models import Building, Community, FeeItem, Meter, TariffVersion
from app.services.imports.common import Actor, Collector, Counts, Event, audit_events, audit_summary, bulk_insert
from app.services.imports.fee_schema import FeeFile, FeeItemIn

# Fee item fields an import may update; `basis` is not one: it changes what the item is.
UPDATABLE = ("name", "meter_kind", "tier_period", "apportion", "usages", "rounding", "due_day", "late_fee")


def _price_key(unit_price: Decimal | None, tiers: list[dict[str, Any]] | None) -> tuple[Any, ...]:
    """Compare prices by value: "5" and "5.00" are the same price."""
    return (None if unit_price is None else Decimal(unit_price),
            None if tiers is None else tuple(
                (None if t["up_to"] is None else Decimal(t["up_to"]), Decimal(t["unit_price"])) for t in tiers))


def _norm(field: str, value: Any) -> Any:
    """JSON fields compared by value, so a re-import of the same file is recognised."""
    if field == "late_fee" and value is not None:
        return (Decimal(value["daily_rate"]), int(value["grace_days"]), Decimal(value["cap_ratio"]))
    return value


def _check_refs(s: Session, doc: FeeFile, cid: str, c: Collector) -> None:
    """Apportionment must name a public meter of this community and an existing scope."""
    wanted = {i.apportion["meter_no"] for i in doc.items if i.apportion}
    if not wanted:
        return
    meters = {no: (community_id, room_id) for no, community_id, room_id in
              s.execute(select(Meter.meter_no, Meter.community_id, Meter.room_id).where(Meter.meter_no.in_(wanted)))}
    buildings = set(s.scalars(select(Building.name).where(Building.community_id == cid)))
    for item in doc.items:
        if not item.apportion:
            continue
        no, scope = item.apportion["meter_no"], item.apportion["scope"]
        if no not in meters or meters[no][0] != cid:
            c.add(None, f"{item.path}.apportion.meter_no", "import.unknown_meter_in", meter=no,
                  community=doc.community)
        elif meters[no][1] is not None:
            c.add(None, f"{item.path}.apportion.meter_no", "import.apportion_room_meter", meter=no)
        if scope != "community" and scope not in buildings:
            c.add(None, f"{item.path}.apportion.scope", "import.apportion_bad_scope", scope=scope,
                  community=doc.community)


def apply(s: Session, doc: FeeFile, c: Collector, actor: Actor) -> Counts:
    counts = Counts("fee-items", len(doc.items))
    community = s.scalar(select(Community).where(Community.name == doc.community))
    if community is None:
        c.add(None, "community", "import.unknown_community", community=doc.community)
        c.raise_if_any("fee-items")
    assert community is not None
    cid = community.id
    _check_refs(s, doc, cid, c)
    existing = {f.code: f for f in s.scalars(select(FeeItem).where(FeeItem.community_id == cid))}
    versions = {(v.fee_item_id, v.effective_from): v for v in s.scalars(
        select(TariffVersion).where(TariffVersion.fee_item_id.in_([f.id for f in existing.values()])))}

    now = utcnow()
    new_items: list[dict[str, Any]] = []
    new_versions: list[dict[str, Any]] = []
    updates: list[tuple[FeeItem, dict[str, Any]]] = []
    events: list[Event] = []
    for item in doc.items:
        fields = {k: getattr(item, k) for k in UPDATABLE}
        version = {"effective_from": item.effective_from, "unit_price": item.unit_price, "tiers": item.tiers,
                   "created_by": actor.user, "created_at": now}
        old = existing.get(item.code)
        if old is None:
            new_items.append({"community_id": cid, "code": item.code, "basis": item.basis, "active": True,
                              "created_at": now, **fields})
            if _priced(item):
                new_versions.append({"fee_item_code": item.code, **version})
            continue
        if old.basis != item.basis:
            c.add(None, f"{item.path}.basis", "import.basis_change", fee=item.code, old=old.basis, new=item.basis)
            continue
        changed = {k: v for k, v in fields.items() if _norm(k, v) != _norm(k, getattr(old, k))}
        same_day = versions.get((old.id, item.effective_from))
        new_price = same_day is None and _priced(item)
        if same_day is not None and _price_key(same_day.unit_price, same_day.tiers) != _price_key(
                item.unit_price, item.tiers):
            c.add(None, f"{item.path}.{'tiers' if item.tiers else 'unit_price'}", "import.price_differs",
                  fee=item.code, effective_from=item.effective_from.isoformat())
            continue
        if changed:
            updates.append((old, changed))
            events.append(("import.fee_items.update", "fee_item", old.id, {"code": item.code, "changes": {
                k: [getattr(old, k), v] for k, v in changed.items()}}))
        if new_price:
            new_versions.append({"fee_item_id": old.id, **version})
            events.append(("import.fee_items.tariff", "fee_item", old.id, {
                "code": item.code, "effective_from": item.effective_from.isoformat(),
                "unit_price": None if item.unit_price is None else str(item.unit_price), "tiers": item.tiers}))
        if changed or new_price:
            counts.updated += 1
        else:
            counts.unchanged += 1
    options_changed = _option_changes(community.options or {}, doc.options)
    c.raise_if_any("fee-items")

    if options_changed:
        community.options = {**(community.options or {}), **doc.options}
        events.append(("import.fee_items.options", "community", cid,
                       {"community": doc.community, "changes": options_changed}))
    for old, changed in updates:
        for k, v in changed.items():
            setattr(old, k, v)
    bulk_insert(s, FeeItem, new_items)
    ids = {f["code"]: f["id"] for f in new_items}
    for v in new_versions:
        if "fee_item_code" in v:
            v["fee_item_id"] = ids[v.pop("fee_item_code")]
    s.flush()
    bulk_insert(s, TariffVersion, new_versions)
    counts.created = len(new_items)
    counts.extra = {"tariff_versions_created": len(new_versions), "options_changed": len(options_changed)}
    audit_events(s, actor, events)
    audit_summary(s, actor, counts, changed=bool(options_changed))
    return counts


def _priced(item: FeeItemIn) -> bool:
    """Whether the item has a price to version: a one-off item without a suggested amount has none."""
    return not (item.basis == "one_off" and item.unit_price is None)


def _option_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{option: [old, new]} for each option the file sets to another value."""
    return {k: [old.get(k), v] for k, v in sorted(new.items()) if old.get(k) != v or k not in old}


def community_options(s: Session, community: str) -> dict[str, Any]:
    """The options of a community by name, as the fee-items import stored them (tests and
    the GUI read them here rather than from the column)."""
    options = s.scalar(select(Community.options).where(Community.name == community))
    return dict(options or {})
