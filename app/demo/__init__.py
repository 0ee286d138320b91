"""The demo company (`propdesk init --demo`, `propdesk gui --demo`): a believable property
company with a year of bills and payments, for trying PropDesk and for benchmarks.

It is not a use case of the counter, so it lives beside the services rather than among
them; it calls them (the real bill run, users, ledger accounts) and writes the rest in bulk.

Modules:
- build: the entry point `build_demo`, the communities and their fee items;
- master: one community's buildings, rooms, people and cars;
- readings: meters and their twelve months of readings, storage forms, the bulk writer;
- names: the vocabulary (names, places, phone prefixes);
- plan: the payment history's random story (who pays what, when, how);
- history: the twelve bill runs and the payment rows written in bulk.
"""

from app.demo.build import (PERIODS, ROOMS_PER_COMMUNITY, Initials, build_demo, dec1, dec2, demo_periods,
                            demo_print_file, fee_items_for, month_add)

__all__ = ["PERIODS", "ROOMS_PER_COMMUNITY", "Initials", "build_demo", "dec1", "dec2", "demo_periods",
           "demo_print_file", "fee_items_for", "month_add"]
