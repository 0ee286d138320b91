"""Display names of codes the services return (tender methods, payment kinds, statuses…),
in one translation context so the .ts file holds each once. Money formatting lives here
too: integer fen in, text out, never a float."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from app import tender_methods
from ui.i18n import message_lang  # noqa: F401  (re-exported: views take the language from here)
from app.money import fen_to_yuan_str


translate = QCoreApplication.translate


def method_name(method: str) -> str:
    """A tender method's name from the registry (app.tender_methods), in the UI's language."""
    return tender_methods.label(method, message_lang())


def kind_name(kind: str) -> str:
    names = {"bills": translate("Texts", "Bills"), "prepay": translate("Texts", "Prepaid top-up"), "deposit": translate("Texts", "Deposit"),
             "one_off": translate("Texts", "One-off charge"), "refund": translate("Texts", "Refund")}
    return names.get(kind, kind)


def status_name(status: str) -> str:
    names = {"issued": translate("Texts", "Issued"), "void": translate("Texts", "Void"), "unpaid": translate("Texts", "Unpaid"), "paid": translate("Texts", "Paid"),
             "credited": translate("Texts", "Credited")}
    return names.get(status, status)


def usage_name(usage: str) -> str:
    names = {"residential": translate("Texts", "Residential"), "shop": translate("Texts", "Shop"), "office": translate("Texts", "Office"),
             "parking": translate("Texts", "Parking")}
    return names.get(usage, usage)


def matched_name(how: str) -> str:
    names = {"qr": translate("Texts", "scanned QR"), "room": translate("Texts", "room"), "phone": translate("Texts", "phone"), "last4": translate("Texts", "phone last 4"),
             "number": translate("Texts", "room number"), "name": translate("Texts", "name"), "initials": translate("Texts", "initials")}
    return names.get(how, how)


def transport_name(transport: str | None) -> str:
    """How a printer is connected, in words (never the stored code): from the transport
    registry (app.printer_transports)."""
    from app import printer_transports

    entry = printer_transports.get(transport or "none")
    return entry.name_in(message_lang()) if entry else (transport or "")


def profile_name(profile: str | None) -> str:
    """The printer profile; the built-in one is shown as 默认, not the stored word 'default'."""
    return translate("Texts", "Standard") if not profile or profile == "default" else profile


def printer_error_text(error: str | None) -> str:
    """A print job's error as stored by the print worker ('中文 / English' from PrinterError):
    the part in the UI's language."""
    from ui import i18n

    text = error or ""
    if " / " in text:
        zh, _, en = text.partition(" / ")
        return en if i18n.message_lang() == "en" else zh
    return text


def yuan(fen: int) -> str:
    """'¥1,234.50' — grouped for reading across the counter."""
    text = fen_to_yuan_str(fen)
    sign = "-" if text.startswith("-") else ""
    whole, frac = text.lstrip("-").split(".")
    return f"{sign}¥{int(whole):,}.{frac}"


def tenders_text(tenders: list[dict]) -> str:
    return " + ".join(f"{method_name(t['method'])} {fen_to_yuan_str(t['amount_fen'])}" for t in tenders)
