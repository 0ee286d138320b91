"""The imports' message codes: every code the import code uses has Chinese and English words,
both with the same parameters; no word is left unused; the Chinese never names a command line."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from app.errors import InputError, Msg, Problem
from app.messages import _Formatter, render
from app.messages.imports import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "app/services/imports").glob("*.py"))
# One dot: a message code. Audit actions have two (import.rooms.update) or are built (f"import.{kind}").
CODE = re.compile(r"""["'](import\.[a-z0-9_]+)["']""")


def _used() -> set[str]:
    return {m for p in SOURCES for m in CODE.findall(p.read_text(encoding="utf-8"))}


def _fields(template: str) -> dict[str, str]:
    return {name: spec for _, name, spec, _ in string.Formatter().parse(template) if name}


def test_every_code_used_has_words():
    missing = sorted(_used() - set(MESSAGES))
    assert not missing, f"add these to app/messages/imports.py: {missing}"


def test_no_words_without_a_use():
    unused = sorted(set(MESSAGES) - _used())
    assert not unused, f"unused message codes: {unused}"


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_both_languages_take_the_same_parameters_and_render(code):
    zh, en = MESSAGES[code]
    assert zh and en and zh != en
    assert set(_fields(zh)) == set(_fields(en)), code
    params = {name: (["a", "b"] if spec == "list" else 1 if spec == "yuan" else "X") for name, spec in
              {**_fields(zh), **_fields(en)}.items()}
    for lang, template in (("zh", zh), ("en", en)):
        text = _Formatter(lang).format(template, **params)  # raises on a malformed template
        assert "{" not in text.replace("{...}", "") or '{"' in template, (code, lang, text)


def test_chinese_never_names_a_command_line():
    offenders = [code for code, (zh, _) in MESSAGES.items() if re.search(r"--[a-z]|propdesk", zh)]
    assert not offenders


def test_an_import_error_reads_in_both_languages():
    e = InputError("import.failed", [Problem.of("import.not_decimal", row=3, column="建筑面积", value="abc"),
                                     Problem.of("import.duplicate", row=4, column="room",
                                                what=Msg.of("import.what_room", key="3-2-1502", community="阳光花园"),
                                                first=2, second=4)],
                   source="rooms.csv", kind=Msg.of("import.kind_rooms"), count=2)
    assert e.text("zh") == ("rooms.csv：房屋导入失败，未导入任何数据：共 2 处问题\n"
                            "  - 第3行，列 建筑面积：“abc”不是数字（应写成 89.5 这样）\n"
                            "  - 第4行，列 room：阳光花园的房号 3-2-1502 重复：第2行和第4行")
    assert e.text("en") == ("rooms.csv: rooms import failed, nothing was imported: 2 problem(s)\n"
                            "  - row 3, column 建筑面积: 'abc' is not a decimal number (like 89.5)\n"
                            "  - row 4, column room: duplicate room 3-2-1502 in 阳光花园: rows 2 and 4")
    assert render(Msg.of("import.reading_lower", reading="5", meter="W-1", digits=5,
                         what=Msg.of("import.initial_reading", reading="100")), "zh").startswith(
        "读数 5 小于初始读数 100，未导入")
