"""The receipt printer interface every transport implements, and its error.

A print job either reaches the printer whole or raises `PrinterError`. The caller (the UI's
print step after a committed payment) keeps the job's bytes and offers to reprint; nothing
here ever touches the payment, so a jammed or unplugged printer cannot cost one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from app.errors import AppError

# DLE EOT n: real-time status requests, answered with one byte whatever the printer is doing.
DLE_EOT = b"\x10\x04"
STATUS_PRINTER = 1  # bit 3: offline
STATUS_OFFLINE_CAUSE = 2  # bit 2: cover open, bit 5: stopped for paper end
STATUS_PAPER = 4  # bits 2-3: paper near end, bits 5-6: paper end
_OFFLINE_BIT = 0x08
_PAPER_NEAR_END = 0x0C
_PAPER_END = 0x60


@dataclass(frozen=True)
class PrinterStatus:
    online: bool
    paper_out: bool | None  # None: the printer did not say
    detail: str


class PrinterError(AppError):
    """A print job that did not (certainly) print: a message code (app/messages/devices.py)
    and its facts, so the cashier reads Chinese and the log may take English (`text("en")`);
    `retryable` is False for configuration errors that a retry cannot fix."""

    def __init__(self, code: str, *, retryable: bool = True, **params: object) -> None:
        super().__init__(code, **params)
        self.retryable = retryable

    @property
    def zh(self) -> str:
        return self.text("zh")

    @property
    def en(self) -> str:
        return self.text("en")


@runtime_checkable
class Printer(Protocol):
    def send(self, data: bytes, timeout: float = 10.0) -> None:
        """Deliver one whole print job, or raise PrinterError."""

    def status(self) -> PrinterStatus:
        """Never raises: an unreachable printer is `online=False` with the reason in `detail`."""

    def close(self) -> None: ...


def status_from_bytes(printer_byte: int | None, paper_byte: int | None) -> PrinterStatus:
    """Interpret the answers to DLE EOT 1 and DLE EOT 4 (either may be missing)."""
    if printer_byte is None and paper_byte is None:
        return PrinterStatus(True, None, "已连接，打印机未回答状态查询 / connected; printer does not answer status requests")
    offline = printer_byte is not None and bool(printer_byte & _OFFLINE_BIT)
    paper_out = None if paper_byte is None else bool(paper_byte & _PAPER_END)
    near_end = paper_byte is not None and bool(paper_byte & _PAPER_NEAR_END) and not paper_out
    if paper_out:
        detail = "打印机缺纸 / out of paper"
    elif offline:
        detail = "打印机离线（纸仓盖打开或故障）/ offline (cover open or error)"
    elif near_end:
        detail = "纸将用完 / paper near end"
    else:
        detail = "正常 / ready"
    return PrinterStatus(not offline, paper_out, detail)


def paper_out_error() -> PrinterError:
    return PrinterError("device.printer.paper_out")


def offline_error() -> PrinterError:
    return PrinterError("device.printer.offline")
