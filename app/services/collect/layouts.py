"""Bank file layouts for direct debit (托收): one registry, `LAYOUTS`; each layout writes the
debit batch the bank reads and reads the return file (回盘文件) the bank sends back.

Two families are shipped (docs/bank-collection.md has their field tables):
- `csv`: a header row, one row per debit, a trailer row `合计,<rows>,<total yuan>`; the
  return file is the same rows with the result columns added. UTF-8 (with BOM) or GBK.
- `fixed`: fixed-width records measured in bytes of the file's encoding (GBK: a Chinese
  character takes two), a header record `H` with the batch number, count and total, and one
  `D` record per debit; the return file's `D` records carry the result after the debit.

A layout is data (fields and widths); adding a bank's layout is one entry. Reading checks
everything a bad file can get wrong and raises `InputError` naming the file's line:
another batch, an unknown line, an amount that differs, a truncated file (the count or
total in the header/trailer disagrees with the records).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from app.errors import InputError
from app.money import MoneyError, fen_to_yuan_str, parse_yuan


@dataclass(frozen=True)
class DebitLine:
    seq: int
    mandate_no: str
    bank_name: str
    account_no: str
    holder: str
    amount_fen: int
    room: str  # room key: the owner's reference on the statement


@dataclass(frozen=True)
class DebitFile:
    batch_no: str
    period: str
    created: date
    lines: list[DebitLine]

    @property
    def total_fen(self) -> int:
        return sum(x.amount_fen for x in self.lines)


@dataclass(frozen=True)
class ReturnLine:
    file_line: int  # the line in the file (1 = first), for messages
    seq: int
    account_no: str
    amount_fen: int
    ok: bool
    reason_code: str
    reason: str
    bank_ref: str


@dataclass(frozen=True)
class ReturnFile:
    batch_no: str
    lines: list[ReturnLine]


# The bank's result codes (the shipped layouts use these; a bank's own go in its layout).
REASONS = {"0000": "成功", "1001": "余额不足", "1002": "账户错误", "1003": "协议不存在", "1004": "账户已冻结",
           "1005": "户名不符", "1006": "账户已销户", "9999": "其他"}


def _bad(line: int, code: str, **params) -> InputError:  # type: ignore[no-untyped-def]
    return InputError(code, line=line, **params)


def _decode(data: bytes, encoding: str) -> str:
    try:
        text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as e:
        raise InputError("collect.bad_encoding", encoding=encoding, offset=e.start) from None
    return text


class CsvLayout:
    kind = "csv"
    HEADER = ["批次号", "序号", "协议号", "开户行", "账号", "户名", "金额", "账期", "房号"]
    RESULT = ["结果", "原因代码", "原因", "银行流水号"]
    TRAILER = "合计"

    def __init__(self, code: str, label: str, encoding: str) -> None:
        self.code, self.label, self.encoding = code, label, encoding

    def write(self, f: DebitFile) -> bytes:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(self.HEADER)
        for x in f.lines:
            w.writerow([f.batch_no, x.seq, x.mandate_no, x.bank_name, x.account_no, x.holder,
                        fen_to_yuan_str(x.amount_fen), f.period, x.room])
        w.writerow([self.TRAILER, len(f.lines), fen_to_yuan_str(f.total_fen)])
        text = buf.getvalue()
        return (text.encode("utf-8-sig") if self.encoding == "utf-8" else text.encode(self.encoding))

    def write_return(self, f: DebitFile, results: dict[int, tuple[str, str]]) -> bytes:
        """A bank's return file for `f` (tests and the demo): results[seq] = (code, bank ref)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(self.HEADER + self.RESULT)
        for x in f.lines:
            code, ref = results.get(x.seq, ("0000", ""))
            w.writerow([f.batch_no, x.seq, x.mandate_no, x.bank_name, x.account_no, x.holder,
                        fen_to_yuan_str(x.amount_fen), f.period, x.room,
                        "成功" if code == "0000" else "失败", code, REASONS.get(code, ""), ref])
        w.writerow([self.TRAILER, len(f.lines), fen_to_yuan_str(f.total_fen)])
        text = buf.getvalue()
        return text.encode("utf-8-sig") if self.encoding == "utf-8" else text.encode(self.encoding)

    def batch_no_of(self, data: bytes) -> str | None:
        try:
            rows = list(csv.reader(io.StringIO(_decode(data, self.encoding))))
        except InputError:
            return None
        if len(rows) >= 2 and rows[0][:len(self.HEADER)] == self.HEADER and rows[1]:
            return rows[1][0].strip()
        return None

    def read_return(self, data: bytes) -> ReturnFile:
        rows = list(csv.reader(io.StringIO(_decode(data, self.encoding))))
        if not rows or rows[0] != self.HEADER + self.RESULT:
            raise _bad(1, "collect.bad_header", expected=",".join(self.HEADER + self.RESULT))
        body, trailer = rows[1:], None
        while body and not any(c.strip() for c in body[-1]):
            body.pop()
        if body and body[-1] and body[-1][0].strip() == self.TRAILER:
            trailer = body.pop()
        if trailer is None:
            raise _bad(len(rows) + 1, "collect.truncated", what="合计")
        batch = body[0][0].strip() if body else ""
        lines = []
        for i, r in enumerate(body, start=2):
            if len(r) != len(self.HEADER + self.RESULT):
                raise _bad(i, "collect.bad_fields", got=len(r), expected=len(self.HEADER + self.RESULT))
            if r[0].strip() != batch:
                raise _bad(i, "collect.other_batch", batch=r[0].strip(), expected=batch)
            seq = _int(r[1], i, "序号")
            amount = _yuan(r[6], i)
            result = r[9].strip()
            if result not in ("成功", "失败"):
                raise _bad(i, "collect.bad_result", value=result)
            lines.append(ReturnLine(i, seq, r[4].strip(), amount, result == "成功", r[10].strip(), r[11].strip(),
                                    r[12].strip()))
        _check_count(len(rows), _int(trailer[1] if len(trailer) > 1 else "", len(rows), "笔数"),
                     _yuan(trailer[2] if len(trailer) > 2 else "", len(rows)), lines)
        return ReturnFile(batch, lines)


def _int(text: str, line: int, what: str) -> int:
    t = text.strip()
    if not re.fullmatch(r"[0-9]{1,18}", t):
        raise _bad(line, "collect.bad_number", what=what, value=text)
    return int(t)


def _yuan(text: str, line: int) -> int:
    try:
        return parse_yuan(text.strip())
    except MoneyError:
        raise _bad(line, "collect.bad_amount", value=text) from None


def _check_count(line: int, count: int, total: int, lines: list[ReturnLine]) -> None:
    got = sum(x.amount_fen for x in lines)
    if count != len(lines) or total != got:
        raise _bad(line, "collect.truncated_count", count=count, total=total, got_count=len(lines), got_total=got)


@dataclass(frozen=True)
class Field:
    name: str
    width: int  # bytes in the file's encoding
    numeric: bool = False  # right-aligned, zero-padded


class FixedLayout:
    """Fixed-width records in bytes of `encoding` (GBK for the banks that expect it)."""

    kind = "fixed"
    HEADER = (Field("type", 1), Field("batch_no", 20), Field("period", 6, True), Field("date", 8, True),
              Field("count", 6, True), Field("total", 15, True))
    DETAIL = (Field("type", 1), Field("seq", 6, True), Field("mandate_no", 30), Field("account_no", 32),
              Field("holder", 40), Field("amount", 15, True), Field("room", 30))
    RESULT = (Field("result", 1), Field("reason_code", 4), Field("reason", 40), Field("bank_ref", 20))

    def __init__(self, code: str, label: str, encoding: str) -> None:
        self.code, self.label, self.encoding = code, label, encoding

    def _record(self, fields: tuple[Field, ...], values: dict[str, str]) -> bytes:
        out = b""
        for f in fields:
            raw = str(values.get(f.name, "")).encode(self.encoding)
            if len(raw) > f.width:  # cut on a character boundary
                text = str(values.get(f.name, ""))
                while len(text.encode(self.encoding)) > f.width:
                    text = text[:-1]
                raw = text.encode(self.encoding)
            pad = f.width - len(raw)
            out += (b"0" * pad + raw) if f.numeric else (raw + b" " * pad)
        return out

    def _header(self, f: DebitFile) -> bytes:
        return self._record(self.HEADER, {"type": "H", "batch_no": f.batch_no, "period": f.period.replace("-", ""),
                                          "date": f.created.strftime("%Y%m%d"), "count": str(len(f.lines)),
                                          "total": str(f.total_fen)})

    def _detail(self, x: DebitLine) -> dict[str, str]:
        return {"type": "D", "seq": str(x.seq), "mandate_no": x.mandate_no, "account_no": x.account_no,
                "holder": x.holder, "amount": str(x.amount_fen), "room": x.room}

    def write(self, f: DebitFile) -> bytes:
        recs = [self._header(f)] + [self._record(self.DETAIL, self._detail(x)) for x in f.lines]
        return b"\r\n".join(recs) + b"\r\n"

    def write_return(self, f: DebitFile, results: dict[int, tuple[str, str]]) -> bytes:
        recs = [self._header(f)]
        for x in f.lines:
            code, ref = results.get(x.seq, ("0000", ""))
            recs.append(self._record(self.DETAIL + self.RESULT, {
                **self._detail(x), "result": "S" if code == "0000" else "F", "reason_code": code,
                "reason": REASONS.get(code, ""), "bank_ref": ref}))
        return b"\r\n".join(recs) + b"\r\n"

    def _split(self, rec: bytes, fields: tuple[Field, ...], line: int) -> dict[str, str]:
        if len(rec) != sum(f.width for f in fields):
            raise _bad(line, "collect.bad_length", got=len(rec), expected=sum(f.width for f in fields))
        out, pos = {}, 0
        for f in fields:
            try:
                out[f.name] = rec[pos:pos + f.width].decode(self.encoding).strip()
            except UnicodeDecodeError:
                raise InputError("collect.bad_encoding", encoding=self.encoding, offset=pos) from None
            pos += f.width
        return out

    def batch_no_of(self, data: bytes) -> str | None:
        first = data.split(b"\r\n", 1)[0].split(b"\n", 1)[0]
        if first[:1] != b"H" or len(first) != sum(f.width for f in self.HEADER):
            return None
        try:
            return first[1:21].decode(self.encoding).strip()
        except UnicodeDecodeError:
            return None

    def read_return(self, data: bytes) -> ReturnFile:
        recs = data.replace(b"\r\n", b"\n").split(b"\n")
        while recs and not recs[-1].strip():
            recs.pop()
        if not recs:
            raise _bad(1, "collect.truncated", what="H")
        head = self._split(recs[0], self.HEADER, 1)
        if head["type"] != "H":
            raise _bad(1, "collect.bad_record", value=head["type"], expected="H")
        lines = []
        for i, rec in enumerate(recs[1:], start=2):
            d = self._split(rec, self.DETAIL + self.RESULT, i)
            if d["type"] != "D":
                raise _bad(i, "collect.bad_record", value=d["type"], expected="D")
            if d["result"] not in ("S", "F"):
                raise _bad(i, "collect.bad_result", value=d["result"])
            lines.append(ReturnLine(i, _int(d["seq"], i, "序号"), d["account_no"], _int(d["amount"], i, "金额"),
                                    d["result"] == "S", d["reason_code"], d["reason"], d["bank_ref"]))
        _check_count(1, _int(head["count"], 1, "笔数"), _int(head["total"], 1, "总金额"), lines)
        return ReturnFile(head["batch_no"], lines)


Layout = CsvLayout | FixedLayout

LAYOUTS: dict[str, Layout] = {x.code: x for x in (
    CsvLayout("csv", "collect.layout.csv", "utf-8"),
    CsvLayout("csv_gbk", "collect.layout.csv_gbk", "gbk"),
    FixedLayout("fixed_gbk", "collect.layout.fixed_gbk", "gbk"),
)}


def get(code: str) -> Layout:
    layout = LAYOUTS.get((code or "").strip())
    if layout is None:
        raise InputError("collect.unknown_layout", layout=code, known=list(LAYOUTS))
    return layout
