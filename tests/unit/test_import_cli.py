"""`propdesk import …`: exit 0 with a JSON result, exit 2 with the row number on stderr."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from tests.unit.import_support import FIXTURES, READINGS_HEADER, ROOMS_HEADER, write_csv


@pytest.fixture
def url(tmp_path, capsys):
    u = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--db", u, "init"]) == 0
    capsys.readouterr()
    return u


def _json_out(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_import_everything(url, capsys):
    for kind, name in (("rooms", "rooms.csv"), ("meters", "meters.csv"), ("readings", "readings.csv"),
                       ("fee-items", "fee_items.json")):
        assert main(["--db", url, "import", kind, str(FIXTURES / name), "--json"]) == 0
        out = _json_out(capsys)
        assert out["kind"] == kind and out["rows"] >= 4 and out["created"] == out["rows"]
    assert main(["--db", url, "import", "rooms", str(FIXTURES / "rooms.csv")]) == 0
    assert "unchanged 4" in capsys.readouterr().out


def test_bad_file_exits_2_naming_the_row(url, tmp_path, capsys):
    f = write_csv(tmp_path / "rooms.csv", [ROOMS_HEADER, ["阳光花园", "3", "2", "1502", "89.5"],
                                           ["阳光花园", "3", "2", "1501", "abc"]])
    assert main(["--db", url, "import", "rooms", str(f)]) == 2
    err = capsys.readouterr().err
    assert "第3行" in err and "row 3" in err and "area" in err and "'abc' is not a decimal number" in err
    assert main(["--db", url, "import", "rooms", str(f), "--json"]) == 2
    doc = json.loads(capsys.readouterr().err.splitlines()[0])
    assert doc["source"] == "rooms.csv"
    assert [(p["row"], p["column"]) for p in doc["problems"]] == [(3, "area")]
    assert "'abc' is not a decimal number" in doc["problems"][0]["reason_en"]
    assert main(["--db", url, "import", "rooms", str(FIXTURES / "rooms.csv"), "--json"]) == 0
    assert _json_out(capsys)["created"] == 4  # the failed run left nothing behind


def test_rollover_option(url, tmp_path, capsys):
    for kind, name in (("rooms", "rooms.csv"), ("meters", "meters.csv"), ("readings", "readings.csv")):
        assert main(["--db", url, "import", kind, str(FIXTURES / name)]) == 0
    f = write_csv(tmp_path / "r.csv", [READINGS_HEADER, ["W-3-2-1502", "2026-03", "7", "2026-03-28", "小刘"],
                                       ["PUB-E-1", "2026-02", "900", "", ""]])
    capsys.readouterr()
    assert main(["--db", url, "import", "readings", str(f)]) == 2
    err = capsys.readouterr().err
    assert "第2行" in err and "第3行" in err and "--rollover" in err
    assert main(["--db", url, "import", "readings", str(f), "--rollover", "W-3-2-1502,PUB-E-1", "--json"]) == 0
    assert _json_out(capsys)["rollovers"] == 2


def test_usage_errors_exit_2(url, tmp_path, capsys):
    assert main(["--db", url, "import", "rooms", str(FIXTURES / "rooms.csv"), "--rollover", "X"]) == 2
    assert "--rollover only applies to readings" in capsys.readouterr().err
    assert main(["--db", url, "import", "rooms", str(tmp_path / "nope.csv")]) == 2
    assert "file not found" in capsys.readouterr().err
    # an unknown user cannot sign in; the answer is the wrong-password one (no hint the name is unknown)
    assert main(["--db", url, "--user", "ghost", "import", "rooms", str(FIXTURES / "rooms.csv")]) == 2
    assert "Wrong user name or password" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["--db", url, "import", "people", str(FIXTURES / "rooms.csv")])
    assert e.value.code == 2
