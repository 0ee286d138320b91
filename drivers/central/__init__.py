"""The counter's link to central (docs/sync.md): `CentralLink` is the interface the sync
services use (defined in app, because app may not import drivers), `HttpCentralLink` the
real one, `fake.FakeCentral` an in-memory central for tests and demos."""

from __future__ import annotations

from app.services.sync.central_link import CentralLink
from app.services.sync.link_store import LinkConfig
from drivers.central.http import HttpCentralLink

__all__ = ["CentralLink", "HttpCentralLink", "open_link"]


def open_link(conf: LinkConfig) -> HttpCentralLink:
    return HttpCentralLink(conf.central, conf.token)
