"""Serial ports shared by every serial device (receipt printer, customer display, and the
meter and handheld drivers to come): one open port per device object, used by one thread at
a time, dropped on any error so the next call reopens it."""
