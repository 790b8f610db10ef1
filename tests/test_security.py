"""Nothing unsafe runs: no pickle-style loading, only yaml.safe_load, model files with foreign types are
refused before anything in them is built, and every app upload is limited in size and type."""

from __future__ import annotations

import ast
import json
import tomllib
import zipfile
from pathlib import Path

import pytest
import skops.io

from textmine.app.server_options import STREAMLIT_OPTIONS
from textmine.classify.persist import _ALLOWED_TYPES, HeadsMismatch, _load_one

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "textmine").rglob("*.py"), *(ROOT / "scripts").glob("*.py"), ROOT / "app.py"])
MAX_UPLOAD_MB = 50


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Call):
            yield node, ast.unparse(node.func)


def test_no_module_loads_pickle_or_unsafe_yaml() -> None:
    unsafe = {"pickle", "cPickle", "dill", "cloudpickle", "joblib", "shelve", "marshal"}
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.relative_to(ROOT)}: import {name}" for name in names if name.split(".")[0] in unsafe]
        for call, name in _calls(path):
            keywords = {k.arg: ast.unparse(k.value) for k in call.keywords}
            if name in ("yaml.load", "yaml.load_all", "yaml.unsafe_load", "yaml.full_load", "torch.load",
                        "pd.read_pickle", "pandas.read_pickle") or keywords.get("allow_pickle") == "True":
                found.append(f"{path.relative_to(ROOT)}:{call.lineno}: {ast.unparse(call)}")
    assert found == []


def test_heads_files_that_would_run_code_are_refused_before_loading(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    skops.io.dump((f"open({str(marker)!r}, 'w').write('x')",), tmp_path / "args.skops")
    with zipfile.ZipFile(tmp_path / "args.skops") as archive:
        args = json.loads(archive.read("schema.json"))
    meta = {key: args.pop(key) for key in ("protocol", "_skops_version")}
    evil = {"__class__": "exec", "__module__": "builtins", "__loader__": "ConstructorFromReduceNode",
            "content": args, **meta}
    with zipfile.ZipFile(tmp_path / "evil.skops", "w") as archive:
        archive.writestr("schema.json", json.dumps(evil))
    assert skops.io.get_untrusted_types(file=tmp_path / "evil.skops") == ["builtins.exec"]
    with pytest.raises(HeadsMismatch, match="builtins.exec"):
        _load_one(tmp_path / "evil.skops")
    assert not marker.exists()


def test_the_shipped_heads_need_only_allowed_types() -> None:
    heads = sorted((ROOT / "models" / "heads").glob("*.skops"))
    if not heads:
        pytest.skip("no trained heads in models/heads")
    for path in heads:
        assert set(skops.io.get_untrusted_types(file=path)) <= _ALLOWED_TYPES, path.name


def test_every_app_upload_is_limited_in_size_and_type() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config == STREAMLIT_OPTIONS  # `streamlit run app.py` in a checkout gets what `textmine app` passes
    assert 0 < STREAMLIT_OPTIONS["server"]["maxUploadSize"] <= MAX_UPLOAD_MB
    unlimited = []
    for path in (ROOT / "textmine" / "app").rglob("*.py"):
        for call, name in _calls(path):
            keywords = {k.arg for k in call.keywords}
            if name.endswith("file_uploader") and not {"type", "max_upload_size"} <= keywords:
                unlimited.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert unlimited == []


@pytest.mark.parametrize("theme_id", ["../../etc/cron_d", "a/b", "..", "x\\y", "/tmp/x"])
def test_a_promoted_theme_id_cannot_name_a_path(tmp_path: Path, theme_id: str) -> None:
    from textmine.app.taxonomy_edit import promote_theme
    from textmine.classify.taxonomy import Names, Theme

    theme = Theme(id=theme_id, name=Names(kk="Кезек", ru="Очередь", en="Queue"), definition="queues")
    with pytest.raises(ValueError, match="theme id"):
        promote_theme(theme, tmp_path / "draft.yaml")
    assert list(tmp_path.iterdir()) == []
