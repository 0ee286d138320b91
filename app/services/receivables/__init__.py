"""What rooms owe: bill lines as the counter shows them (due, paid, late fee, how each amount
was made) and the ledger postings of new receivables. Both the billing services (which make
lines) and the cashier services (which pay them) build on this package; it imports neither,
so the two never import each other in a circle."""
