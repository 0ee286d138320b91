"""Read every meter with an address on one line and record the readings (`meter collect`, and
the GUI later): the line is read first, outside any database transaction (a 2400-baud bus
of 60 meters takes a minute), then the readings go through the intake in one transaction —
validated, flagged, idempotent (app.services.meter_intake)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from app.errors import AppError
from app.messages import render
from drivers.meters.reader import read_meter
from drivers.serial.line import SerialLine

Progress = Callable[[int, int, str, "str | None"], None]  # (done, total, meter_no, error text or None)


@dataclass(frozen=True)
class Target:
    meter_no: str
    address: str
    kind: str


@dataclass
class LineRead:
    values: dict[str, Decimal] = field(default_factory=dict)  # meter_no -> register value
    failed: list[dict] = field(default_factory=list)  # {meter_no, error (code), error_text}


# Our meter kinds -> the CJ/T 188 kind that reads them (electricity meters speak DL/T 645).
_CJT_KIND = {"water": "water", "hot_water": "hot_water", "gas": "gas", "heat": "heat"}


def read_line(line: SerialLine, protocol: str, targets: list[Target], progress: Progress | None = None,
              lang: str = "zh") -> LineRead:
    out = LineRead()
    for i, t in enumerate(targets, 1):
        try:
            v = read_meter(line, protocol, t.address, _CJT_KIND.get(t.kind, "water"))
        except AppError as e:
            out.failed.append({"meter_no": t.meter_no, "error": e.code, "error_text": e.text(lang)})
            if progress:
                progress(i, len(targets), t.meter_no, e.text(lang))
            continue
        out.values[t.meter_no] = v.value
        if progress:
            progress(i, len(targets), t.meter_no, None)
    return out


def error_text(code: str, params: dict, lang: str = "zh") -> str:
    from app.errors import Msg

    return render(Msg(code, params), lang)
