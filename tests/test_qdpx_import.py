""".qdpx import: textmine's own export comes back with the same codings; a project written by another tool's
writer (pyrefiqda, MIT, models generated from the REFI-QDA 1.0 XSD) comes in with its codes mapped onto the
taxonomy or proposed as new themes, its sources through the normal ingest path (rejects, masking), its
codings as analyst feedback for training and its notes as memos; unsafe or broken archives are refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from pyrefiqda import RefiProject
from pyrefiqda.models import (
    CodeRefType,
    CodingType,
    NoteRefType,
    NotesType,
    PlainTextSelectionType,
    Project,
    ProjectCodeBookType,
    ProjectCodesType,
    ProjectCodeType,
    SourcesType,
    TextSourceType,
    TypeOfVariableType,
    UsersType,
    UserType,
    VariableRefType,
    VariablesType,
    VariableType,
    VariableValueType,
)
from typer.testing import CliRunner

from textmine.cli import app
from textmine.ingest.errors import IngestError
from textmine.insights.qda import export_qdpx
from textmine.pipeline import ingest_qdpx
from textmine.store import Store

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "comments"


def _labels(store: Store, source_file: str) -> pd.DataFrame:
    """Per imported comment (in source order): the themes accepted for it and its polarity decision."""
    comments = store.read("comments", "source_file = ?", [source_file]).sort_values("source_line")
    feedback = store.read("label_feedback")
    accepted = feedback[feedback["decision"] == "accept"].groupby("comment_id")["theme"].apply(set)
    polarity = feedback[feedback["decision"] == "polarity"].groupby("comment_id")["polarity"].last()
    return pd.DataFrame({"text": comments["text"].to_numpy(), "lang": comments["lang"].to_numpy(),
                         "themes": [accepted.get(i, set()) for i in comments["id"]],
                         "polarity": [polarity.get(i) for i in comments["id"]],
                         "region": comments["region"].to_numpy(), "id": comments["id"].to_numpy()})


def test_export_then_import_gives_the_same_codings(tmp_path: Path) -> None:
    table = pd.read_csv(BUNDLED / "comments.csv", dtype={"id": str})
    coded = table[table["themes"].notna()].head(20).reset_index(drop=True)  # real 2018 report quotes
    memos = pd.DataFrame([{"target_kind": "quote", "target_id": coded["id"].iloc[0], "author": "aigerim",
                           "text": "Ең нақты дәйексөз", "at": "2026-01-02T00:00:00Z"}])
    path = export_qdpx(coded, tmp_path / "round.qdpx", memos=memos)
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest_qdpx(store, path)
        got = _labels(store, "round.qdpx")
        memo = store.read("memos")
        store_feedback = store.read("label_feedback")
    assert result.ingest.comments == 20 and result.ingest.rejected == 0
    assert set(result.codes[result.codes["how"] != "group"]["how"]) == {"trailer", "guid"}
    assert "  'complaint' -> polarity complaint (by guid)" in result.lines()
    assert got["text"].tolist() == coded["text"].tolist()
    assert got["themes"].tolist() == [set(themes.split(";")) for themes in coded["themes"]]
    assert got["polarity"].tolist() == coded["polarity"].tolist()
    assert got["region"].tolist() == coded["region"].tolist()
    assert set(store_feedback["reviewer"]) == {"textmine"}  # the coder textmine's export names
    assert memo[["target_kind", "target_id", "author", "text"]].values.tolist() == [
        ["quote", got["id"].iloc[0], "aigerim", "Ең нақты дәйексөз"]]
    with Store(tmp_path / "s.duckdb") as store:  # importing again adds no decision twice
        assert ingest_qdpx(store, path).decisions == 0


USER = "0d3c2f1e-0000-4000-8000-000000000001"
QUEUES, RUDE, DEADLINES, GROUP = (f"0d3c2f1e-0000-4000-8000-00000000010{i}" for i in range(4))
REGION = "0d3c2f1e-0000-4000-8000-000000000201"
KK_TEXT = "Алдымен модераторға кезекте 5 минут тұрдым, содан кейін маманға 30-40 минут"
RU_TEXT = "Сотрудник ответил грубо, а справку ждали два месяца. Звоните 8 701 123 45 67"


def _selection(guid: str, start: int, end: int, code: str, coding: str) -> PlainTextSelectionType:
    return PlainTextSelectionType(guid=guid, start_position=start, end_position=end, creating_user=USER,
                                  coding=[CodingType(guid=coding, code_ref=CodeRefType(target_guid=code))])


def _other_tool_project(path: Path) -> Path:
    """A MAXQDA-style project: a code group, codes named in Kazakh / Russian / English, inline texts coded
    by selection, a region variable, an empty source and a note on a source."""
    codes = [ProjectCodeType(guid=GROUP, name="Мемлекеттік қызмет", is_codable=False, code=[
        ProjectCodeType(guid=QUEUES, name="Кезектер", is_codable=True),
        ProjectCodeType(guid=DEADLINES, name="сроки", is_codable=True)]),
        ProjectCodeType(guid=RUDE, name="Rude tone on the phone", is_codable=True)]

    def source(guid: str, text: str, region: str, selections: list, notes: list | None = None) -> TextSourceType:
        return TextSourceType(guid=guid, name=f"Respondent {guid[-2:]}", plain_text_content=text,
                              plain_text_selection=selections, creating_user=USER, note_ref=notes or [],
                              variable_value=[VariableValueType(variable_ref=VariableRefType(target_guid=REGION),
                                                                text_value=region)])

    sources = [
        source("0d3c2f1e-0000-4000-8000-000000000301", KK_TEXT, "Алматы",
               [_selection("0d3c2f1e-0000-4000-8000-000000000401", 0, 38, QUEUES,
                           "0d3c2f1e-0000-4000-8000-000000000501")],
               [NoteRefType(target_guid="0d3c2f1e-0000-4000-8000-000000000601")]),
        source("0d3c2f1e-0000-4000-8000-000000000302", RU_TEXT, "г. Астана",
               [_selection("0d3c2f1e-0000-4000-8000-000000000402", 0, 26, RUDE, "0d3c2f1e-0000-4000-8000-000000000502"),
                _selection("0d3c2f1e-0000-4000-8000-000000000403", 30, 50, DEADLINES,
                           "0d3c2f1e-0000-4000-8000-000000000503")]),
        source("0d3c2f1e-0000-4000-8000-000000000303", "   ", "Алматы", []),
        source("0d3c2f1e-0000-4000-8000-000000000304", "Бәрі жақсы, рахмет", "Алматы", []),
    ]
    project = Project(
        name="MAXQDA export", origin="another tool", creating_user_guid=USER,
        users=UsersType(user=[UserType(guid=USER, name="Coder A")]),
        code_book=ProjectCodeBookType(codes=ProjectCodesType(code=codes)),
        variables=VariablesType(variable=[VariableType(guid=REGION, name="Регион", type_of_variable=TypeOfVariableType.TEXT)]),
        sources=SourcesType(text_source=sources),
        notes=NotesType(note=[TextSourceType(guid="0d3c2f1e-0000-4000-8000-000000000601", name="memo",
                                             plain_text_content="Кезек туралы жақсы мысал", creating_user=USER)]),
    )
    RefiProject.save(project, path)
    return path


def test_a_project_written_by_another_tool_comes_in(tmp_path: Path) -> None:
    path = _other_tool_project(tmp_path / "maxqda.qdpx")
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest_qdpx(store, path)
        got = _labels(store, "maxqda.qdpx")
        reviewers = set(store.read("label_feedback")["reviewer"])
        rejects = store.read("rejects")
        memos = store.read("memos")
    codes = result.codes.set_index("name")
    assert codes.loc["Кезектер", ["theme", "how"]].tolist() == ["queues", "name"]
    assert codes.loc["сроки", ["theme", "how"]].tolist() == ["deadlines", "name"]
    assert codes.loc["Rude tone on the phone", ["how", "proposed_id"]].tolist() == ["new", "rude_tone_on_the_phone"]
    assert codes.loc["Мемлекеттік қызмет", "how"] == "group"
    assert (result.ingest.rows_in, result.ingest.comments, result.ingest.rejected) == (4, 3, 1)
    assert rejects["reason"].tolist() == ["empty comment"] and rejects["source_line"].tolist() == [3]
    assert got["lang"].tolist() == ["kk", "ru", "kk"]
    assert got["region"].tolist() == ["Алматы", "Астана", "Алматы"]
    assert "8 701 123 45 67" not in got["text"].iloc[1]  # personal data masked on the way in
    # the proposed theme is not a label; the uncoded source is not labelled at all
    assert got["themes"].tolist() == [{"queues"}, {"deadlines"}, set()]
    assert result.coded_comments == 2 and result.decisions == 24  # 2 comments x 12 themes
    assert reviewers == {"Coder A"}  # the project's user who made the codings
    assert memos[["target_kind", "target_id", "author", "text"]].values.tolist() == [
        ["quote", got["id"].iloc[0], "Coder A", "Кезек туралы жақсы мысал"]]
    lines = "\n".join(result.lines())
    assert "'Rude tone on the phone': no such theme; proposed new theme 'rude_tone_on_the_phone'" in lines
    assert "codes: 2 of 3 mapped onto the taxonomy" in lines and "'сроки' -> deadlines (by name)" in lines


def test_a_code_renamed_in_the_codebook_history_still_maps() -> None:
    from textmine.classify.codebook import rename
    from textmine.classify.taxonomy import Names, default_taxonomy_path, load_taxonomy
    from textmine.ingest.qdpx_codes import map_codes

    renamed = rename(load_taxonomy(default_taxonomy_path()), "staff_attitude", "staff_manners", why="clearer",
                     names=Names(kk="Әдептілік", ru="Вежливость", en="Manners"))
    codes = pd.DataFrame([{"guid": "g1", "name": "Staff_Attitude", "description": "", "codable": True, "parent": None},
                          {"guid": "g2", "name": "вежливость", "description": "", "codable": True, "parent": None}])
    assert map_codes(codes, renamed)[["theme", "how"]].values.tolist() == [["staff_manners", "history"],
                                                                           ["staff_manners", "name"]]


def test_codings_keep_their_selection_and_coder(tmp_path: Path) -> None:
    from textmine.ingest.qdpx import read_qdpx

    codings = read_qdpx(_other_tool_project(tmp_path / "p.qdpx")).codings
    assert codings[["code", "start", "end", "user"]].values.tolist() == [
        [QUEUES, 0, 38, "Coder A"], [RUDE, 0, 26, "Coder A"], [DEADLINES, 30, 50, "Coder A"]]


def test_a_coding_without_a_named_user_is_reviewed_by_qdpx_import() -> None:
    from textmine.ingest.qdpx_codes import UNNAMED_CODER, coded_labels

    mapped = pd.DataFrame([{"guid": QUEUES, "name": "Кезектер", "theme": "queues", "polarity": None, "how": "name",
                            "proposed_id": None}])
    codings = pd.DataFrame([("s1", QUEUES, 0, 5, None, None), ("s2", QUEUES, 0, 5, "Coder B", None),
                            ("s2", QUEUES, 6, 9, "Coder A", None), ("s2", QUEUES, 9, 12, "Coder B", None)],
                           columns=["source", "code", "start", "end", "user", "at"])
    assert coded_labels(codings, mapped)["coder"].tolist() == [UNNAMED_CODER, "Coder B, Coder A"]


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


BOMB = (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>')


@pytest.mark.parametrize(("members", "message"), [
    (None, "not a .qdpx project"),
    ({"readme.txt": b"x"}, "expected one .qde project file"),
    ({"project.qde": BOMB}, "not usable XML"),
    ({"project.qde": b"<CodeBook/>"}, "root element is 'CodeBook'"),
])
def test_broken_or_unsafe_archives_are_refused(tmp_path: Path, members: dict | None, message: str) -> None:
    path = tmp_path / "bad.qdpx"
    if members is None:
        path.write_text("not a zip", encoding="utf-8")
    else:
        _zip(path, members)
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(IngestError, match=message):
        ingest_qdpx(store, path)


def test_a_source_file_missing_from_the_archive_is_a_reject(tmp_path: Path) -> None:
    qde = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>'
           '<TextSource guid="a" name="one" plainTextPath="internal://a.txt"/>'
           '<TextSource guid="b" name="two" plainTextPath="internal://b.txt"/>'
           '<TextSource guid="c" name="three" plainTextPath="C:/Users/x/three.txt"/></Sources></Project>')
    path = _zip(tmp_path / "p.qdpx", {"project.qde": qde.encode(), "sources/a.txt": "Кезек көп".encode()})
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest_qdpx(store, path)
        reasons = store.read("rejects")["reason"].tolist()
    assert (result.ingest.comments, result.ingest.rejected) == (1, 2)
    assert reasons == ["text source 'two': sources/b.txt is missing from the archive",
                       "text source 'three' is not inside the project (C:/Users/x/three.txt)"]


def test_cli_import_prints_the_mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTMINE_TAXONOMY", "")
    path = _other_tool_project(tmp_path / "cli.qdpx")
    result = CliRunner().invoke(app, ["import", "qdpx", str(path), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 0, result.output
    assert "'Кезектер' -> queues (by name)" in result.output
    assert "labels: 2 coded comments -> 24 new decisions in label_feedback" in result.output
