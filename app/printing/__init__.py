"""Receipts and documents: layout and encoding from plain data, no devices.

Everything here takes plain dataclasses (`ReceiptDoc`, the PDF models) and returns bytes or
writes a file; sending bytes to a printer is `drivers.printer`'s job, so a jammed printer can
never reach back into the payment that produced the receipt.
"""
