"""The pole display (客显) driver: the real bytes over a pty, decoded by the fake display.

The command set (ESC @, FF, ESC s n lamps 1 单价 2 总计 3 收款 4 找零, ESC Q A digits CR) is the
one LED pole displays take; it matches e.g. github188/GIT
JavaPos/device/LineDisplay/WintecCD110_LineDisplay.java (ESC s 1..4 before ESC Q A … CR).
"""

from __future__ import annotations

import sys

import pytest

from app import devices
from app.errors import InputError
from app.services.terminal_settings import validate_printer
from drivers.display.base import DisplayError, number, show
from drivers.display.fake import Decoder, FakePoleDisplay, Shown
from drivers.display.serial_display import SerialDisplay, open_error

posix = pytest.mark.skipif(sys.platform == "win32", reason="pty")


def test_exact_bytes() -> None:
    assert show(2, 12345) == b"\x1bs\x02\x1bQA123.45\r"
    assert number(0) == b"\x1bQA0.00\r"
    assert number(99999999) == b"\x1bQA999999.99\r"
    with pytest.raises(DisplayError) as e:
        number(100000000)  # nine digits do not fit
    assert "客显" in e.value.text("zh")
    with pytest.raises(TypeError):
        number(1.5)  # type: ignore[arg-type]


def test_decoder_takes_bytes_in_any_chunks() -> None:
    d = Decoder()
    data = b"\x1b@" + show(3, 20000) + b"\x0c\x1bs\x00" + show(4, 550)
    for i in range(len(data)):
        d.feed(data[i:i + 1])
    assert d.shown == Shown("找零", "5.50")
    assert ("number", "200.00") in d.events and not d.errors


@posix
def test_total_received_change_over_a_pty() -> None:
    with FakePoleDisplay() as fake:
        disp = SerialDisplay(fake.port)
        try:
            disp.show_total(123456)
            assert fake.wait_for(lambda f: f.shown == Shown("总计", "1234.56"))
            disp.show_received(130000)
            assert fake.wait_for(lambda f: f.shown == Shown("收款", "1300.00"))
            disp.show_change(6544)
            assert fake.wait_for(lambda f: f.shown == Shown("找零", "65.44"))
            disp.clear()
            assert fake.wait_for(lambda f: f.shown == Shown("", ""))
        finally:
            disp.close()
        assert fake.raw.startswith(b"\x1b@\x1bs\x02\x1bQA1234.56\r")  # initialised once, on open
        assert [s for s in fake.history if s.text] == [Shown("总计", "1234.56"), Shown("收款", "1300.00"),
                                                        Shown("找零", "65.44")]
        assert not fake.decoder.errors


def test_missing_port_is_a_coded_error(tmp_path) -> None:
    disp = SerialDisplay(str(tmp_path / "ttyNOPE"))
    with pytest.raises(DisplayError) as e:
        disp.show_total(100)
    assert e.value.code == "device.display.missing"
    assert "找不到客显串口" in e.value.text("zh") and "does not exist" in e.value.text("en")
    with pytest.raises(DisplayError) as e:
        SerialDisplay("").show_total(100)
    assert e.value.code == "device.display.no_port"


@posix
def test_busy_port_is_a_coded_error() -> None:
    with FakePoleDisplay() as fake:
        first = SerialDisplay(fake.port)
        first.show_total(100)
        try:
            with pytest.raises(DisplayError) as e:
                SerialDisplay(fake.port).show_total(200)
            assert e.value.code == "device.display.busy"
            assert "占用" in e.value.text("zh")
        finally:
            first.close()


def test_windows_style_errors_are_classified() -> None:
    assert open_error("COM9", OSError("could not open port 'COM9': FileNotFoundError(2, 'The system cannot "
                                      "find the file specified.')")).code == "device.display.missing"
    assert open_error("COM3", OSError("could not open port 'COM3': PermissionError(13, 'Access is denied.')")
                      ).code == "device.display.busy"


def test_registry_defaults_and_settings() -> None:
    d = devices.get("display")
    assert d.defaults == {"port": "", "baudrate": 2400, "parity": "N"}
    clean = validate_printer({"transport": "none"})
    assert clean["display_port"] == "" and clean["display_baudrate"] == 2400
    assert devices.display_settings(clean) is None  # flag off
    on = validate_printer({"transport": "none", "customer_display": True, "display_port": "COM4"})
    assert devices.display_settings(on) == {"port": "COM4", "baudrate": 2400, "parity": "N"}
    assert devices.display_settings({**on, "display_port": ""}) is None  # flag on, no port: nothing to drive
    with pytest.raises(InputError) as e:
        validate_printer({"transport": "none", "display_port": "printer please", "display_baudrate": 1234,
                          "display_parity": "X"})
    columns = {p.column for p in e.value.problems}
    assert columns == {"display_port", "display_baudrate", "display_parity"}


@posix
def test_port_settings_reach_the_line() -> None:
    import termios

    with FakePoleDisplay() as fake:
        disp = SerialDisplay(fake.port, 9600, "O")
        try:
            disp.show_total(100)
            assert fake.wait_for(lambda f: f.shown.text == "1.00")
            _i, _o, cflag, _l, ispeed, ospeed, _cc = termios.tcgetattr(fake._slave)
            # A pty forces 8 bits and drops parity (Linux pty_set_termios), so parity is checked
            # on the port object pyserial configured rather than on the line.
            assert disp._ser is not None and disp._ser.parity == "O" and disp._ser.bytesize == 8
        finally:
            disp.close()
    assert cflag & termios.CSIZE == termios.CS8 and not cflag & termios.CSTOPB  # 8 data bits, 1 stop bit
    assert ispeed == ospeed == termios.B9600
    with pytest.raises(ValueError):
        SerialDisplay("COM4", 2400, "X")
