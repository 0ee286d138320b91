"""QAbstractTableModel models of the counter screens (each checked by qtmodeltester)."""
