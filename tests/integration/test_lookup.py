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
