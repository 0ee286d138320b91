"""The 托收 screen: export a debit batch to a file, book the bank's return file, the batch
list with paid and failed counts; a bad return file is reported, nothing booked."""

from __future__ import annotations

from app.services.collect.batches import debit_file
from app.services.collect.mandates import MandateIn, apply
from tests.ui.conftest import idle
from ui.reports.collect_view import CollectView


def test_export_then_book_the_return(qtbot, window, ctx, world, tmp_path):
    rooms = world
    with ctx.uow() as s:
        apply(s, [(rooms["1-1-101"], MandateIn("中国工商银行", "6222021234567890123", "张三", "TSXY1")),
                  (rooms["1-1-102"], MandateIn("招商银行", "6225000011112222", "李四", "TSXY2"))])
    view = next(s for s in window.screens if isinstance(s, CollectView))
    window.tabs.setCurrentWidget(view)
    assert view.period.text() == "2026-11"
    view.layout_box.setCurrentIndex(view.layout_box.findData("csv"))
    debit = tmp_path / "debit.csv"
    view.export(str(debit))
    idle(qtbot, window)
    assert window.errors == [] and debit.exists()
    assert "2 debits" in view.status.text()
    batch = view.table.item(0, 0).text()
    assert view.table.item(0, 5).text() == "waiting"

    view.book(str(debit))  # the debit file is no return file
    idle(qtbot, window)
    assert window.errors and "header" in window.errors[-1]

    with ctx.uow() as s:
        layout, f = debit_file(s, batch)
    ret = tmp_path / "return.csv"
    ret.write_bytes(layout.write_return(f, {2: ("1001", "")}))
    view.book(str(ret))
    idle(qtbot, window)
    assert "1 paid, 1 failed" in view.status.text()
    assert [view.table.item(0, j).text() for j in (5, 6, 7)] == ["yes", "1", "1"]
