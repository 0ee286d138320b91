import uuid

from app.ids import id_time_ms, new_id, new_ids, stable_id


def test_new_id_is_v7_and_strictly_increasing():
    ids = [new_id() for _ in range(5000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    u = uuid.UUID(ids[0])
    assert u.version == 7 and u.variant == uuid.RFC_4122
    assert abs(id_time_ms(ids[-1]) - id_time_ms(ids[0])) < 60_000


def test_bulk_ids_are_ordered_unique_and_after_previous():
    before = new_id()
    batch = new_ids(10000)
    after = new_id()
    assert batch == sorted(batch) and len(set(batch)) == 10000
    assert before < batch[0] and batch[-1] < after
    assert all(uuid.UUID(i).version == 7 for i in batch[:50])


def test_stable_id_is_deterministic_and_key_sensitive():
    assert stable_id("room", "fee", "2026-11") == stable_id("room", "fee", "2026-11")
    assert stable_id("room", "fee", "2026-11") != stable_id("room", "fee", "2026-12")
    assert stable_id("a", "bc") != stable_id("ab", "c")


def test_stable_id_is_uuid5():
    from app.ids import _NAMESPACE

    assert stable_id("a", 1, "2026-11") == str(uuid.uuid5(_NAMESPACE, "a\x1f1\x1f2026-11"))


def test_bulk_ids_at_block_edges_are_valid_uuid7s():
    for n in (0, 1, 4096, 4097, 9000):
        ids = new_ids(n)
        assert len(set(ids)) == n and ids == sorted(ids)
        for x in ids:
            u = uuid.UUID(x)
            assert str(u) == x and u.version == 7 and u.variant == uuid.RFC_4122
