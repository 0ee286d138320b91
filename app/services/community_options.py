"""The options of a community (Community.options) as the GUI's 小区选项 dialog reads and
changes them. The option names come from the one registry the fee-items import also uses
(`fee_schema.COMMUNITY_OPTIONS`), so a file and the window set the same options the same way;
the services that act on them read the stored keys:

- `prepaid_deduction` (bool): the bill run deducts prepaid balances (app.services.cashier.deduction);
- `max_change_fen` (int fen): the most change a counter hands back (app.services.cashier.payments).

Plain dicts out; the UI holds no session."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Community
from app.errors import InputError, NotFound
from app.money import MAX_AMOUNT_FEN
from app.services import audit, users
from app.services.cashier.payments import DEFAULT_MAX_CHANGE_FEN, max_change_fen as change_limit
from app.services.imports.fee_schema import COMMUNITY_OPTIONS

# Who may change them: the same people who may change tariffs (finance, manager) — the import of
# a fee-items file, which can set them too, asks for `tariff` (or `import`). Cashiers may not.
EDIT_PERMISSION = "tariff"

# What an option means when the community has not set it (stored key -> value).
DEFAULTS: dict[str, Any] = {
    "prepaid_deduction": False,  # the deduction only runs where a community asked for it
    "max_change_fen": DEFAULT_MAX_CHANGE_FEN,
}
# Every registered option needs a default here, and nothing else may have one.
assert set(DEFAULTS) == {o.stored for o in COMMUNITY_OPTIONS.values()}, "community option registry and defaults differ"

# The largest amount a person may type anywhere (the same bound the import's `max_change` has).
MAX_CHANGE_BOUND_FEN = MAX_AMOUNT_FEN


def _community(s: Session, name: str, *, lock: bool = False) -> Community:
    q = select(Community).where(Community.name == (name or "").strip())
    if lock:  # two people saving at once: the second reads the first one's options
        q = q.with_for_update()
    c = s.scalar(q)
    if c is None:
        raise NotFound("community.not_found", community=name)
    return c


def _effective(c: Community) -> dict[str, Any]:
    """The options as the services act on them: a value edited into the database by hand
    that they would ignore shows as what they use instead."""
    return {"prepaid_deduction": bool((c.options or {}).get("prepaid_deduction", DEFAULTS["prepaid_deduction"])),
            "max_change_fen": change_limit(c)}


def get_options(s: Session, community_name: str) -> dict[str, Any]:
    """{stored key: value} for every option, the default where the community set none."""
    return _effective(_community(s, community_name))


def all_options(s: Session) -> list[dict[str, Any]]:
    """[{"community": name, **options}] of every community, by name (the dialog's picker)."""
    return [{"community": c.name, **_effective(c)}
            for c in s.scalars(select(Community).order_by(Community.name))]


def may_edit(s: Session, user: str) -> bool:
    """Whether the user may change community options (the dialog opens read-only otherwise)."""
    return users.allows(s, user, EDIT_PERMISSION)


def validate(*, prepaid_deduction: bool | None = None, max_change_fen: int | None = None) -> dict[str, Any]:
    """{stored key: value} of the options given (None = leave as is); InputError when a value
    is not one the option can take. Pure: the dialog checks with it before saving."""
    out: dict[str, Any] = {}
    if prepaid_deduction is not None:
        if not isinstance(prepaid_deduction, bool):
            raise InputError("community.prepaid_deduction_bool", value=str(prepaid_deduction)[:24])
        out["prepaid_deduction"] = prepaid_deduction
    if max_change_fen is not None:
        # 0 is allowed, as in the import: no change at all, the customer pays exactly.
        if isinstance(max_change_fen, bool) or not isinstance(max_change_fen, int):
            raise InputError("community.max_change_not_fen", value=str(max_change_fen)[:24])
        if not 0 <= max_change_fen <= MAX_CHANGE_BOUND_FEN:
            raise InputError("community.max_change_range", value=max_change_fen, max=MAX_CHANGE_BOUND_FEN)
        out["max_change_fen"] = max_change_fen
    return out


def set_options(s: Session, user: str, community_name: str, *, prepaid_deduction: bool | None = None,
                max_change_fen: int | None = None, terminal: str | None = None) -> dict[str, Any]:
    """Change the options given (None leaves one as it is) and record who changed what
    (old -> new, as the import records it). Returns the community's options afterwards.
    PermissionDenied for a user without `tariff`; InputError for a bad value; NotFound for
    an unknown community. Nothing is written when nothing changes."""
    users.require(s, user, EDIT_PERMISSION)
    new = validate(prepaid_deduction=prepaid_deduction, max_change_fen=max_change_fen)
    community = _community(s, community_name, lock=True)
    old = dict(community.options or {})
    changes = {k: [old.get(k), v] for k, v in sorted(new.items()) if k not in old or type(old[k]) is not type(v) or old[k] != v}
    if changes:
        community.options = {**old, **new}  # a new dict, so the JSON column is written
        audit.record(s, "community.options", user=user, terminal=terminal, entity="community",
                     entity_id=community.id, detail={"community": community.name, "changes": changes})
        s.flush()
    return _effective(community)
