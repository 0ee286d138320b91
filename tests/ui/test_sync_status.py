"""The status bar's sync slot: 仅本地 on a counter that never joined; 在线 / 离线 · 待上传 N /
同步异常 N from the background loop (ui.sync_worker) against the fake central."""

from __future__ import annotations

import pytest

from app.db.models import SyncCursor
from app.services import outbox
from app.services.sync import link_store
from drivers.central.fake import FakeCentral
from ui import i18n
from ui.status import CounterStatusBar
from ui.sync_worker import SyncWorker


@pytest.fixture
def chinese(qapp):  # type: ignore[no-untyped-def]
    assert i18n.install(qapp, "zh_CN")
    yield
    i18n.install(qapp, "en")


def joined(ctx) -> None:  # type: ignore[no-untyped-def]
    link_store.save(link_store.link_path(ctx.settings.db_url),
                    link_store.LinkConfig("http://central:8765", "tok", "T1", ["A"]))
    with ctx.uow() as s:
        s.add(SyncCursor(name="pull", value=0))


def test_the_slot_says_online_offline_pending_and_problems(qtbot, chinese):
    bar = CounterStatusBar()
    qtbot.addWidget(bar)
    assert bar.sync.text() == "同步：仅本地"
    bar.show_sync({"online": True, "pending": 0, "rejected": 0})
    assert bar.sync.text() == "在线"
    bar.show_sync({"online": False, "pending": 3, "rejected": 0})
    assert bar.sync.text() == "离线 · 待上传 3"
    bar.show_sync({"online": True, "pending": 0, "rejected": 2, "error": None})
    assert bar.sync.text() == "同步异常 2" and bar.sync.property("alert") is True
    bar.show_sync({"online": False, "pending": 1, "rejected": 0, "stopped": True, "error": "令牌被拒"})
    assert bar.sync.text() == "同步异常" and bar.sync.toolTip() == "令牌被拒"
    bar.show_sync({"online": False, "pending": 1, "rejected": 0, "problem": True, "error": "本机应用总部数据时出错"})
    assert bar.sync.text() == "同步异常" and bar.sync.property("alert") is True
    bar.show_sync({"online": False, "pending": 1, "rejected": 0, "problem": False, "error": "连不上总部"})
    assert bar.sync.text() == "离线 · 待上传 1" and bar.sync.property("alert") is False


def test_a_counter_that_never_joined_starts_no_sync(qtbot, ctx):
    worker = SyncWorker(ctx, link_factory=lambda conf: pytest.fail("no link for a standalone counter"))
    assert worker.start() is False
    worker.stop()


def test_the_worker_shows_offline_then_online_as_central_comes_back(qtbot, ctx, chinese):
    joined(ctx)
    with ctx.uow() as s:
        for i in range(3):
            outbox.emit(s, "note", f"e{i}", {"v": 1, "i": i})
    central = FakeCentral()
    central.fail("push", "down")
    bar = CounterStatusBar()
    qtbot.addWidget(bar)
    worker = SyncWorker(ctx, link_factory=lambda conf: central, interval=3600)
    states: list[dict] = []
    worker.state_changed.connect(states.append)
    worker.state_changed.connect(bar.show_sync)
    worker._sleep = lambda seconds: None  # type: ignore[method-assign]  # back off without waiting
    try:
        with qtbot.waitSignal(worker.state_changed, timeout=20000):
            assert worker.start()
        qtbot.waitUntil(lambda: bar.sync.text() == "在线", timeout=20000)
    finally:
        worker.stop()
    assert states[0]["online"] is False and states[0]["pending"] == 3 and states[0]["problem"] is False
    assert len(central.stored("T1")) == 3
