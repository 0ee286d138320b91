"""Appliers of counter events (registered in app.sync_events): each re-creates on this
database the rows another terminal wrote, with the same ids, and posts the same ledger
transactions. No HTTP here: central's push handler and a counter's pull both call
`app.sync_events.apply_event`."""
