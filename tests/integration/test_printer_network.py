"""A receipt over a real TCP socket to the fake 9100 printer: delivered whole, status read,
and every way it can fail surfaces as PrinterError (the caller keeps the job to reprint)."""

from __future__ import annotations

import socket

import pytest

from app.printing.escpos_layout import PrinterProfile, render_escpos
from drivers.printer import Printer, PrinterError, open_printer
from drivers.printer.fake_server import FakePrinterServer, _Scanner
from tests.support.escpos_decode import decode, qr_payloads, text_of
from tests.support.printing_samples import receipt


@pytest.fixture
def fake():
    with FakePrinterServer() as server:
        yield server


def test_a_receipt_arrives_whole(fake):
    job = render_escpos(receipt(), 80)
    printer = open_printer(fake.settings)
    assert isinstance(printer, Printer)
    printer.send(job, timeout=5)
    [got] = fake.wait_for_jobs(1)
    assert got == job
    assert fake.connections[0].queries == [4, 4]  # paper checked before and after
    tokens = decode(got)
    assert "收款收据" in text_of(tokens) and qr_payloads(tokens) == [receipt().qr_payload]


def test_raster_qr_job_is_not_mistaken_for_status_requests(fake):
    job = render_escpos(receipt(), profile=PrinterProfile(qr="image"))
    open_printer(fake.settings).send(job)
    assert fake.wait_for_jobs(1) == [job]
    assert fake.connections[0].queries == [4, 4]


def test_status_online_and_paper_out(fake):
    printer = open_printer(fake.settings)
    st = printer.status()
    assert (st.online, st.paper_out) == (True, False)
    fake.near_end = True
    assert "near end" in printer.status().detail
    fake.near_end, fake.paper_out = False, True
    st = printer.status()
    assert (st.online, st.paper_out) == (False, True) and "缺纸" in st.detail


def test_paper_out_refuses_the_job_before_printing_any_of_it(fake):
    fake.paper_out = True
    with pytest.raises(PrinterError, match="缺纸") as e:
        open_printer(fake.settings).send(render_escpos(receipt()))
    assert "out of paper" in e.value.text("en") and e.value.retryable
    # The printer's side of every connection has ended (not a sleep: each one's closed event).
    assert fake.connections and all(c.closed.wait(10) for c in fake.connections)
    assert all(not c.data for c in fake.connections)


def test_printer_dropping_the_connection_mid_job_raises(fake):
    fake.drop_after = 300
    job = render_escpos(receipt(), profile=PrinterProfile(qr="image"))  # ~11 KB, well past the drop
    with pytest.raises(PrinterError, match="断开连接") as e:
        open_printer(fake.settings).send(job, timeout=5)
    assert "mid-job" in e.value.en
    assert fake.connections[0].dropped and len(fake.connections[0].data) == 300
    fake.drop_after = None  # the printer is back: the kept job prints on retry
    open_printer(fake.settings).send(job, timeout=5)
    assert fake.wait_for_jobs(1) == [job]


def test_silent_printer_still_prints_and_a_drop_is_still_caught():
    with FakePrinterServer(answer_status=False) as fake:
        printer = open_printer({**fake.settings, "status_timeout": 0.2})
        job = render_escpos(receipt())
        printer.send(job)
        assert printer.answers_status is False
        printer.send(job)  # no more waiting for a status answer that never comes:
        assert fake.wait_for_jobs(2) == [job, job]
        assert fake.connections[1].queries == []  # the second job asked no status at all
        st = printer.status()
        assert st.online and st.paper_out is None
        fake.drop_after = 100
        with pytest.raises(PrinterError):
            printer.send(render_escpos(receipt(), profile=PrinterProfile(qr="image")))


def test_unreachable_printer():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    printer = open_printer({"transport": "network", "host": "127.0.0.1", "port": port})
    with pytest.raises(PrinterError, match="无法连接打印机"):
        printer.send(b"\x1b@", timeout=2)
    st = printer.status()
    assert not st.online and "无法连接打印机" in st.detail  # the cashier reads the status


def test_scanner_handles_requests_split_across_chunks():
    sc = _Scanner()
    data1, q1 = sc.feed(b"\x1b@AB\x10")
    data2, q2 = sc.feed(b"\x04\x04CD\x1dv0\x00\x01\x00\x02")
    data3, q3 = sc.feed(b"\x00\x10\x04rest")  # raster bytes that look like DLE EOT are data
    assert data1 + data2 + data3 + sc.pending == b"\x1b@ABCD\x1dv0\x00\x01\x00\x02\x00\x10\x04rest"
    assert q1 + q2 + q3 == [4]


def test_printer_that_stops_answering_mid_job_is_not_taken_as_printed(fake):
    printer = open_printer({**fake.settings, "status_timeout": 0.2})
    printer.send(render_escpos(receipt()))
    assert printer.answers_status is True
    fake.answer_status = False  # e.g. it hung with the job half in its buffer
    with pytest.raises(PrinterError, match="无响应"):
        printer.send(render_escpos(receipt()), timeout=0.8)
