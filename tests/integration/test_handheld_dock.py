"""The handheld dock over real pty pairs: the counter on pyserial, the simulator on the other
end (docs/handheld-protocol.md). Faults: corrupted CRC, truncated frame, line cut mid-upload
and resumed, silence, a missing port."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.errors import InputError
from drivers.handheld import frames as F
from drivers.handheld import simulator as S
from drivers.handheld.dock import Dock, HandheldError
from tests.support.handheld_line import FaultyPort, handheld_line

PERIOD = "2026-11"


def route(n: int) -> list[dict]:
    return [{"meter_no": f"W{i:05d}", "room": f"1-{i:03d}", "owner": "张三", "kind": "water", "digits": 6,
             "last_reading": f"{100 + i}.5", "last_period": "2026-10", "address": None, "protocol": None}
            for i in range(n)]


def readings(n: int) -> list[tuple[str, F.ReadingRecord]]:
    return [(PERIOD, F.ReadingRecord(f"W{i:05d}", Decimal(f"{200 + i}.25"), None, "王师傅" if i % 2 else None))
            for i in range(n)]


def dock(name: str, tmp_path, timeout: float = 0.5) -> Dock:  # type: ignore[no-untyped-def]
    return Dock.open(name, state_dir=tmp_path / "state", timeout=timeout, retries=6)  # slack for a loaded CI box


def test_download_then_upload_of_made_up_readings(tmp_path):
    with handheld_line() as line:
        with dock(line.name, tmp_path) as d:
            info = d.hello()
            assert info.device == "HH-SIM-0001" and info.route_count == 0
            out = d.download(route(250), PERIOD)
        assert out["sent"] == 250 and [r.meter_no for r in line.handheld.route][:2] == ["W00000", "W00001"]
        assert line.handheld.route_period == PERIOD and line.handheld.route[3].owner == "张三"
        seen: list[tuple[int, int]] = []
        with dock(line.name, tmp_path) as d:
            assert d.hello().route_count == 250
            up = d.upload(PERIOD, on_progress=lambda a, b: seen.append((a, b)))
            d.commit()
        assert len(up.readings) == 250 and up.resumed_from == 0
        by_no = {r.meter_no: r.reading for r in up.readings}
        assert all(Decimal("103.5") + i <= by_no[f"W{i:05d}"] <= Decimal("115.5") + i for i in range(250))
        assert seen[0] == (0, 250) and seen[-1] == (250, 250)
        assert up.transfer in line.handheld.committed
        assert not list((tmp_path / "state").glob("*.upload"))  # committed: nothing left to resume


def test_upload_of_a_readings_set_keeps_values_readers_and_order(tmp_path):
    hh = S.Handheld(readings=readings(1200) + [("2026-10", F.ReadingRecord("OLD", Decimal(1)))])
    with handheld_line(hh) as line, dock(line.name, tmp_path) as d:
        up = d.upload(PERIOD)
    assert [(PERIOD, r) for r in up.readings] == readings(1200)  # other periods stay on the handheld
    assert up.bytes == sum(len(r.encode({"王师傅": 1})) for _, r in readings(1200))


def _flip_crc_of(target: int):  # type: ignore[no-untyped-def]
    def mangle(n: int, raw: bytes) -> bytes:
        if n == target and raw[3] == F.UPLOAD_DATA:
            return raw[:-1] + bytes((raw[-1] ^ 0xFF,))
        return raw
    return mangle


def test_corrupted_crc_is_nakked_and_resent(tmp_path):
    hh = S.Handheld(readings=readings(600))
    # write 0 = HELLO_REPLY, then ACKs and frames interleave: corrupt the first data frame written
    state = {"done": False}

    def mangle(n: int, raw: bytes) -> bytes:
        if not state["done"] and raw[3] == F.UPLOAD_DATA:
            state["done"] = True
            return raw[:-1] + bytes((raw[-1] ^ 0xFF,))
        return raw

    with handheld_line(hh, wrap=lambda p: FaultyPort(p, mangle)) as line, dock(line.name, tmp_path) as d:
        up = d.upload(PERIOD)
        assert d.link.stats["bad_frames"] >= 1 and d.link.stats["naks_sent"] >= 1
        assert hh.link.stats["resent"] >= 1
    assert [(PERIOD, r) for r in up.readings] == readings(600)


def test_truncated_frame_is_dropped_and_the_resend_gets_through(tmp_path):
    hh = S.Handheld(readings=readings(600))
    state = {"done": False}

    def mangle(n: int, raw: bytes) -> bytes:
        if not state["done"] and raw[3] == F.UPLOAD_DATA:
            state["done"] = True
            return raw[: len(raw) // 3]  # the rest of the frame never arrives
        return raw

    with handheld_line(hh, wrap=lambda p: FaultyPort(p, mangle)) as line, dock(line.name, tmp_path) as d:
        up = d.upload(PERIOD)
        assert d.link.stats["bad_frames"] >= 1
        assert hh.link.stats["resent"] >= 1
    assert [(PERIOD, r) for r in up.readings] == readings(600)


@pytest.mark.parametrize("pace", [None, S.LINE_RATE_8N1])
def test_line_cut_mid_upload_then_resumed_gives_every_reading_exactly_once(tmp_path, pace):
    n = 3000
    hh = S.Handheld(readings=readings(n), cut_after=20_000)
    with handheld_line(hh, pace=pace) as line:
        with dock(line.name, tmp_path) as d:
            with pytest.raises(HandheldError) as cut:
                d.upload(PERIOD)
            sent = d.link.stats["sent"]
        assert d.link.stats["sent"] == sent  # no BYE into a dead line on close
        e = cut.value
        assert e.code == "handheld.line_lost" and 0 < e.params["received"] < n and e.params["total"] == n
        assert "中断" in e.text("zh") and "continues where it stopped" in e.text("en")
        kept = e.params["received"]
        with dock(line.name, tmp_path) as d:
            up = d.upload(PERIOD)
            d.commit()
    assert up.resumed_from == kept and hh.uploads == 2
    assert [(PERIOD, r) for r in up.readings] == readings(n)  # nothing lost, nothing twice, in order
    all_bytes = sum(len(r.encode({"王师傅": 1})) for _, r in readings(n))
    assert up.bytes < all_bytes and up.bytes == sum(len(r.encode({"王师傅": 1})) for _, r in readings(n)[kept:])


def test_resume_state_of_another_readings_set_is_not_reused(tmp_path):
    hh = S.Handheld(readings=readings(2000), cut_after=8_000)
    with handheld_line(hh) as line:
        with dock(line.name, tmp_path) as d, pytest.raises(HandheldError):
            d.upload(PERIOD)
        hh.readings = readings(2000)[:1500]  # the reader took new readings: another transfer
        with dock(line.name, tmp_path) as d:
            up = d.upload(PERIOD)
    assert up.resumed_from == 0 and [(PERIOD, r) for r in up.readings] == readings(1500)


def test_silent_line_is_a_clear_no_answer_error(tmp_path):
    with handheld_line(serve=False) as line, dock(line.name, tmp_path, timeout=0.1) as d:
        with pytest.raises(HandheldError) as e:
            d.upload(PERIOD)
    assert e.value.code == "handheld.no_answer" and line.name in e.value.text("en")
    assert "底座" in e.value.text("zh")


def test_missing_port_is_a_clear_input_error(tmp_path):
    with pytest.raises(InputError) as e:
        Dock.open("/dev/ttyNO-SUCH-DOCK", state_dir=tmp_path)
    assert e.value.code == "handheld.port_missing" and e.value.exit_status == 2
    assert "/dev/ttyNO-SUCH-DOCK" in e.value.text("zh") and "串口" in e.value.text("zh")


class NewerHandheld(S.Handheld):
    """A handheld that speaks only protocol version 2."""

    def _answer(self, link, fr, muted):  # type: ignore[no-untyped-def]
        if fr.type == F.HELLO:
            return self._fail(link, "version", "2")
        return super()._answer(link, fr, muted)


def test_handheld_of_another_protocol_version_is_refused(tmp_path):
    with handheld_line(NewerHandheld()) as line, dock(line.name, tmp_path) as d:
        with pytest.raises(HandheldError) as e:
            d.hello()
    assert e.value.code == "handheld.version" and e.value.params["version"] == "2"
    assert "升级" in e.value.text("zh")


def test_port_held_by_another_program_is_a_busy_error(tmp_path):
    with handheld_line(serve=False) as line, dock(line.name, tmp_path):
        with pytest.raises(InputError) as e:
            Dock.open(line.name, state_dir=tmp_path)
    assert e.value.code == "handheld.port_busy" and "占用" in e.value.text("zh")


def test_unusable_resume_folder_is_a_coded_error_before_anything_is_received(tmp_path):
    blocker = tmp_path / "state"
    blocker.write_text("a file where the resume folder should be")
    with handheld_line(S.Handheld(readings=readings(50))) as line, dock(line.name, tmp_path) as d:
        with pytest.raises(HandheldError) as e:
            d.upload(PERIOD)
    assert e.value.code == "handheld.state_failed" and "state" in e.value.text("en")


def test_port_vanishing_mid_upload_is_a_coded_error_and_the_part_received_is_kept(tmp_path):
    import os
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)
    hh = S.Handheld(readings=readings(3000), frame_bytes=500)
    state = {"bytes": 0}

    class Unplugged(S.FdPort):
        def write(self, data: bytes) -> int:
            state["bytes"] += len(data)
            if state["bytes"] > 8000:
                os.close(self.fd)  # the USB adapter is pulled out
                raise OSError("unplugged")
            return super().write(data)

    # paced at the line rate, so the counter has read what came before the plug was pulled
    t, stop = S.start_thread(hh, Unplugged(master), timeout=0.3, pace=S.LINE_RATE_8N1)
    try:
        d = dock(os.ttyname(slave), tmp_path)
        with pytest.raises(HandheldError) as e:
            d.upload(PERIOD)
        d.close()
    finally:
        stop.set()
        t.join(5)
        os.close(slave)
    assert e.value.code in {"handheld.port_failed", "handheld.line_lost"}
    saved = list((tmp_path / "state").glob("*.upload"))
    assert len(saved) == 1 and saved[0].stat().st_size > 100  # what came before the cut is kept for the resume


def test_a_period_without_readings_uploads_nothing(tmp_path):
    with handheld_line(S.Handheld(readings=readings(5))) as line, dock(line.name, tmp_path) as d:
        up = d.upload("2026-12")
        d.commit()
    assert up.readings == [] and up.bytes == 0


def test_counter_abandoning_an_upload_and_starting_again_while_the_handheld_still_sends(tmp_path):
    """The counter gives up mid-upload (here: its progress callback fails, like a crash) and a
    new session starts at once, while the handheld is still mid-way through sending: the
    handheld drops the old session's frames, and the new upload resumes cleanly."""
    from drivers.handheld.dock import open_port

    class Crash(Exception):
        pass

    def crash_after_two(done: int, total: int) -> None:
        if done >= 2 * 60:
            raise Crash()

    hh = S.Handheld(readings=readings(3000))
    with handheld_line(hh, pace=S.LINE_RATE_8N1) as line:
        port = open_port(line.name)
        try:
            with pytest.raises(Crash):
                Dock(port, state_dir=tmp_path / "state", timeout=0.5, retries=6).upload(PERIOD, crash_after_two)
            d = Dock(port, state_dir=tmp_path / "state", timeout=0.5, retries=6)
            up = d.upload(PERIOD)
            d.commit()
        finally:
            port.close()
    assert up.resumed_from >= 120 and [(PERIOD, r) for r in up.readings] == readings(3000)


class HandheldWithAnOldSessionInTheLine(S.Handheld):
    """Before answering a HELLO, frames of an older session (a reply to another counter's HELLO,
    an upload start) come out of the line first, as when a counter restarted mid-transfer."""

    def _answer(self, link, fr, muted):  # type: ignore[no-untyped-def]
        if fr.type == F.HELLO:
            old = b"\x00\x00\x00\x00" if fr.payload[1:5] != b"\x00\x00\x00\x00" else b"\x01\x01\x01\x01"
            link._write(F.encode(F.HELLO_REPLY, 0, bytes((F.VERSION,)) + old + F.str8("HH-OLD") + F.str8("")
                                 + F.varint(0) + F.varint(0)))
            link._write(F.encode(F.UPLOAD_BEGIN, 1, F.u32(99) + F.varint(7) + F.varint(5) + F.varint(0)))
        return super()._answer(link, fr, muted)


def test_frames_of_an_older_session_never_pass_for_this_one(tmp_path):
    with handheld_line(HandheldWithAnOldSessionInTheLine(readings=readings(300))) as line, \
            dock(line.name, tmp_path) as d:
        assert d.hello().device == "HH-SIM-0001"
        up = d.upload(PERIOD)
    assert up.resumed_from == 0 and [(PERIOD, r) for r in up.readings] == readings(300)


class MuteHandheld(S.Handheld):
    """Acknowledges the HELLO (the link does) but never answers it."""

    def _answer(self, link, fr, muted):  # type: ignore[no-untyped-def]
        return None


def test_a_handheld_that_acknowledges_but_never_replies_is_no_answer(tmp_path):
    with handheld_line(MuteHandheld()) as line, dock(line.name, tmp_path, timeout=0.1) as d:
        with pytest.raises(HandheldError) as e:
            d.hello()
    assert e.value.code == "handheld.no_answer" and line.name in e.value.text("en")
