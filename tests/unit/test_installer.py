"""The pieces of the frozen build that can be checked without building it: the plugin commands
of a frozen app, the GUI program's argument order, the one version, the per-PC counter file."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_a_frozen_cli_loads_the_plugin_commands_from_its_list(tmp_path, monkeypatch):
    import app.cli as cli

    plugins = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"][
        "propdesk.commands"]
    # what installer/propdesk.spec writes beside the frozen app's files
    (tmp_path / "propdesk_commands.txt").write_text("".join(f"{n}={m}\n" for n, m in plugins.items()))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    import importlib.metadata

    def no_metadata(**kw):  # type: ignore[no-untyped-def]
        raise AssertionError("a frozen app has no entry points")

    monkeypatch.setattr(importlib.metadata, "entry_points", no_metadata)
    imported: list[str] = []
    monkeypatch.setattr(importlib, "import_module", lambda name: imported.append(name))
    monkeypatch.setattr(cli, "COMMANDS", [])  # nothing registered yet, as in a fresh process
    cli._load_plugin_commands()
    assert imported == list(plugins.values())
    assert cli._frozen_plugin_commands() == list(plugins.items())


def test_the_gui_program_puts_global_options_before_gui():
    entry = _load("entry_gui", ROOT / "installer" / "entry_gui.py")
    assert entry.gui_argv([]) == ["gui"]
    assert entry.gui_argv(["--db", "sqlite:///x.db", "--lang", "en"]) == ["--db", "sqlite:///x.db", "--lang", "en", "gui"]
    assert entry.gui_argv(["--terminal=A2", "--demo"]) == ["--terminal=A2", "gui", "--demo"]
    assert entry.gui_argv(["gui", "--screenshot", "a.png"]) == ["gui", "--screenshot", "a.png"]


def test_one_version_for_the_package_the_app_and_the_installers():
    import app

    build = _load("propdesk_build", ROOT / "installer" / "build.py")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "app.__version__"}
    assert build.version() == app.__version__
    iss = (ROOT / "installer" / "windows" / "propdesk.iss").read_text(encoding="utf-8")
    assert "OutputBaseFilename=PropDesk-Setup-{#AppVersion}" in iss  # the version comes from build.py
    assert "uninsneveruninstall" in iss  # the ProgramData folder outlives an uninstall


def test_the_terminal_code_saved_by_the_wizard_is_the_default(tmp_path, monkeypatch):
    from app import counter_file
    from app.config import Settings

    monkeypatch.delenv("PROPDESK_TERMINAL", raising=False)
    monkeypatch.delenv("PROPDESK_COUNTER_FILE", raising=False)
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert Settings.load(db=url).terminal == "T1"
    assert counter_file.save(url, terminal="B7", lang="en") == tmp_path / "c.db.counter.json"
    assert Settings.load(db=url).terminal == "B7"
    assert Settings.load(db=url, terminal="T3").terminal == "T3"  # the option wins
    monkeypatch.setenv("PROPDESK_TERMINAL", "T4")
    assert Settings.load(db=url).terminal == "T4"  # and the environment
    assert counter_file.saved_language(url) == "en"
    (tmp_path / "c.db.counter.json").write_text("{not json")
    monkeypatch.delenv("PROPDESK_TERMINAL")
    assert Settings.load(db=url).terminal == "T1"  # a damaged file is ignored
    assert counter_file.path("sqlite://") is None  # in-memory: nothing to remember


@pytest.mark.parametrize("bad", ["", "T-1", "TOOLONGCODE", "收银1"])
def test_the_first_run_service_refuses_a_bad_terminal_code(bad, tmp_path):
    from app.context import AppContext
    from app.errors import InputError
    from app.services import first_run

    ctx = AppContext.open(f"sqlite:///{tmp_path / 'n.db'}", "T1", "admin")
    try:
        with pytest.raises(InputError), ctx.uow() as s:
            first_run.set_up_standalone(s, bad, "secret1")
        with ctx.uow() as s:
            assert first_run.needs_setup(s)
    finally:
        ctx.close()


def test_the_windows_installer_speaks_chinese_on_any_inno_setup_6_or_7():
    # Inno Setup has Languages\ChineseSimplified.isl only from 7.0.2: with a 6.x compiler the
    # script stopped with "File not found" (found compiling it under Wine:
    # installer/windows/check_under_wine.sh). Each file the script names as messages must be there.
    here = ROOT / "installer" / "windows"
    iss = (here / "propdesk.iss").read_text(encoding="utf-8")
    assert '#if FileExists(AddBackslash(CompilerPath) + "Languages\\ChineseSimplified.isl")' in iss
    assert 'MessagesFile: "{#ChineseMessages}"' in iss
    assert '#define ChineseMessages "ChineseSimplified.isl"' in iss
    messages = (here / "ChineseSimplified.isl").read_text(encoding="utf-8-sig")
    assert "LanguageName=简体中文" in messages and "LanguageID=$0804" in messages
    assert "UninstallProgram=卸载 %1" in messages  # the Start-menu entry's name ("卸载 PropDesk")
    names = [line.split('"')[3] for line in iss.splitlines() if line.startswith("Name:") and "MessagesFile" in line]
    for name in names:
        if not name.startswith(("compiler:", "{#")):
            assert (here / name).is_file(), name


def test_the_deb_needs_neither_python_nor_fonts_and_its_menu_entry_runs_the_installed_command():
    # A counter PC from a minimal image has neither (installer/check_deb_clean.sh installs the
    # .deb on such a system): the build brings both, so the Depends may name only libraries.
    build = _load("propdesk_build", ROOT / "installer" / "build.py")
    names = [d.strip().split()[0] for d in build.DEB_DEPENDS.split(",")]
    assert names and all(n.startswith("lib") for n in names), names
    assert not [n for n in names if "python" in n or n.startswith(("fonts-", "libfont-"))], names
    entry = (ROOT / "installer" / "propdesk.desktop").read_text(encoding="utf-8")
    exec_line = next(line.split("=", 1)[1] for line in entry.splitlines() if line.startswith("Exec="))
    assert exec_line.split()[0] == "propdesk"  # /usr/bin/propdesk, found on PATH by the launcher
    assert "Name[zh_CN]=物业前台收银台" in entry
