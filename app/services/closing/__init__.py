"""End of day: statement files from WeChat Pay, Alipay and the bank's POS (statements/),
matching them to our tenders (reconcile), and the day close that locks a business day
(day_close, day_lock). docs/day-close.md."""
