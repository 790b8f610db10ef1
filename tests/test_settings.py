"""Settings in one place: project paths resolve against the data root (commands work from any directory),
environment variables override defaults, DuckDB limits reach every store connection, the app's entry
script ships inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pydantic
import pytest
from typer.testing import CliRunner

import textmine
from textmine.cli import app
from textmine.settings import Settings, settings
from textmine.store import Store, default_path

ROOT = Path(__file__).resolve().parents[1]


def _textmine(*arguments: str, cwd: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TEXTMINE_")}
    env.update(PYTHONPATH=str(ROOT), **environment)
    return subprocess.run([sys.executable, "-m", "textmine.cli", *arguments], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_a_command_run_from_another_directory_finds_the_project_data(tmp_path: Path) -> None:
    out = tmp_path / "synthetic_12.csv"
    done = _textmine("synth", "--n", "12", "--out", out.name, cwd=tmp_path)  # reads data/comments, data/eval
    assert done.returncode == 0, done.stderr
    assert out.exists() and len(out.read_text(encoding="utf-8").splitlines()) >= 13
    assert not (tmp_path / "data").exists()


def test_a_store_option_relative_to_the_working_directory_stays_there(tmp_path: Path) -> None:
    survey = tmp_path / "survey.csv"
    survey.write_text("text\nКезек өте ұзақ, екі сағат күттім\nОчередь большая\n", encoding="utf-8")
    done = _textmine("ingest", "table", "survey.csv", "--store", "mine.duckdb", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    listed = _textmine("info", "--store", "mine.duckdb", cwd=tmp_path)
    assert "comments: 2" in listed.stdout, listed.stderr


def test_project_paths_resolve_against_the_data_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("TEXTMINE_STORE", "TEXTMINE_HEADS", "TEXTMINE_MODEL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_path() == ROOT / "data" / "textmine.duckdb"  # the checkout holding the package, not the cwd
    assert settings().heads_dir == ROOT / "models" / "heads"
    monkeypatch.setenv("TEXTMINE_ROOT", str(tmp_path / "elsewhere"))
    assert default_path() == tmp_path / "elsewhere" / "data" / "textmine.duckdb"
    monkeypatch.setenv("TEXTMINE_STORE", "/srv/survey.duckdb")
    assert default_path() == Path("/srv/survey.duckdb")


def test_the_duckdb_limits_reach_store_connections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTMINE_DUCKDB_MEMORY_LIMIT", "700MB")  # not the default (1GB)
    monkeypatch.setenv("TEXTMINE_DUCKDB_THREADS", "1")
    with Store(tmp_path / "s.duckdb") as store:
        limit, threads = store.connection.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads')").fetchone()
    assert (limit, threads) == ("667.5 MiB", 1)  # DuckDB shows 700 MB (7 x 10^8 bytes) in MiB


def test_publishing_builds_the_read_model_under_the_same_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from textmine import readmodel

    monkeypatch.setenv("TEXTMINE_DUCKDB_MEMORY_LIMIT", "700MB")
    monkeypatch.setenv("TEXTMINE_DUCKDB_THREADS", "1")
    seen = []
    build = readmodel.build
    monkeypatch.setattr(readmodel, "build", lambda con, *rest, **named: seen.append(con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads')").fetchone()) or build(con, *rest, **named))
    with Store(tmp_path / "s.duckdb") as store:
        store.publish()
    assert seen and set(seen) == {("667.5 MiB", 1)}


@pytest.mark.parametrize(("variable", "value"), [("TEXTMINE_DUCKDB_MEMORY_LIMIT", "lots"),
                                                 ("TEXTMINE_DUCKDB_THREADS", "0")])
def test_a_bad_limit_is_refused_naming_the_setting(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(pydantic.ValidationError, match=variable.removeprefix("TEXTMINE_").lower()):
        Settings()


def test_the_app_runs_the_streamlit_script_shipped_in_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[list[str]] = []
    monkeypatch.setattr(subprocess, "call", lambda command, env: called.append(command) or 0)
    result = CliRunner().invoke(app, ["app", "--port", "8599"])
    assert result.exit_code == 0, result.output
    script = Path(called[0][called[0].index("run") + 1])
    assert script == Path(str(resources.files("textmine.app") / "streamlit_app.py"))
    assert script.is_relative_to(Path(textmine.__file__).parent) and script.is_file()
    flags = called[0][called[0].index("run") + 2:]
    options = dict(zip(flags[::2], flags[1::2], strict=True))  # the upload cap holds outside a checkout
    assert options["--server.maxUploadSize"] == "20" and options["--client.toolbarMode"] == "minimal"
    assert options["--runner.postScriptGC"] == "false"
