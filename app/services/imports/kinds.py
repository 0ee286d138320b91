"""The kinds of import file (a module of its own: the CLI parser needs the names without
loading the importers)."""

KINDS = ("rooms", "meters", "readings", "fee-items")
