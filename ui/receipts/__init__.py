"""The receipts history screen (票据)."""
