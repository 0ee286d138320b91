"""The first-run wizard, driven to the end: standalone (admin password, terminal, printer and
ports stored; this PC remembers its terminal code) and joining the in-process fake central
(users and rooms pulled with progress, no local admin made)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from app.config import Settings
from app.context import AppContext
from app.db.models import Terminal
from app.services import first_run, users
from ui.wizard.first_run import FirstRunWizard

SHOTS = os.environ.get("PROPDESK_WIZARD_SHOTS")  # a folder: save each page at 1366×768 to look at


@pytest.fixture
def fresh(tmp_path):  # type: ignore[no-untyped-def]
    """A new install: migrated, no user, no terminal."""
    url = f"sqlite:///{tmp_path / 'new.db'}"
    c = AppContext.open(url, "T1", "admin")
    yield c
    c.close()


def _shot(wiz: QWizard, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        wiz.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _start(qtbot, ctx, lang="zh_CN", open_link=None) -> FirstRunWizard:  # type: ignore[no-untyped-def]
    wiz = FirstRunWizard(ctx, lang=lang, open_link=open_link or (lambda conf: pytest.fail("no central here")))
    qtbot.addWidget(wiz)
    wiz.resize(1366, 768)
    wiz.show()
    qtbot.waitExposed(wiz)
    return wiz


def test_a_new_database_needs_setup_an_initialised_one_does_not(fresh, ctx):
    with fresh.uow() as s:
        assert first_run.needs_setup(s)
    with ctx.uow() as s:  # what `propdesk init` (and the demo) leave
        assert not first_run.needs_setup(s)


def test_standalone_setup_to_the_end(qtbot, fresh):
    wiz = _start(qtbot, fresh)
    assert wiz.currentId() == wiz.LANGUAGE
    _shot(wiz, "1-language")
    wiz.next()
    page = wiz.pages[wiz.TERMINAL]
    page.code.setText("")
    assert not page.isComplete()  # an empty code cannot go on
    page.code.setText("a2")
    assert page.isComplete()
    _shot(wiz, "2-terminal")
    wiz.next()
    assert wiz.terminal == "A2" and wiz.currentId() == wiz.MODE
    _shot(wiz, "3-mode")
    wiz.next()
    printer = wiz.pages[wiz.PRINTER]
    dlg = printer.dialog
    dlg.transport.setCurrentIndex(dlg.transport.findData("file"))
    dlg.target.setText(str(Path(fresh.settings.db_url.removeprefix("sqlite:///")).with_name("receipts.bin")))
    _shot(wiz, "4-printer")
    printer.test_page(dlg.build())  # the same test page as Settings → Printer…
    qtbot.waitUntil(lambda: "…" not in printer.result.text(), timeout=20000)
    assert printer.result.text() in ("测试页已打印：请查看打印纸。", "Test page printed: check the paper.")
    wiz.next()
    assert wiz.printer["transport"] == "file"
    ports = wiz.pages[wiz.PORTS]
    ports.combos["display"].setEditText("/dev/ttyUSB1")
    if ports.dock is not None:  # the handheld dock (until app.devices has an entry for it)
        ports.dock.setEditText("not a port")
        wiz.next()
        assert wiz.currentId() == wiz.PORTS and "not a port" in ports.note.text()
        ports.dock.setEditText("/dev/ttyUSB2")
    _shot(wiz, "5-ports")
    wiz.next()
    admin = wiz.pages[wiz.ADMIN]
    admin.password.setText("secret1")
    admin.again.setText("secret2")
    wiz.next()
    assert wiz.currentId() == wiz.ADMIN and admin.error.text()  # mismatch: stays, says why
    admin.password.setText("admin")
    admin.again.setText("admin")
    wiz.next()
    assert wiz.currentId() == wiz.ADMIN  # never the default password
    admin.password.setText("secret1")
    admin.again.setText("secret1")
    _shot(wiz, "6-admin")
    wiz.next()
    assert wiz.currentId() == wiz.DONE
    _shot(wiz, "7-done")
    wiz.accept()
    assert wiz.result == {"mode": "standalone", "terminal": "A2", "admin": "admin", "lang": "zh_CN"}
    with fresh.uow() as s:
        assert not first_run.needs_setup(s)
        assert users.authenticate(s, "admin", "secret1")["username"] == "admin"
        t = s.query(Terminal).filter_by(code="A2").one()
        assert t.printer["transport"] == "file" and t.printer["display_port"] == "/dev/ttyUSB1"
        assert t.printer["customer_display"] is True
    # this PC keeps its terminal code: the next start (GUI or CLI) is counter A2
    assert Settings.load(db=fresh.settings.db_url).terminal == "A2"
    from app import counter_file

    if ports.dock is not None:
        assert counter_file.load(fresh.settings.db_url)["handheld_port"] == "/dev/ttyUSB2"


def test_finishing_twice_is_refused(fresh):
    with fresh.uow() as s:
        first_run.set_up_standalone(s, "T1", "secret1")
    from app.errors import Conflict

    with pytest.raises(Conflict) as e, fresh.uow() as s:
        first_run.set_up_standalone(s, "T1", "other12")
    assert e.value.code == "setup.already_done"


def test_english_chosen_on_the_first_page_turns_the_wizard_english(qtbot, fresh):
    wiz = _start(qtbot, fresh)
    try:
        page = wiz.pages[wiz.LANGUAGE]
        assert page.title() == "欢迎使用 PropDesk"
        page.en.setChecked(True)
        assert wiz.lang == "en"
        qtbot.waitUntil(lambda: page.title() == "Welcome to PropDesk")  # Qt delivers LanguageChange queued
        assert wiz.buttonText(QWizard.WizardButton.NextButton) == "Next >"
        page.zh.setChecked(True)
        qtbot.waitUntil(lambda: page.title() == "欢迎使用 PropDesk")
        assert wiz.buttonText(QWizard.WizardButton.NextButton) == "下一步 >"
    finally:
        from ui import i18n

        i18n.install(wiz_app(), "zh_CN")


def wiz_app():  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    return QApplication.instance()


def test_join_central_pulls_with_progress_and_skips_the_admin_page(qtbot, fresh, tmp_path):
    from sqlalchemy import select

    from app.central.shipping import master_rows
    from app.db.models import Community
    from drivers.central.fake import FakeCentral

    head_office = AppContext.open(f"sqlite:///{tmp_path / 'central.db'}", "T9", "admin")
    try:
        with head_office.uow() as s:
            users.ensure_user(s, "admin", "manager", "管理员", password="central-pw")
            users.ensure_user(s, "c1", "cashier", "收银员一", password="123456")
            s.add(Community(name="东区"))
            s.flush()
            cid = s.scalar(select(Community.id))
            rows = master_rows(s, cid, ["community", "role", "app_user"])
    finally:
        head_office.close()
    central = FakeCentral(terminal="B3", communities=["东区"])
    central.snapshots["东区"] = rows
    opened = []

    def open_link(conf):  # type: ignore[no-untyped-def]
        opened.append(conf)
        return central

    wiz = _start(qtbot, fresh, open_link=open_link)
    wiz.next()
    wiz.pages[wiz.TERMINAL].code.setText("B3")
    wiz.next()
    mode = wiz.pages[wiz.MODE]
    mode.join.setChecked(True)
    assert not mode.isComplete()  # not joined yet
    mode.url.setText("not a url")
    mode.token.setText("tok")
    mode.join_button.click()
    assert mode.status.text() and not mode.running and not opened  # refused before connecting
    mode.url.setText("http://10.0.0.5:8765")
    mode.join_button.click()
    qtbot.waitUntil(lambda: not mode.running, timeout=30000)
    _shot(wiz, "3b-joined")
    assert mode.joined is not None and mode.joined["communities"] == ["东区"], mode.status.text()
    assert opened[0].terminal == "B3" and opened[0].central == "http://10.0.0.5:8765"
    assert mode.isComplete() and "东区" in mode.status.text()
    wiz.next()  # printer: leave "none"
    wiz.next()  # ports
    wiz.next()
    assert wiz.currentId() == wiz.DONE  # users are central's: no admin page
    wiz.accept()
    assert wiz.result["mode"] == "joined" and wiz.result["terminal"] == "B3"
    with fresh.uow() as s:
        assert users.authenticate(s, "c1", "123456")["role"] == "cashier"
        assert users.authenticate(s, "admin", "central-pw")
        assert s.query(Terminal).filter_by(code="B3").one() is not None
        assert not first_run.needs_setup(s)


def test_the_app_shows_the_wizard_only_on_a_new_database(qtbot, fresh, ctx, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from ui import app as ui_app

    shown: list[FirstRunWizard] = []

    def fake_exec(self):  # type: ignore[no-untyped-def]
        shown.append(self)
        return QDialog.DialogCode.Rejected  # the cashier cancelled

    monkeypatch.setattr(FirstRunWizard, "exec", fake_exec)
    assert ui_app._first_run(ctx, "zh_CN") == (ctx, "zh_CN") and not shown  # `init`/demo: straight on
    assert ui_app._first_run(fresh, "zh_CN") == (None, "zh_CN") and len(shown) == 1  # new: wizard; cancel quits
    with fresh.uow() as s:
        assert first_run.needs_setup(s)  # nothing stored
    assert Settings.load(db=fresh.settings.db_url).terminal == "T1"


def test_the_language_chosen_in_the_wizard_is_this_pcs_default(fresh):
    from argparse import Namespace

    from app import counter_file
    from ui.cli_gui import ui_language

    settings = Settings.load(db=fresh.settings.db_url)
    assert ui_language(Namespace(ui_lang=None, lang=None), settings) == "zh_CN"
    counter_file.save(fresh.settings.db_url, lang="en")
    assert ui_language(Namespace(ui_lang=None, lang=None), settings) == "en"
    assert ui_language(Namespace(ui_lang="zh_CN", lang=None), settings) == "zh_CN"  # the option still wins


def test_gui_screenshot_of_the_wizard_stores_nothing(tmp_path, qapp):
    from ui.app import run_gui

    url = f"sqlite:///{tmp_path / 'shot.db'}"
    out = tmp_path / "wizard.png"
    assert run_gui(Settings.load(db=url), screenshot=str(out), screen="first-run", lang="zh_CN") == 0
    assert out.stat().st_size > 10_000
    c = AppContext.open(url, "T1", "admin")
    try:
        with c.uow() as s:
            assert first_run.needs_setup(s)
    finally:
        c.close()
