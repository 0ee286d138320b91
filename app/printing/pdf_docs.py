"""The PDF documents, in one place for callers:

    receipt_pdf(doc: ReceiptDoc, path)                 A5 receipt
    bill_notice_pdf(notices: list[BillNotice], path)   缴费通知单, one A4 page per room
    arrears_notice_pdf(rows: list[ArrearsNotice], path) 催缴通知单, two per A4 page
    shift_report_pdf(report: ShiftReport, path)        交接班报表, A4

All text is drawn in one embedded CJK TrueType font (see fonts.py), so every PDF displays
and prints the same anywhere and its text extracts as Chinese.
"""

from app.printing.pdf_notices import arrears_notice_pdf, bill_notice_pdf
from app.printing.pdf_receipt import receipt_pdf
from app.printing.pdf_shift import shift_report_pdf

__all__ = ["arrears_notice_pdf", "bill_notice_pdf", "receipt_pdf", "shift_report_pdf"]
