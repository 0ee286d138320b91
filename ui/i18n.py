"""Translations. The source strings are English (self.tr / QCoreApplication.translate);
Simplified Chinese is the default language and comes from resources/i18n/propdesk_zh_CN.qm,
compiled from the .ts by pyside6-lrelease (both are in the repository; docs/gui.md says how
to update them). `--lang en` shows the English source strings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
LANGUAGES = ("zh_CN", "en")
_installed: list[QTranslator] = []
_lang = "zh_CN"


def message_lang() -> str:
    """The language of service messages (app.messages): 'zh', or 'en' with --lang en."""
    return "en" if _lang == "en" else "zh"


def install(app: QCoreApplication, lang: str = "zh_CN") -> bool:
    """Install the translators for `lang`; True when the app's own catalogue was loaded."""
    global _lang
    _lang = lang or "en"
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    if lang == "en" or not lang:
        QLocale.setDefault(QLocale("en_US"))
        return False
    QLocale.setDefault(QLocale(lang))
    ours = QTranslator(app)
    ok = ours.load(f"propdesk_{lang}", str(I18N_DIR))
    if ok:
        app.installTranslator(ours)
        _installed.append(ours)
    # Qt's own strings (OK/Cancel, context menus) when the Qt package ships them.
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase", "qt"):
        qt = QTranslator(app)
        if qt.load(f"{name}_{lang}", qt_dir):
            app.installTranslator(qt)
            _installed.append(qt)
            break
    return ok
