"""The main window. Until the counter screens land it shows where it is connected and
what the database holds; the status bar has the slots the counter screens fill."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from app.context import AppContext
from app.services import overview


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(self.tr("PropDesk 物业前台收银台"))
        body = QWidget()
        layout = QVBoxLayout(body)
        title = QLabel(self.tr("物业前台收银台"))
        title.setStyleSheet("font-size: 28pt; font-weight: bold;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        c = overview.counts(ctx)
        self.summary = QLabel(
            self.tr("小区 {0} 个 · 房屋 {1} 户 · 表计 {2} 块 · 抄表记录 {3} 条").format(
                c["communities"], c["rooms"], c["meters"], c["readings"])
        )
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary.setStyleSheet("font-size: 14pt;")
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self.setCentralWidget(body)
        bar = self.statusBar()
        for text in (self.tr("操作员: {0}").format(ctx.user), self.tr("收银台: {0}").format(ctx.terminal),
                     self.tr("班次: 未开班"), self.tr("打印机: 未配置"), self.tr("同步: 仅本地")):
            bar.addPermanentWidget(QLabel(text))
