"""Bank file layouts (托收): what is written reads back; every way a return file can be bad is
refused with the file's line named (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import InputError
from app.services.collect import layouts
from app.services.collect.layouts import DebitFile, DebitLine
from app.services.collect.mandates import mask

FILE = DebitFile("TS20261202001", "2026-11", date(2026, 12, 2), [
    DebitLine(1, "TSXY0001", "中国工商银行", "6222021234567890123", "张三", 52786, "1-2-802"),
    DebitLine(2, "TSXY0002", "招商银行", "6225000011112222", "欧阳娜娜", 7550, "S1-101"),
])


@pytest.mark.parametrize("code", list(layouts.LAYOUTS))
def test_a_return_file_reads_back_paid_and_failed_lines(code):
    layout = layouts.get(code)
    data = layout.write_return(FILE, {1: ("0000", "B0001"), 2: ("1001", "")})
    assert layout.batch_no_of(data) == FILE.batch_no
    assert layout.batch_no_of(layout.write(FILE)) == FILE.batch_no
    ret = layout.read_return(data)
    assert ret.batch_no == FILE.batch_no
    assert [(x.seq, x.account_no, x.amount_fen, x.ok, x.reason_code, x.reason, x.bank_ref) for x in ret.lines] == [
        (1, "6222021234567890123", 52786, True, "0000", "成功", "B0001"),
        (2, "6225000011112222", 7550, False, "1001", "余额不足", "")]


def test_gbk_layouts_are_gbk_and_fixed_width_counts_bytes():
    data = layouts.get("fixed_gbk").write(FILE)
    records = data.split(b"\r\n")[:-1]
    assert len({len(r) for r in records[1:]}) == 1  # 欧阳娜娜 (4 characters) takes 8 bytes, padding makes up
    assert "欧阳娜娜".encode("gbk") in data
    assert "张三".encode("gbk") in layouts.get("csv_gbk").write(FILE)
    assert layouts.get("csv").write(FILE).startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens it right


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n")


@pytest.mark.parametrize("code", list(layouts.LAYOUTS))
def test_a_truncated_return_file_is_refused(code):
    layout = layouts.get(code)
    data = layout.write_return(FILE, {})
    lines = _lines(data)
    if layout.kind == "csv":  # the last debit and the trailer lost
        cut = b"\r\n".join(lines[:2]) + b"\r\n"
        with pytest.raises(InputError) as e:
            layout.read_return(cut)
        assert e.value.code == "collect.truncated"
        cut = b"\r\n".join(lines[:2] + lines[3:])  # a debit lost, the trailer kept
    else:
        cut = b"\r\n".join(lines[:2]) + b"\r\n"
    with pytest.raises(InputError) as e:
        layout.read_return(cut)
    assert e.value.code == "collect.truncated_count"
    assert "不完整" in e.value.text("zh") and "truncated" in e.value.text("en")


def test_bad_records_name_their_line():
    layout = layouts.get("csv")
    data = layout.write_return(FILE, {}).decode("utf-8-sig").replace("75.50", "7x.50").encode("utf-8-sig")
    with pytest.raises(InputError) as e:
        layout.read_return(data)
    assert e.value.code == "collect.bad_amount" and e.value.params["line"] == 3
    fixed = layouts.get("fixed_gbk")
    lines = _lines(fixed.write_return(FILE, {}))
    lines[2] = lines[2][:-3]
    with pytest.raises(InputError) as e:
        fixed.read_return(b"\r\n".join(lines))
    assert e.value.code == "collect.bad_length" and "第 3 行" in e.value.text("zh")
    with pytest.raises(InputError) as e:
        fixed.read_return(fixed.write_return(FILE, {}).replace("张三".encode("gbk"), b"\xff\xfe\xff\xfe"))
    assert e.value.code == "collect.bad_encoding"


def test_account_numbers_are_masked_for_display():
    assert mask("6222021234567890123") == "6222***********0123"
    assert mask("12345678") == "****5678"
    assert mask(None) == ""


def test_an_unknown_layout_lists_the_known_ones():
    with pytest.raises(InputError) as e:
        layouts.get("abc")
    assert "fixed_gbk" in e.value.text("en")


def test_bank_collection_is_not_a_counter_tender():
    from app import tender_methods
    from app.services.cashier.tenders import parse_tender

    assert "bank_collect" in tender_methods.METHODS and "bank_collect" not in tender_methods.codes()
    assert tender_methods.account("bank_collect", terminal="T1", room="r") == "TND:bank_collect:T1"
    with pytest.raises(InputError) as e:
        parse_tender("bank_collect=100")
    assert "回盘" in e.value.text("zh") and "return file" in e.value.text("en")
