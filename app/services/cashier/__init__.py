"""The counter: shifts, payments (bills, prepaid top-ups, deposits, one-off charges), voids."""
