"""A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files
(for the gateway emulator's HTTPS mode: WeChat's /secapi/ calls present a client cert)."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _write_key(key, path: Path) -> None:  # noqa: ANN001
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def make_certs(folder: Path, client_cn: str = "1900000109") -> dict[str, Path]:
    now = datetime.now(timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("PropDesk test CA")).issuer_name(_name("PropDesk test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))

    def leaf(cn: str, server: bool) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        key = ec.generate_private_key(ec.SECP256R1())
        b = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(ca.subject).public_key(key.public_key())
             .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
             .not_valid_after(now + timedelta(days=2))
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True))
        if server:
            b = b.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                critical=False)
        return b.sign(ca_key, hashes.SHA256()), key

    folder.mkdir(parents=True, exist_ok=True)
    out = {name: folder / f"{name}.pem" for name in ("ca", "server", "server_key", "client", "client_key")}
    out["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    for stem, (cert, key) in (("server", leaf("127.0.0.1", True)), ("client", leaf(client_cn, False))):
        out[stem].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(key, out[f"{stem}_key"])
    return out
