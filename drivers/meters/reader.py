"""Read one meter's cumulative register over a serial line, whatever its protocol."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.errors import InputError
from drivers.meters import cjt188, dlt645
from drivers.serial.line import SerialLine

PROTOCOLS = ("dlt645", "cjt188")
KINDS = ("water", "hot_water", "gas", "heat")  # CJ/T 188 meter kinds (electricity is DL/T 645)


@dataclass(frozen=True)
class MeterValue:
    address: str
    value: Decimal
    unit: str
    protocol: str

    def as_json(self) -> dict:
        return {"address": self.address, "value": format(self.value, "f"), "unit": self.unit,
                "protocol": self.protocol}


def check_protocol(protocol: str) -> str:
    if protocol not in PROTOCOLS:
        raise InputError("meters.bad_protocol", value=protocol, allowed=list(PROTOCOLS))
    return protocol


def read_meter(line: SerialLine, protocol: str, address: str, kind: str = "water") -> MeterValue:
    """Forward active energy (dlt645, kWh) or current cumulative flow / heat (cjt188)."""
    check_protocol(protocol)
    if protocol == "dlt645":
        dlt645.read_request(address)  # validates the address before the line is used
        e = line.exchange(dlt645.read_request(address), dlt645.reply_reader(address))
        return MeterValue(e.address, e.kwh, "kWh", protocol)
    if kind not in cjt188.TYPES or kind == "electricity":
        raise InputError("meters.bad_kind", value=kind, allowed=list(KINDS))
    t = cjt188.TYPES[kind]
    r = line.exchange(cjt188.read_request(t, address), cjt188.reply_reader(address, t))
    return MeterValue(r.address, r.value, r.unit, protocol)
