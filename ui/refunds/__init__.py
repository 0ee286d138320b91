"""Refund windows: the refund dialog of the receipts screen (F6), the supervisor's approval
dialog, and the deposit return dialog of the Counter menu."""
