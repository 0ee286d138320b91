from app.cli import main


def test_main_window_shows_counts_and_status_slots(qtbot, ctx):
    from ui.main_window import MainWindow

    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    assert "房屋 0 户" in w.summary.text()
    texts = [lbl.text() for lbl in w.statusBar().findChildren(type(w.summary))]
    assert any("收银台: T1" in t for t in texts) and any("同步" in t for t in texts)


def test_gui_screenshot_renders_a_png(sqlite_url, tmp_path, qapp):
    shot = tmp_path / "main.png"
    assert main(["--db", sqlite_url, "init"]) == 0
    assert main(["--db", sqlite_url, "gui", "--screenshot", str(shot)]) == 0
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
