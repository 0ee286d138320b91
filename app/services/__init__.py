"""Services: one module per capability, each a set of functions taking a Session (one unit
of work) and returning plain results."""
