"""Meter protocols spoken on RS-485 lines at the counter (issue 13): DL/T 645-2007 for
electricity meters (dlt645), CJ/T 188-2004 for water, heat and gas meters (cjt188), and
`read_meter` which asks one meter for its cumulative register over a SerialLine."""
