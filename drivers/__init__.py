"""Hardware and outside systems, each behind a small Protocol with a fake (DESIGN.md, convention 5).

`app/` never imports this package; the UI and the CLI wire a driver to the services.
"""
