"""The statement sources, in one registry: each names the tender method its lines settle and
the parser that reads its file (bytes → `Parsed`, or a coded InputError naming file and line).

A new source (UnionPay QR, a second acquirer) is one entry here and one parser module."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.errors import InputError
from app.services.closing.statements import alipay, pos, wechat
from app.services.closing.statements.common import Line, Parsed, fail


@dataclass(frozen=True)
class Source:
    name: str  # wechat | alipay | pos (Statement.source)
    method: str  # the tender method its lines settle
    parse: Callable[[bytes, str], Parsed]


SOURCES: dict[str, Source] = {
    "wechat": Source("wechat", "wechat", wechat.parse),
    "alipay": Source("alipay", "alipay", alipay.parse),
    "pos": Source("pos", "pos", pos.parse),
}


@dataclass
class StatementFile:
    """A statement file as read: its parsed lines and the digest it is stored under."""

    parsed: Parsed
    sha256: str


def parse_bytes(source: str, data: bytes, file: str) -> StatementFile:
    if source not in SOURCES:
        raise InputError("closing.unknown_source", source=source, known=sorted(SOURCES))
    parsed = SOURCES[source].parse(data, file)
    seen: dict[str, int] = {}
    for line in parsed.lines:
        for value, column in ((line.reference, "reference"), (line.out_trade_no, "out_trade_no")):
            if value is not None and len(value) > 64:
                raise fail("closing.file.bad_value", file, line.line_no, column=column, value=value[:70])
        if line.reference in seen:
            raise fail("closing.file.duplicate_line", file, line.line_no, ref=line.reference, first=seen[line.reference])
        seen[line.reference] = line.line_no
    if not parsed.lines and not data.strip():
        raise fail("closing.file.empty", file)
    return StatementFile(parsed, hashlib.sha256(data).hexdigest())


def read_file(source: str, path: str | Path) -> StatementFile:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise fail("closing.file.missing", p.name, path=str(p)) from None
    except OSError as e:
        raise fail("closing.file.unreadable", p.name, path=str(p), why=e.strerror or str(e)) from None
    return parse_bytes(source, data, p.name)


__all__ = ["SOURCES", "Line", "Parsed", "Source", "StatementFile", "parse_bytes", "read_file"]
