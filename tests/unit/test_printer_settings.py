"""Printer settings: every transport of the registry, valid and invalid, and the drivers
serving exactly the registry's transports."""

from __future__ import annotations

import pytest

from app import printer_transports
from app.errors import InputError
from app.messages import catalog
from app.services.print_queue import driver_settings
from app.services.terminal_settings import validate_printer
from drivers.printer.factory import OPENERS, missing_openers

VALID = [
    ("none", "", {}),
    ("usb", "0416:5011", {"vendor_id": 0x0416, "product_id": 0x5011}),
    ("usb", "0x0416:0x5011", {"vendor_id": 0x0416, "product_id": 0x5011}),
    ("serial", "COM3", {"port": "COM3"}),
    ("serial", "/dev/ttyUSB0@115200", {"port": "/dev/ttyUSB0", "baudrate": 115200}),
    ("network", "192.168.1.50:9100", {"host": "192.168.1.50", "port": 9100}),
    ("network", "printer-1.local", {"host": "printer-1.local", "port": 9100}),
    ("win32raw", "XP-58", {"printer_name": "XP-58"}),
    ("win32raw", "", {}),  # Windows' default printer
    ("file", "/tmp/receipts.bin", {"path": "/tmp/receipts.bin"}),
]

INVALID = [
    ("usb", "", "needs a port or address"),
    ("usb", "printer", "VID:PID"),
    ("serial", "", "needs a port or address"),
    ("serial", "LPT1", "COM3"),
    ("serial", "COM3@fast", "COM3"),
    ("network", "", "needs a port or address"),
    ("network", "192.168.1.50:99999", "192.168.1.50:9100"),
    ("network", "http://printer", "192.168.1.50:9100"),
    ("win32raw", "\\\\server\x01", "XP-58"),
    ("file", "", "needs a port or address"),
    ("bluetooth", "AA:BB", "is not valid"),
]


@pytest.mark.parametrize("transport, target, driver", VALID)
def test_every_transport_accepts_its_settings(transport, target, driver):
    clean = validate_printer({"transport": transport, "target": target, "width_mm": 58})
    assert clean["transport"] == transport and clean["width_mm"] == 58
    out = driver_settings(clean)
    if transport == "none":
        assert out == {}
    else:
        assert {k: out[k] for k in driver} == driver and out["transport"] == transport
        assert out["drawer"] is True and "target" not in out


def test_the_windows_spooler_transport_documented_in_the_readme_is_accepted():
    assert validate_printer({"transport": "win32raw", "target": "XP-58"})["target"] == "XP-58"


@pytest.mark.parametrize("transport, target, needle", INVALID)
def test_every_transport_refuses_a_bad_target(transport, target, needle):
    with pytest.raises(InputError) as e:
        validate_printer({"transport": transport, "target": target})
    assert e.value.problems and e.value.problems[0].column in ("target", "transport")
    assert needle in e.value.text("en")
    assert "打印机设置有误" in e.value.text("zh")


@pytest.mark.parametrize("field, value", [("width_mm", 76), ("encoding", "big5"), ("cash_drawer", "yes"),
                                          ("customer_display", 1)])
def test_other_fields_are_checked(field, value):
    with pytest.raises(InputError) as e:
        validate_printer({"transport": "file", "target": "/tmp/r.bin", field: value})
    assert [p.column for p in e.value.problems] == [field]


def test_none_forgets_a_leftover_target():
    assert validate_printer({"transport": "none", "target": "COM3"})["target"] == ""


def test_each_registered_transport_has_a_driver_and_words():
    assert missing_openers() == []
    assert set(OPENERS) == set(printer_transports.names()) - {"none"}
    cat = catalog()
    for t in printer_transports.TRANSPORTS.values():
        assert all(cat[c][0] and cat[c][1] for c in (t.label, t.hint))
