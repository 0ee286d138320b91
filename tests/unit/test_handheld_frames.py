"""Handheld dock frames (docs/handheld-protocol.md): CRC-16/CCITT-FALSE, length-delimited
frames, resynchronisation after damage, records; the decoder never crashes on any bytes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.handheld import frames as F
from drivers.handheld.dock import split_readings


def test_crc16_is_ccitt_false_with_its_published_check_value():
    assert F.crc16(b"123456789") == 0x29B1  # CRC-16/CCITT-FALSE check (reveng catalogue)
    assert F.crc16(b"") == 0xFFFF


def test_documented_hello_example_round_trips():
    raw = F.encode(F.HELLO, 0, bytes((1,)) + F.u32(0x01020304))
    assert raw[:11] == bytes.fromhex("7E 05 00 01 00 00 01 04 03 02 01")
    assert raw[11:] == F.crc16(raw[1:11]).to_bytes(2, "big")
    assert F.Decoder().feed(raw) == [F.Frame(F.HELLO, 0, bytes.fromhex("0104030201"))]


def test_frames_split_across_reads_and_back_to_back():
    a, b = F.encode(F.UPLOAD_DATA, 7, b"\x7e" * 50), F.encode(F.ACK, 0, F.u16(8))
    dec, got = F.Decoder(), []
    for byte in a + b:
        got += dec.feed(bytes((byte,)))
    assert got == [F.Frame(F.UPLOAD_DATA, 7, b"\x7e" * 50), F.Frame(F.ACK, 0, F.u16(8))]
    assert dec.take_errors() == 0


def test_corrupted_crc_is_never_believed_and_counts_as_an_error():
    raw = bytearray(F.encode(F.UPLOAD_DATA, 3, b"hello"))
    raw[8] ^= 0x01
    dec = F.Decoder()
    assert dec.feed(bytes(raw)) == []
    assert dec.take_errors() >= 1


def test_a_good_frame_after_a_truncated_one_is_still_found():
    good = F.encode(F.UPLOAD_DATA, 4, b"x" * 40)
    cut = F.encode(F.UPLOAD_DATA, 3, b"y" * 300)[:120]  # the line died mid-frame, then recovered
    dec = F.Decoder()
    got = dec.feed(cut + good)
    got += dec.stale()  # the truncated frame's claimed length is never reached: timeout
    assert F.Frame(F.UPLOAD_DATA, 4, b"x" * 40) in got
    assert dec.take_errors() >= 1


def test_oversized_length_or_unknown_type_is_rejected_at_the_header():
    dec = F.Decoder()
    assert dec.feed(b"\x7e\xff\xff\x86\x00\x00") == []
    assert dec.take_errors() == 1
    good = F.encode(F.ACK, 0, F.u16(1))
    assert dec.feed(b"\x7e\x10\x00\x42" + good) == [F.Frame(F.ACK, 0, F.u16(1))]  # 0x42: no such type
    with pytest.raises(ValueError):
        F.encode(F.UPLOAD_DATA, 0, b"x" * (F.MAX_PAYLOAD + 1))


def test_reading_records_round_trip_exactly():
    readers = {"王师傅": 1}
    recs = [F.ReadingRecord("W-1", Decimal("1234.50"), date(2026, 11, 28), "王师傅"),
            F.ReadingRecord("电表-2", Decimal("0"), None, None)]
    payload = F.varint(0) + b"".join(r.encode(readers) for r in recs)
    raw = split_readings(payload, 1)
    assert [F.ReadingRecord.read(F.Reader(x), ["王师傅"]) for x in raw] == recs
    assert str(recs[0].reading) == "1234.50"  # exact text, never a float


def test_route_record_round_trip_and_none_becomes_empty():
    row = {"meter_no": "W1", "room": "1-101", "owner": "张三", "kind": "water", "digits": 6,
           "last_reading": "88.5", "last_period": None, "address": None, "protocol": None}
    rec = F.RouteRecord.from_route(row)
    assert F.RouteRecord.read(F.Reader(rec.encode())) == rec and rec.last_period == ""


def test_split_records_keeps_order_and_limit():
    recs = [bytes([i]) * 30 for i in range(100)]
    chunks = F.split_records(recs, 5, limit=100)
    assert [c[0] for c in chunks][:3] == [5, 8, 11]
    joined = b"".join(c[1][len(F.varint(c[0])):] for c in chunks)
    assert joined == b"".join(recs)


@given(st.lists(st.binary(max_size=300), max_size=20))
@settings(max_examples=300, deadline=None)
def test_decoder_never_crashes_and_believes_only_intact_frames(chunks):
    dec = F.Decoder()
    for c in chunks:
        for fr in dec.feed(c):
            assert fr.type in F.TYPES and len(fr.payload) <= F.MAX_PAYLOAD
            assert F.encode(fr.type, fr.seq, fr.payload)  # re-encodable: an intact frame
        dec.take_errors()
    dec.stale()


@given(st.binary(max_size=200), st.integers(0, 5000))
@settings(max_examples=200, deadline=None)
def test_payload_parsers_raise_only_payload_errors(data, pos):
    try:
        split_readings(data, min(pos, len(data)))
    except F.PayloadError:
        pass
    try:
        F.RouteRecord.read(F.Reader(data))
    except F.PayloadError:
        pass


@given(st.binary(min_size=1, max_size=2000), st.integers(0, 0xFFFF), st.integers(0, 10_000), st.integers(0, 7))
@settings(max_examples=200, deadline=None)
def test_any_single_bit_flip_is_caught(payload, seq, where, bit):
    raw = bytearray(F.encode(F.UPLOAD_DATA, seq, payload))
    i = 1 + where % (len(raw) - 1)
    raw[i] ^= 1 << bit
    assert F.Frame(F.UPLOAD_DATA, seq, payload) not in F.Decoder().feed(bytes(raw))


def test_resume_file_cuts_off_a_block_torn_by_a_crash(tmp_path):
    from drivers.handheld.dock import ResumeFile

    recs = [F.ReadingRecord(f"W{i}", Decimal(i), None, None).encode({}) for i in range(10)]
    rf = ResumeFile(tmp_path, "HH-1", "2026-11")
    rf.start(1234)
    rf.append(recs[:4])
    rf.append(recs[4:7])
    rf.close()
    whole = rf.path.stat().st_size
    with open(rf.path, "ab") as fh:  # the crash came while the third block was being written
        fh.write(F.u32(len(b"".join(recs[7:]))) + b"".join(recs[7:])[:5])
    again = ResumeFile(tmp_path, "HH-1", "2026-11")
    again.load()
    assert again.transfer == 1234 and again.records == recs[:7]
    assert again.path.stat().st_size == whole  # the torn block is gone: the next append follows the good ones


def test_route_text_longer_than_a_str8_is_cut_at_a_character_boundary():
    rec = F.RouteRecord.from_route({"meter_no": "W1", "owner": "张" * 100, "digits": 8})
    assert rec.owner == "张" * 85 and F.RouteRecord.read(F.Reader(rec.encode())) == rec
