import pytest

from app.services.lookup import normalize_key, search
from tests.support.builders import World


def _world(s):  # type: ignore[no-untyped-def]
    w = World(s)
    w.room("3-2-1502", "100", owner="张三", phone="13800001234")
    w.room("3-2-1503", "90", owner="张山峰", phone="13900005678")
    w.room("3-1-1502", "90", owner="李四", phone="13700001234")
    w.room("8-1502", "60", owner="王五", phone="010-66668888")
    return w


def test_normalize_key():
    assert normalize_key(" 3 2 1502 ") == "3-2-1502" == normalize_key("3/2/1502") == normalize_key("3－2－1502")


def test_every_kind_of_key(ctx):
    with ctx.uow() as s:
        w = _world(s)
        keys = lambda q: [h.room_key for h in search(s, q)]  # noqa: E731
        assert keys("3-2-1502")[0] == "3-2-1502"
        assert keys("3 2 1502")[0] == "3-2-1502"
        assert keys("3-2") == ["3-2-1502", "3-2-1503"]
        assert keys("13800001234") == ["3-2-1502"]
        assert keys("1234") == ["3-2-1502", "3-1-1502"] or set(keys("1234")[:2]) == {"3-2-1502", "3-1-1502"}
        assert set(keys("1502")) == {"3-2-1502", "3-1-1502", "8-1502"}
        assert keys("张三")[0] == "3-2-1502" and set(keys("张三")) == {"3-2-1502"}
        assert set(keys("张")) == {"3-2-1502", "3-2-1503"}
        assert keys("zs") == ["3-2-1502", "3-2-1503"] and set(keys("zsf")) == {"3-2-1503"}
        assert keys("ZS")[0] == "3-2-1502"
        assert keys(f"PDR1|{w.rooms['8-1502'].id}") == ["8-1502"]
        assert search(s, "3-2-1502")[0].matched == "room" and search(s, "1234")[0].matched == "last4"
        assert keys("不存在") == [] and keys("") == [] and keys("9-9-9") == []


def test_normalize_spoken_and_full_width_keys():
    for text in ("3栋2单元1502", "3号楼2单元1502", "3幢2单元1502室", "3-2-1502", "３－２－１５０２", "3座2单元1502号"):
        assert normalize_key(text) == "3-2-1502", text
    assert normalize_key("3栋2单元") == "3-2" and normalize_key("8栋1502") == "8-1502"
    assert normalize_key("张三") == "张三"  # a name is not a key


@pytest.mark.parametrize("query", ["3栋2单元1502", "3号楼2单元1502", "3幢2单元1502室", "3-2-1502",
                                   "３－２－１５０２", "3-2-1502室", "321502", "阳光花园/3-2-1502", "阳光花园/3栋2单元1502"])
def test_the_forms_cashiers_type(any_ctx, query):
    with any_ctx.uow() as s:
        _world(s)
        hits = search(s, query)
        assert hits and hits[0].room_key == "3-2-1502" and hits[0].matched == "room", query


def test_spoken_building_lists_it(any_ctx):
    with any_ctx.uow() as s:
        _world(s)
        assert [h.room_key for h in search(s, "3栋2单元")] == ["3-2-1502", "3-2-1503"]
        assert {h.room_key for h in search(s, "3栋")} == {"3-1-1502", "3-2-1502", "3-2-1503"}


def test_digits_only_when_they_read_one_way(any_ctx):
    with any_ctx.uow() as s:
        w = _world(s)
        assert [h.room_key for h in search(s, "321503")] == ["3-2-1503"]
        # 32-1502 and 3-2-1502 would both read as 321502: ambiguous, so no room key hit.
        w.room("32-1502", "80", owner="赵六", phone="13600001111")
        assert "3-2-1502" not in [h.room_key for h in search(s, "321502")]
        assert search(s, "99999") == []


def test_community_prefix_keeps_to_that_community(any_ctx):
    with any_ctx.uow() as s:
        _world(s)
        assert search(s, "没有这个小区/3-2-1502") == []
        assert [h.room_key for h in search(s, "阳光花园/3-2")] == ["3-2-1502", "3-2-1503"]
