"""Shift open (开班, with the float in the drawer) and shift close (交班: count the drawer by
denomination, see expected vs counted per tender and the cash variance)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QSpinBox, QWidget

from app.money import MoneyError, fen_to_yuan_str, parse_yuan
from app.services.cashier.shifts import DENOMINATIONS
from ui.dialogs.base import FormDialog
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
            raise ValueError(str(e)) from None


def denomination_text(fen: int) -> str:
    if fen >= 100:
        return QCoreApplication.translate("ShiftCloseDialog", "{0} yuan").format(fen // 100)
    if fen < 10:  # 分 coins: shown as yuan (0.05 元) so no new words need translating
        return QCoreApplication.translate("ShiftCloseDialog", "{0} yuan").format(fen_to_yuan_str(fen))
    return QCoreApplication.translate("ShiftCloseDialog", "{0} jiao").format(fen // 10)


class ShiftCloseDialog(FormDialog):
    """`expected` is shifts.expected_by_tender: {method: fen}, cash including the float."""

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
        for row, d in enumerate(DENOMINATIONS, start=1):
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
        self.counts[DENOMINATIONS[0]].setFocus()

    def counted_fen(self) -> int:
        return sum(d * spin.value() for d, spin in self.counts.items())

    def _recount(self) -> None:
        for d, spin in self.counts.items():
            self.subtotals[d].setText(fen_to_yuan_str(d * spin.value()))
        counted = self.counted_fen()
        variance = counted - self.expected.get("cash", 0)
        self.counted_label.setText(yuan(counted))
        sign = "+" if variance > 0 else ""
        self.variance_label.setText(sign + yuan(variance) if variance else yuan(0) + " ✓")
        set_flag(self.variance_label, "alert", variance != 0)

    def build(self) -> dict[int, int]:
        return {d: spin.value() for d, spin in self.counts.items() if spin.value()}
