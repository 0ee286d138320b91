"""PropDesk domain and services. Nothing here imports Qt, `ui` or `drivers`."""

__version__ = "0.1.0"
