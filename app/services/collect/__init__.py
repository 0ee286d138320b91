"""Bank collection (托收): mandates (mandates.py), bank file layouts (layouts.py), debit
batches out and return files in (batches.py), and what the arrears report asks (query.py).
docs/bank-collection.md describes the flow and the layouts."""
