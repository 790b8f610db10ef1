"""Codebook operations with history: each bumps the version and records who/when/why; labels in data/ and
analysts' feedback are brought to the new codebook when read; stale heads are named; ``--taxonomy`` and
``$TEXTMINE_TAXONOMY`` reach every command through one resolver. Expected values are written by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from textmine.classify import codebook
from textmine.classify.taxonomy import (
    Names,
    Taxonomy,
    Theme,
    ThemeLexicon,
    default_taxonomy_path,
    load_taxonomy,
    taxonomy_path,
)
from textmine.cli import app

AT = "2026-01-02T03:04:05Z"


def _theme(theme_id: str, kk: list[str], ru: list[str]) -> dict:
    return {"id": theme_id, "name": {"kk": theme_id, "ru": theme_id, "en": theme_id}, "definition": f"{theme_id}.",
            "examples": {"kk": [f"{theme_id} мысал"], "ru": []}, "lexicon": {"kk": kk, "ru": ru, "exclude": []}}


@pytest.fixture()
def small() -> Taxonomy:
    """A codebook with controlled lexicons: the five required themes plus staff_attitude and windows-free ones."""
    return Taxonomy.model_validate({
        "version": 4,
        "polarities": [{"id": "complaint", "name": {"kk": "шағым", "ru": "жалоба", "en": "complaint"},
                        "definition": "a problem"}],
        "themes": [_theme("deadlines", ["мерзім*"], ["срок*"]), _theme("queues", ["кезек*"], ["очеред*"]),
                   _theme("staff_competence", ["біліксіз*"], ["некомпетент*"]),
                   _theme("staff_attitude", ["дөрекі*"], ["груб*"]), _theme("portal_failures", [], []),
                   _theme("costs", ["қымбат*"], ["дорог*"])],
    })


def test_merge_bumps_version_records_history_and_moves_words(small: Taxonomy) -> None:
    merged = codebook.merge(small, "staff_attitude", "staff_competence", why="coders confuse them", by="aigerim", at=AT)
    assert merged.version == 5
    assert merged.theme_ids == ["deadlines", "queues", "staff_competence", "portal_failures", "costs"]
    change = merged.history[-1]
    assert (change.version, change.op, change.sources, change.target, change.by, change.at, change.why) == (
        5, "merge", ["staff_attitude"], "staff_competence", "aigerim", AT, "coders confuse them")
    kept = merged.theme("staff_competence")
    assert kept.lexicon.kk == ["біліксіз*", "дөрекі*"] and kept.lexicon.ru == ["некомпетент*", "груб*"]
    assert kept.examples.kk == ["staff_competence мысал", "staff_attitude мысал"]
    assert kept.name == small.theme("staff_competence").name


def test_merged_labels_merge_and_rejections_of_the_absorbed_theme_are_dropped(small: Taxonomy) -> None:
    merged = codebook.merge(small, "staff_attitude", "staff_competence", why="one theme", at=AT)
    labelled = pd.DataFrame({"text": ["Дөрекі жауап берді", "Қызметкерлер әдепті, дегенмен біліксіз", "Үлкен кезек"],
                             "themes": [["staff_attitude"], ["staff_attitude", "staff_competence"], ["queues"]]})
    assert codebook.current_labels(labelled, merged)["themes"].tolist() == [
        ["staff_competence"], ["staff_competence"], ["queues"]]
    assert labelled["themes"].tolist()[0] == ["staff_attitude"]  # the input is not rewritten
    feedback = pd.DataFrame({"comment_id": ["a", "b", "c", "d"], "theme": ["staff_attitude", "staff_attitude", None, "queues"],
                             "decision": ["accept", "reject", "polarity", "reject"],
                             "polarity": [None, None, "praise", None], "at": ["1", "2", "3", "4"]})
    mapped = codebook.current_feedback(feedback, merged)
    assert mapped["comment_id"].tolist() == ["a", "c", "d"]
    assert mapped["theme"].tolist()[0] == "staff_competence" and mapped["theme"].tolist()[2] == "queues"
    assert codebook.label_mapping(merged) == {"staff_attitude": ["staff_competence"]}


def test_rename_follows_through_labels_feedback_and_parents(small: Taxonomy) -> None:
    grouped = codebook.set_parent(small, "staff", ["staff_attitude", "staff_competence"], why="two levels",
                                  names=Names(kk="Қызметкерлер", ru="Персонал", en="Staff"), at=AT)
    renamed = codebook.rename(grouped, "staff_attitude", "staff_manners", why="clearer", at=AT)
    assert renamed.version == 6 and renamed.parents[0].themes == ["staff_manners", "staff_competence"]
    labelled = pd.DataFrame({"text": ["Дөрекі жауап берді"], "themes": [["staff_attitude"]]})
    assert codebook.current_labels(labelled, renamed)["themes"].tolist() == [["staff_manners"]]
    rejection = pd.DataFrame({"comment_id": ["a"], "theme": ["staff_attitude"], "decision": ["reject"],
                              "polarity": [None], "at": ["1"]})
    assert codebook.current_feedback(rejection, renamed)["theme"].tolist() == ["staff_manners"]
    assert codebook.label_mapping(renamed) == {"staff_attitude": ["staff_manners"]}


def test_names_only_rename_keeps_labels(small: Taxonomy) -> None:
    renamed = codebook.rename(small, "queues", "queues", why="wording", at=AT,
                              names=Names(kk="Кезектер", ru="Очереди", en="Queues at the office"))
    assert renamed.theme("queues").name.en == "Queues at the office" and renamed.version == 5
    assert codebook.label_mapping(renamed) == {}


def test_split_reassigns_the_source_labels_on_the_new_theme_words(small: Taxonomy) -> None:
    windows = Theme(id="windows", name=Names(kk="Терезелер", ru="Окна", en="Service windows"),
                    definition="Too few service windows open.", lexicon=ThemeLexicon(kk=["терезе*"], ru=["окн*"]))
    splitted = codebook.split(small, "queues", windows, why="windows are a separate problem", at=AT)
    assert splitted.theme_ids[:3] == ["deadlines", "queues", "windows"]
    labelled = pd.DataFrame({"text": [
        "Алдымен модераторға кезекте 5 минут тұрдым. Ол жерде 15 терезе бар, бірақ 3-4 терезе ғана жұмыс істейді",
        "Работает только 2 окна из 10",
        "Анықтамалықта бар жоғы 2 консультант, оларға үлкен кезек тұр",
        "Ол жерде 15 терезе бар, бірақ қымбат"],
        "themes": [["queues"], ["queues"], ["queues"], ["costs"]]})
    assert codebook.current_labels(labelled, splitted)["themes"].tolist() == [
        ["queues", "windows"], ["windows"], ["queues"], ["costs"]]
    assert codebook.stale_themes(splitted, 4) == ["queues", "windows"]


def test_split_needs_words_and_a_fresh_id(small: Taxonomy) -> None:
    bare = Theme(id="windows", name=Names(kk="a", ru="b", en="c"), definition="d")
    with pytest.raises(ValueError, match="needs codebook words"):
        codebook.split(small, "queues", bare, why="x")
    taken = Theme(id="costs", name=Names(kk="a", ru="b", en="c"), definition="d", lexicon=ThemeLexicon(kk=["ақша*"]))
    with pytest.raises(ValueError, match="'costs' is or was used"):
        codebook.split(small, "queues", taken, why="x")


def test_retire_drops_labels_and_a_retired_id_is_never_reused(small: Taxonomy) -> None:
    retired = codebook.retire(small, "staff_attitude", why="not used", at=AT)
    assert "staff_attitude" not in retired.theme_ids
    labelled = pd.DataFrame({"text": ["x"], "themes": [["staff_attitude", "queues"]]})
    assert codebook.current_labels(labelled, retired)["themes"].tolist() == [["queues"]]
    assert codebook.label_mapping(retired) == {"staff_attitude": []}
    reused = Theme(id="staff_attitude", name=Names(kk="a", ru="b", en="c"), definition="d",
                   lexicon=ThemeLexicon(kk=["дөрекі*"]))
    with pytest.raises(ValueError, match="is or was used"):
        codebook.split(retired, "queues", reused, why="x")


@pytest.mark.parametrize("operation", [
    lambda t: codebook.merge(t, "queues", "costs", why="x"),
    lambda t: codebook.retire(t, "deadlines", why="x"),
    lambda t: codebook.rename(t, "costs", "prices", why="x"),
])
def test_required_themes_keep_their_ids(small: Taxonomy, operation) -> None:
    with pytest.raises(ValueError, match="required theme"):
        operation(small)


def test_every_change_needs_a_reason_and_known_themes(small: Taxonomy) -> None:
    with pytest.raises(ValueError, match="say why"):
        codebook.merge(small, "staff_attitude", "queues", why="  ")
    with pytest.raises(KeyError, match="unknown theme 'nope'"):
        codebook.merge(small, "nope", "queues", why="x")


def test_parent_moves_a_child_and_needs_names_when_new(small: Taxonomy) -> None:
    with pytest.raises(ValueError, match="give its names"):
        codebook.set_parent(small, "staff", ["staff_attitude"], why="x")
    first = codebook.set_parent(small, "staff", ["staff_attitude", "staff_competence"], why="x", at=AT,
                                names=Names(kk="Қызметкерлер", ru="Персонал", en="Staff"))
    second = codebook.set_parent(first, "office", ["queues", "staff_attitude"], why="y", at=AT,
                                 names=Names(kk="Кеңсе", ru="Офис", en="Office"))
    assert [(p.id, p.themes) for p in second.parents] == [("staff", ["staff_competence"]),
                                                         ("office", ["queues", "staff_attitude"])]
    assert second.parent_of("staff_attitude") == "office" and second.parent_of("costs") is None
    assert codebook.stale_themes(second, 4) == []


def test_stale_themes_and_retrain_note_follow_later_renames(small: Taxonomy) -> None:
    merged = codebook.merge(small, "staff_attitude", "staff_competence", why="x", at=AT)
    assert codebook.stale_themes(merged, 4) == ["staff_competence"]
    assert codebook.stale_themes(merged, 5) == []
    note = codebook.retrain_note(merged, 4)
    assert "trained on taxonomy version 4, this is version 5" in note and "staff_competence" in note
    assert "textmine train" in note
    assert codebook.retrain_note(merged, 5).startswith("heads match")


def test_written_file_reads_back_equal_with_header_kept(small: Taxonomy, tmp_path: Path) -> None:
    source = tmp_path / "source.yaml"
    source.write_text("# my codebook\n# second line\n" + yaml.safe_dump(small.model_dump()), encoding="utf-8")
    merged = codebook.merge(small, "staff_attitude", "staff_competence", why="x", at=AT)
    target = codebook.write_taxonomy(merged, tmp_path / "out.yaml", header_from=source)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# my codebook\n# second line\nversion: 5\n")
    assert load_taxonomy(target) == merged


def test_resolver_prefers_the_path_then_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TEXTMINE_TAXONOMY", "")
    assert taxonomy_path().name == "taxonomy.yaml" and taxonomy_path().parent.name == "classify"
    monkeypatch.setenv("TEXTMINE_TAXONOMY", str(tmp_path / "env.yaml"))
    assert taxonomy_path() == tmp_path / "env.yaml"
    assert taxonomy_path(tmp_path / "given.yaml") == tmp_path / "given.yaml"


def test_packaged_taxonomy_is_never_written_over(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TEXTMINE_TAXONOMY_DRAFT", str(tmp_path / "draft.yaml"))
    assert codebook.working_path(default_taxonomy_path()) == tmp_path / "draft.yaml"
    assert codebook.working_path(tmp_path / "mine.yaml") == tmp_path / "mine.yaml"


TAXONOMY_COMMANDS = [["ingest", "report"], ["ingest", "table"], ["annotate"], ["export", "qdpx"], ["export", "qdc"],
                     ["recommend"], ["topics"], ["run"], ["process"], ["topics-refit"], ["topics-assign"], ["embed"],
                     ["train"], ["classify"], ["app"], ["eval", "themes"], ["eval", "recommend"],
                     ["codebook", "merge"], ["codebook", "history"], ["import", "qdpx"]]


@pytest.mark.parametrize("command", TAXONOMY_COMMANDS, ids=" ".join)
def test_every_taxonomy_command_takes_the_option(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "--taxonomy" in result.output


def test_cli_merge_writes_the_copy_and_history_reads_it_from_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTMINE_TAXONOMY", "")  # --taxonomy sets it for the process; undone after
    source = tmp_path / "taxonomy.yaml"
    source.write_text(default_taxonomy_path().read_text(encoding="utf-8"), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["codebook", "merge", "staff_attitude", "staff_competence", "--why", "one theme",
                                 "--by", "aigerim", "--taxonomy", str(source)], env={"TEXTMINE_TAXONOMY": ""})
    assert result.exit_code == 0, result.output
    assert "taxonomy version 2 written to" in result.output and "textmine train" in result.output
    written = load_taxonomy(source)
    assert written.version == 2 and "staff_attitude" not in written.theme_ids
    history = runner.invoke(app, ["codebook", "history"], env={"TEXTMINE_TAXONOMY": str(source)})
    assert "merge staff_attitude -> staff_competence — one theme" in history.output
    assert "labels staff_attitude -> staff_competence" in history.output
    refused = runner.invoke(app, ["codebook", "retire", "queues", "--why", "x", "--taxonomy", str(source)])
    assert refused.exit_code == 2 and "required theme" in refused.output
    missing = runner.invoke(app, ["codebook", "history", "--taxonomy", str(tmp_path / "none.yaml")],
                            env={"COLUMNS": "300"})
    assert missing.exit_code == 2 and "no such taxonomy file" in missing.output
