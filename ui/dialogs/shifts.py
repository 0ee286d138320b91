"""Shift open (开班, with the float in the drawer) and shift close (交班: count the drawer by
denomination, see expected vs counted per tender and the cash variance)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QMessageBox, QSpinBox, QWidget

from app.money import MoneyError, fen_to_yuan_str, parse_yuan
from app.services.cashier import shifts
from ui.dialogs.base import FormDialog
from ui.messages import describe
from ui.models.base import set_flag
from ui.texts import method_name, yuan


class ShiftOpenDialog(FormDialog):
    def __init__(self, parent: QWidget | None, float_default_fen: int = 20000) -> None:
        super().__init__(parent, self.tr("Open shift"))
        self.float_amount = QLineEdit(fen_to_yuan_str(float_default_fen))
        self.float_amount.setObjectName("floatAmount")
        self.float_amount.selectAll()
        self.form.addRow(self.tr("Float in the drawer (yuan)"), self.float_amount)
        self.finish_layout()

    def build(self) -> int:
        try:
            return parse_yuan(self.float_amount.text())
        except MoneyError as e:
            raise ValueError(describe(e)) from None


def denomination_text(fen: int) -> str:
    """100 元, 5 角, 2 分 — the unit a note or coin is called by."""
    if fen >= 100 and fen % 100 == 0:
        return QCoreApplication.translate("ShiftCloseDialog", "{0} yuan").format(fen // 100)
    if fen >= 10 and fen % 10 == 0:
        return QCoreApplication.translate("ShiftCloseDialog", "{0} jiao").format(fen // 10)
    return QCoreApplication.translate("ShiftCloseDialog", "{0} fen").format(fen)


class ShiftCloseDialog(FormDialog):
    """`expected` is shifts.expected_by_tender: {method: fen}, cash including the float. One
    row per note or coin in shifts.DENOMINATIONS (read when the dialog opens, never copied).
    Closing with a cash difference asks for a confirmation first."""

    def __init__(self, parent: QWidget | None, expected: dict[str, int]) -> None:
        super().__init__(parent, self.tr("Close shift — count the drawer"))
        self.expected = expected
        self.setMinimumWidth(560)
        count_box = QGroupBox(self.tr("Cash in the drawer"))
        grid = QGridLayout(count_box)
        for col, text in enumerate((self.tr("Denomination"), self.tr("Count"), self.tr("Subtotal"))):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, col)
        self.counts: dict[int, QSpinBox] = {}
        self.subtotals: dict[int, QLabel] = {}
        for row, d in enumerate(shifts.DENOMINATIONS, start=1):
            spin = QSpinBox()
            spin.setRange(0, 100000)
            spin.setObjectName(f"count_{d}")
            spin.valueChanged.connect(self._recount)
            sub = QLabel()
            sub.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(QLabel(denomination_text(d)), row, 0)
            grid.addWidget(spin, row, 1)
            grid.addWidget(sub, row, 2)
            self.counts[d], self.subtotals[d] = spin, sub
        summary = QGroupBox(self.tr("Expected vs counted"))
        sgrid = QGridLayout(summary)
        sgrid.addWidget(QLabel("<b>" + self.tr("Tender") + "</b>"), 0, 0)
        sgrid.addWidget(QLabel("<b>" + self.tr("Expected") + "</b>"), 0, 1, Qt.AlignmentFlag.AlignRight)
        row = 1
        for method, fen in sorted(expected.items(), key=lambda kv: (kv[0] != "cash", kv[0])):
            sgrid.addWidget(QLabel(method_name(method)), row, 0)
            value = QLabel(yuan(fen))
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            sgrid.addWidget(value, row, 1)
            row += 1
        self.counted_label, self.variance_label = QLabel(), QLabel()
        self.variance_label.setObjectName("varianceFigure")
        for w in (self.counted_label, self.variance_label):
            w.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        sgrid.addWidget(QLabel(self.tr("Cash counted")), row, 0)
        sgrid.addWidget(self.counted_label, row, 1)
        sgrid.addWidget(QLabel(self.tr("Cash variance")), row + 1, 0)
        sgrid.addWidget(self.variance_label, row + 1, 1)
        sgrid.setRowStretch(row + 2, 1)
        body = QGridLayout()
        body.addWidget(count_box, 0, 0)
        body.addWidget(summary, 0, 1)
        self.outer.addLayout(body)
        self.finish_layout()
        self._recount()
        self.counts[shifts.DENOMINATIONS[0]].setFocus()

    def counted_fen(self) -> int:
        return sum(d * spin.value() for d, spin in self.counts.items())

    def _recount(self) -> None:
        for d, spin in self.counts.items():
            self.subtotals[d].setText(fen_to_yuan_str(d * spin.value()))
        counted = self.counted_fen()
        variance = self.variance_fen()
        self.counted_label.setText(yuan(counted))
        sign = "+" if variance > 0 else ""
        self.variance_label.setText(sign + yuan(variance) if variance else yuan(0) + " ✓")
        set_flag(self.variance_label, "alert", variance != 0)

    def variance_fen(self) -> int:
        return self.counted_fen() - self.expected.get("cash", 0)

    def build(self) -> dict[int, int]:
        variance = self.variance_fen()
        if variance and not self.confirm_difference(variance):
            raise ValueError(self.tr("Count the drawer again, or confirm the difference to close the shift."))
        return {d: spin.value() for d, spin in self.counts.items() if spin.value()}

    def confirm_difference(self, variance: int) -> bool:
        """Closing with a difference is a deliberate act (tests replace this)."""
        text = (self.tr("The cash counted is {0} more than expected.") if variance > 0
                else self.tr("The cash counted is {0} less than expected.")).format(yuan(abs(variance)))
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Close with a difference?"),
                          text + "\n\n" + self.tr("Close the shift with this difference? It is recorded and "
                                                    "shows on the shift report."),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes
