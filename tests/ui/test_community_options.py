"""The 小区选项 dialog (Settings → Community options…): loads each community's options,
saves the changed ones through the service, read-only for a cashier (issue 10)."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QDialog

from app.services import community_options
from app.services.cashier.payments import DEFAULT_MAX_CHANGE_FEN
from tests.ui.conftest import idle
from ui.dialogs.community_options import CommunityOptionsDialog

TWO = [{"community": "阳光花园", "prepaid_deduction": True, "max_change_fen": 50000},
       {"community": "翠湖苑", "prepaid_deduction": False, "max_change_fen": DEFAULT_MAX_CHANGE_FEN}]


def test_dialog_shows_the_chosen_communitys_options(qtbot):
    d = CommunityOptionsDialog(None, TWO)
    qtbot.addWidget(d)
    assert d.community.count() == 2 and d.community.isVisibleTo(d)
    assert d.deduction.isChecked() and d.max_change.text() == "500.00"
    d.community.setCurrentIndex(1)
    assert not d.deduction.isChecked() and d.max_change.text() == "1000.00"


def test_dialog_returns_only_what_changed(qtbot):
    d = CommunityOptionsDialog(None, TWO)
    qtbot.addWidget(d)
    d.accept()
    assert d.value == ("阳光花园", {})
    d = CommunityOptionsDialog(None, TWO)
    qtbot.addWidget(d)
    d.community.setCurrentIndex(1)
    d.deduction.setChecked(True)
    d.max_change.setText("２００")  # full-width digits, as a Chinese IME types them
    d.accept()
    assert d.value == ("翠湖苑", {"prepaid_deduction": True, "max_change_fen": 20000})


def test_dialog_refuses_a_bad_amount_on_its_error_line(qtbot):
    d = CommunityOptionsDialog(None, TWO[:1])
    qtbot.addWidget(d)
    assert not d.community.isVisibleTo(d)  # one community: its name, no picker
    for text in ("-5", "abc", "1.234", ""):
        d.max_change.setText(text)
        d.accept()
        assert d.value is None and d.error.text() and d.result() != QDialog.DialogCode.Accepted


def test_read_only_dialog_changes_nothing(qtbot):
    d = CommunityOptionsDialog(None, TWO, read_only=True)
    qtbot.addWidget(d)
    assert not d.deduction.isEnabled() and d.max_change.isReadOnly()
    d.accept()
    assert d.value is None and d.result() == QDialog.DialogCode.Rejected


def test_no_community_yet(qtbot):
    d = CommunityOptionsDialog(None, [])
    qtbot.addWidget(d)
    assert d.read_only and not d.deduction.isEnabled()
    d.accept()
    assert d.value is None


def test_saved_through_the_window(qtbot, window, ctx, monkeypatch):
    asked = []

    def ask(cls, parent, communities, read_only=False):  # type: ignore[no-untyped-def]
        asked.append((communities, read_only))
        return communities[0]["community"], {"prepaid_deduction": True, "max_change_fen": 30000}

    monkeypatch.setattr(CommunityOptionsDialog, "ask", classmethod(ask))
    window.do_community_options()
    idle(qtbot, window)
    assert asked == [([{"community": "阳光花园", "prepaid_deduction": False,
                        "max_change_fen": DEFAULT_MAX_CHANGE_FEN}], False)]
    assert window.errors == [] and "阳光花园" in window.bar.currentMessage()
    with ctx.uow() as s:
        assert community_options.get_options(s, "阳光花园") == {"prepaid_deduction": True, "max_change_fen": 30000}
    # opened again, the dialog is given what was saved
    window.do_community_options()
    idle(qtbot, window)
    assert asked[-1][0][0]["max_change_fen"] == 30000 and asked[-1][0][0]["prepaid_deduction"] is True


def test_the_menu_has_the_action(qtbot, window):
    texts = [a.text() for m in window.menuBar().actions() for a in m.menu().actions()]
    assert "Community options…" in texts


def test_cashier_sees_community_options_read_only(qtbot, ctx, world, monkeypatch):
    from ui.main_window import MainWindow

    ctx.settings = dataclasses.replace(ctx.settings, user="cashier1")
    w = MainWindow(ctx)
    errors: list[str] = []
    w.ops.show_error = errors.append
    qtbot.addWidget(w)
    asked = []
    monkeypatch.setattr(CommunityOptionsDialog, "ask", classmethod(
        lambda cls, p, communities, read_only=False: asked.append(read_only)
        or (communities[0]["community"], {"prepaid_deduction": True})))
    w.do_community_options()
    idle(qtbot, w)
    assert asked == [True] and errors == []  # opened read-only; nothing saved, nothing refused
    with ctx.uow() as s:
        assert community_options.get_options(s, "阳光花园")["prepaid_deduction"] is False
    w.ops.wait()
