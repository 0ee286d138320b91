"""`init --demo`: a few meters on an RS-485 line and one leak flagged before the bill run."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from app.cli import main
from app.context import AppContext
from app.db.models import Meter


def test_demo_has_addressed_meters_and_a_flagged_leak(sqlite_url, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", sqlite_url, "init", "--demo", "--rooms", "40", "--no-bills", "--json"]) == 0
    story = json.loads(capsys.readouterr().out)["demo"]["meter_story"]
    assert story["addressed"] == 6 and [f["reason"] for f in story["flagged"]] == ["meters.leak"]
    assert main(["--db", sqlite_url, "readings", "review", "--json"]) == 0
    flagged = json.loads(capsys.readouterr().out)["flagged"]
    assert [(f["meter_no"], f["reason"]) for f in flagged] == [(story["flagged"][0]["meter_no"], "meters.leak")]
    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        by_protocol = dict(s.execute(select(Meter.protocol, func.count()).where(Meter.address.is_not(None))
                                     .group_by(Meter.protocol)).all())
    ctx.close()
    assert by_protocol == {"dlt645": 3, "cjt188": 3}
