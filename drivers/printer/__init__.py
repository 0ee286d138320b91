"""Receipt printers: one `Printer` Protocol, transports for network/serial/USB/Windows/file,
and a fake network printer. See docs/printing.md."""

from drivers.printer.base import Printer, PrinterError, PrinterStatus
from drivers.printer.factory import TRANSPORTS, open_printer

__all__ = ["Printer", "PrinterError", "PrinterStatus", "TRANSPORTS", "open_printer"]
