"""The network side of `propdesk gateway` and of the scan tender: installs the real gateway
factory (drivers.gateways.factory.open_gateway) into app.services.scan_pay. Loaded through
the `propdesk.commands` entry point (app never imports drivers); the factory module is
imported when a gateway is first opened, so the rest of the CLI does not pay for it."""

from __future__ import annotations

from typing import Any

from app.gateways import Gateway
from app.services import scan_pay


def open_gateway(name: str, settings: dict[str, Any]) -> Gateway:
    from drivers.gateways.factory import open_gateway as real  # lazily: G1's module

    return real(name, settings)


scan_pay.install_factory(open_gateway)
