"""Reading meters over real pty pairs: every protocol path, faults, missing and busy ports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from drivers.meters.reader import read_meter
from drivers.meters.simulator import MeterSimulator, PtyPair
from drivers.serial.line import METER_LINE, FrameError, SerialError, SerialLine, open_port

FAST = METER_LINE.with_(timeout=0.4)


@pytest.fixture
def line_of():  # type: ignore[no-untyped-def]
    made: list = []

    def make(protocol: str, meters: list[tuple]) -> tuple[SerialLine, MeterSimulator]:
        pty = PtyPair()
        sim = MeterSimulator(pty.fd, protocol)
        for m in meters:
            sim.add(*m[:2], **(m[2] if len(m) > 2 else {}))
        sim.start()
        line = SerialLine(pty.path, FAST).open()
        made.append((line, sim, pty))
        return line, sim

    yield make
    for line, sim, pty in made:
        line.close()
        sim.stop()
        pty.close()


def test_dlt645_reads_forward_active_energy(line_of) -> None:  # type: ignore[no-untyped-def]
    line, sim = line_of("dlt645", [("000000000161", "1234.56"), ("000000000162", "0.26")])
    assert read_meter(line, "dlt645", "000000000161").value == Decimal("1234.56")
    v = read_meter(line, "dlt645", "162")
    assert (v.address, v.value, v.unit) == ("000000000162", Decimal("0.26"), "kWh")


def test_dlt645_broadcast_reads_the_only_meter(line_of) -> None:  # type: ignore[no-untyped-def]
    line, _ = line_of("dlt645", [("000000000161", "42.00")])
    assert read_meter(line, "dlt645", "AAAAAAAAAAAA").as_json() == {
        "address": "000000000161", "value": "42.00", "unit": "kWh", "protocol": "dlt645"}


def test_cjt188_water_gas_and_heat(line_of) -> None:  # type: ignore[no-untyped-def]
    line, _ = line_of("cjt188", [("00000000000201", "321.5", {"meter_type": 0x10}),
                                 ("00000000000202", "77.07", {"meter_type": 0x30}),
                                 ("00000000000203", "8.1", {"meter_type": 0x20})])
    assert read_meter(line, "cjt188", "00000000000201", "water").value == Decimal("321.50")
    assert read_meter(line, "cjt188", "00000000000202", "gas").value == Decimal("77.07")
    heat = read_meter(line, "cjt188", "00000000000203", "heat")
    assert (heat.value, heat.unit) == (Decimal("8.10"), "kWh")


@pytest.mark.parametrize("protocol,address", [("dlt645", "000000000161"), ("cjt188", "00000000000201")])
def test_bad_checksum_and_truncated_are_retried_then_refused(line_of, protocol, address) -> None:  # type: ignore[no-untyped-def]
    for fault, code in (("bad_checksum", "meter.frame_bad_checksum"), ("truncated", "serial.timeout")):
        line, sim = line_of(protocol, [(address, "5", {"fault": fault})])
        with pytest.raises((FrameError, SerialError)) as e:
            read_meter(line, protocol, address)
        assert e.value.code == code
        assert sim.requests == [address] * 3  # one try and two retries, then the error


@pytest.mark.parametrize("protocol,address", [("dlt645", "000000000161"), ("cjt188", "00000000000201")])
def test_error_reply_is_the_meters_error(line_of, protocol, address) -> None:  # type: ignore[no-untyped-def]
    line, _ = line_of(protocol, [(address, "5", {"fault": "error"})])
    with pytest.raises(FrameError) as e:
        read_meter(line, protocol, address)
    assert e.value.code == "meter.meter_error"


def test_a_meter_waking_up_answers_the_retry(line_of) -> None:  # type: ignore[no-untyped-def]
    line, sim = line_of("dlt645", [("000000000161", "9.99", {"fault": "once_silent"})])
    assert read_meter(line, "dlt645", "000000000161").value == Decimal("9.99")
    assert len(sim.requests) == 2


def test_no_answer_is_a_timeout_naming_port_and_tries(line_of) -> None:  # type: ignore[no-untyped-def]
    line, _ = line_of("dlt645", [])
    with pytest.raises(SerialError) as e:
        read_meter(line, "dlt645", "000000000999")
    assert e.value.code == "serial.timeout" and e.value.params["tries"] == 3
    assert line.port in e.value.text("zh") and "没有应答" in e.value.text("zh")


def test_missing_port_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SerialError) as e:
        open_port(str(tmp_path / "ttyUSB9"), METER_LINE)
    assert e.value.code == "serial.missing" and "找不到串口" in e.value.text("zh")


def test_busy_port_is_a_clear_error() -> None:
    pty = PtyPair()
    try:
        first = open_port(pty.path, METER_LINE)
        with pytest.raises(SerialError) as e:
            open_port(pty.path, METER_LINE)
        assert e.value.code == "serial.busy"
        first.close()
    finally:
        pty.close()


def test_bad_settings_are_refused() -> None:
    with pytest.raises(SerialError) as e:
        METER_LINE.with_(baudrate=1234, parity="X")
    assert e.value.code == "serial.bad_settings" and "1234" in e.value.text("en")

