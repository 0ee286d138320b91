"""The meter reader's handheld (抄表机) in its dock on a serial line: our own protocol
(docs/handheld-protocol.md). frames = bytes, link = reliable exchange, dock = counter side,
simulator = the handheld end (tests and the demo)."""
