"""The counter side of central sync (docs/sync.md): push the outbox, pull central's changes,
join a central, the link's state and the loop that runs them.

Central is reached only through a `CentralLink` object handed in by the caller
(`drivers.central` makes the HTTP one; tests use `drivers.central.fake`): `app/` never
imports drivers. Modules: `errors` (what a link raises), `central_link` (the Protocol),
`standalone` (is this counter joined; the refusal of imports and bill runs), `link_store`
(URL and token, outside the database), `push`, `pull`, `join`, `status`, `loop`.

This package's `__init__` imports nothing on purpose: `standalone` is imported by the
import and bill-run services, and must not drag the appliers in.
"""
