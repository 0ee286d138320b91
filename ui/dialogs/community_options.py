"""Community options (小区选项): whether the bill run deducts prepaid balances and the most
change a counter hands back, per community, kept in Community.options through
app.services.community_options (the same options a fee-items file may set)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialogButtonBox, QLabel, QLineEdit, QWidget

from app.errors import InputError
from app.money import MoneyError, fen_to_yuan_str, parse_yuan
from app.services.community_options import validate
from ui.dialogs.base import FormDialog
from ui.messages import describe


class CommunityOptionsDialog(FormDialog):
    """`communities`: community_options.all_options() — [{"community", "prepaid_deduction",
    "max_change_fen"}]. Value: (community name, {option: new value}) with only the options
    the user changed, for community_options.set_options. `read_only`: look, change nothing."""

    def __init__(self, parent: QWidget | None, communities: list[dict[str, Any]], read_only: bool = False) -> None:
        super().__init__(parent, self.tr("Community options"))
        self.read_only = read_only
        self.communities = {c["community"]: c for c in communities}
        self.community = QComboBox()
        for name in self.communities:
            self.community.addItem(name, name)
        self.community.currentIndexChanged.connect(self._show_community)
        self.deduction = QCheckBox(self.tr("Bill run deducts prepaid balances"))
        self.deduction.setToolTip(self.tr("After each bill run, a room's prepaid balance pays its new bill lines "
                                          "(oldest first), as a prepaid payment."))
        self.max_change = QLineEdit()
        self.max_change.setToolTip(self.tr("The most change a counter may hand back in one payment; 0: the customer "
                                           "pays exactly."))
        if len(self.communities) > 1:
            self.form.addRow(self.tr("Community"), self.community)
        else:  # one community: its name, no picker
            self.form.addRow(self.tr("Community"), QLabel(self.community.currentText()))
        self.form.addRow("", self.deduction)
        self.form.addRow(self.tr("Change limit (yuan)"), self.max_change)
        if not self.communities:
            note = QLabel(self.tr("There is no community yet: import the rooms first."))
            note.setWordWrap(True)
            self.outer.addWidget(note)
            read_only = self.read_only = True
        if read_only:
            if self.communities:
                note = QLabel(self.tr("Only finance staff or a manager can change community options."))
                note.setObjectName("readOnlyNote")
                note.setWordWrap(True)
                self.outer.addWidget(note)
            self.deduction.setEnabled(False)
            self.max_change.setReadOnly(True)
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self._show_community()
        self.finish_layout()

    def _current(self) -> dict[str, Any] | None:
        return self.communities.get(self.community.currentData())

    def _show_community(self) -> None:
        """Show the stored options of the chosen community (edits to another one are dropped)."""
        cur = self._current()
        self.error.clear()
        if cur is None:
            self.deduction.setChecked(False)
            self.max_change.clear()
            return
        self.deduction.setChecked(bool(cur["prepaid_deduction"]))
        self.max_change.setText(fen_to_yuan_str(cur["max_change_fen"]))

    def accept(self) -> None:
        if self.read_only:
            self.reject()
            return
        super().accept()

    def build(self) -> tuple[str, dict[str, Any]]:
        cur = self._current()
        assert cur is not None  # no community: the dialog is read-only
        try:
            fen = parse_yuan(self.max_change.text().strip())
            wanted = validate(prepaid_deduction=self.deduction.isChecked(), max_change_fen=fen)
        except (MoneyError, InputError) as e:
            raise ValueError(describe(e)) from None
        changed = {k: v for k, v in wanted.items() if cur.get(k) != v or type(cur.get(k)) is not type(v)}
        return cur["community"], changed
