"""REFI-QDA exchange (the open standard NVivo, MAXQDA, ATLAS.ti and QualCoder import).

- :func:`export_qdpx`: the coded corpus as a ``.qdpx`` project (a zip of ``project.qde`` plus one
  ``sources/<guid>.txt`` per comment). Comments are text sources carrying their attributes (service,
  agency, region, language, rating, polarity, source line) as variables; services are cases grouping
  their comments; themes and polarities are codes; each assignment is a coded segment spanning the
  comment's text, made by the project user ``textmine`` or, for a comment an analyst corrected, by that
  reviewer (with the reviewer's themes and polarity). Analysts' memos are notes, referenced from their
  comment's source or theme's code.
- :func:`export_qdc` / :func:`import_qdc`: the taxonomy as a ``.qdc`` codebook and back.

The XML is written with the standard library following the REFI-QDA 1.0 schemas (element order as in
the XSD). GUIDs are UUID-5 of stable keys, so the same corpus always gives the same file. Theme ids
and kk/ru names travel in the last line of each code's description: ``[textmine id=… | kk=… | ru=…]``.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from textmine import atomic
from textmine.classify.taxonomy import Names, Taxonomy, Theme, load_taxonomy
from textmine.insights.profile import split_themes

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_NAMESPACE = uuid.UUID("6f1c9a56-3c1e-4d59-9a53-8f4e1f0a7b21")
TRAILER = re.compile(r"\[textmine id=(?P<id>[^|\]]+?)(?: \| kk=(?P<kk>[^|\]]*?))?(?: \| ru=(?P<ru>[^|\]]*?))?\]\s*$")
_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
            "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39")
MODEL_CODER = "textmine"  # the project user who made the model's codings
UNRECORDED_REVIEWER = "reviewer (name not recorded)"  # corrections saved before reviewers were recorded
VARIABLES = {  # comment column -> (variable name, REFI type)
    "service_no": ("service_no", "Integer"),
    "service_name": ("service", "Text"),
    "agency": ("agency", "Text"),
    "region": ("region", "Text"),
    "lang": ("language", "Text"),
    "rating": ("rating", "Integer"),
    "polarity": ("polarity", "Text"),
    "source_line": ("source_line", "Integer"),
}


def guid(*key: object) -> str:
    """A stable GUID for a key (UUID-5 in textmine's namespace)."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(map(str, key))))


def _tag(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _description(theme: Theme) -> str:
    return f"{theme.definition}\n[textmine id={theme.id} | kk={theme.name.kk} | ru={theme.name.ru}]"


def _codes(parent: ET.Element, ns: str, taxonomy: Taxonomy, with_polarity: bool,
           notes: dict[str, list[str]] | None = None) -> None:
    codes = ET.SubElement(parent, _tag(ns, "Codes"))
    themes = ET.SubElement(codes, _tag(ns, "Code"), guid=guid("group", "themes"), name="Themes", isCodable="false")
    for index, theme in enumerate(taxonomy.themes):
        code = ET.SubElement(themes, _tag(ns, "Code"), guid=guid("theme", theme.id), name=theme.name.en,
                             isCodable="true", color=_COLOURS[index % len(_COLOURS)])
        ET.SubElement(code, _tag(ns, "Description")).text = _description(theme)
        _note_refs(code, (notes or {}).get(theme.id, []))
    if with_polarity:
        group = ET.SubElement(codes, _tag(ns, "Code"), guid=guid("group", "polarity"), name="Polarity",
                              isCodable="false")
        for polarity in taxonomy.polarities:
            code = ET.SubElement(group, _tag(ns, "Code"), guid=guid("polarity", polarity.id),
                                 name=polarity.name.en, isCodable="true")
            ET.SubElement(code, _tag(ns, "Description")).text = polarity.definition


def _value(parent: ET.Element, variable: str, kind: str, value: object) -> None:
    element = ET.SubElement(parent, _tag(PROJECT_NS, "VariableValue"))
    ET.SubElement(element, _tag(PROJECT_NS, "VariableRef"), targetGUID=guid("variable", variable))
    tag = "IntegerValue" if kind == "Integer" else "TextValue"
    ET.SubElement(element, _tag(PROJECT_NS, tag)).text = str(int(value)) if kind == "Integer" else str(value)


def _note_refs(parent: ET.Element, note_guids: list[str]) -> None:
    for note_guid in note_guids:
        ET.SubElement(parent, _tag(PROJECT_NS, "NoteRef"), targetGUID=note_guid)


def note_guid(kind: str, target_id: object, author: str) -> str:
    """The GUID of the REFI-QDA note carrying ``author``'s memo on a quote, theme or service."""
    return guid("note", kind, target_id, author)


class _Users:
    """The project's ``Users`` element: each person (textmine itself, a memo's author, a reviewer) once."""

    def __init__(self, users: ET.Element) -> None:
        self.element = users
        self.guids: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        """The GUID of the user called ``name``, added on first use."""
        if name not in self.guids:
            self.guids[name] = guid("user", name)
            ET.SubElement(self.element, _tag(PROJECT_NS, "User"), guid=self.guids[name], name=name)
        return self.guids[name]


def _notes(memos: pd.DataFrame, user: _Users, stamp: str) -> tuple[ET.Element, dict[tuple[str, str], list[str]]]:
    """Each memo as a ``Note`` in a ``Notes`` element (its author a ``User``), and (kind, target id) -> the
    GUIDs of the notes to reference."""
    notes = ET.Element(_tag(PROJECT_NS, "Notes"))
    refs: dict[tuple[str, str], list[str]] = {}
    for memo in memos.sort_values(["target_kind", "target_id", "author"]).itertuples():
        key = note_guid(memo.target_kind, memo.target_id, memo.author)
        note = ET.SubElement(notes, _tag(PROJECT_NS, "Note"), guid=key,
                             name=f"{memo.target_kind} {memo.target_id}: {memo.author}",
                             creatingUser=user(memo.author), creationDateTime=memo.at or stamp)
        ET.SubElement(note, _tag(PROJECT_NS, "PlainTextContent")).text = memo.text
        refs.setdefault((memo.target_kind, str(memo.target_id)), []).append(key)
    return notes, refs


def _present(value: object) -> bool:
    return value is not None and value is not pd.NA and not (isinstance(value, float) and pd.isna(value)) \
        and str(value) != ""


def _coders(coded: pd.DataFrame, corrected: pd.DataFrame | None) -> pd.DataFrame:
    """``coded`` with reviewers' corrections applied (their themes, their polarity when they fixed it) and who
    coded each comment's themes (``theme_coder``) and polarity (``polarity_coder``): the reviewer, or textmine."""
    coded = coded.reset_index(drop=True).assign(theme_coder=MODEL_CODER, polarity_coder=MODEL_CODER)
    if corrected is None or corrected.empty:
        return coded
    by_id = corrected.assign(comment_id=corrected["comment_id"].astype(str)).set_index("comment_id")
    hit = coded["id"].astype(str).isin(by_id.index).to_numpy()
    found = by_id.loc[coded.loc[hit, "id"].astype(str)]
    reviewers = found["reviewer"].map(lambda name: name if isinstance(name, str) and name.strip() else UNRECORDED_REVIEWER)
    fixed = found["polarity"].map(_present).to_numpy()
    coded.loc[hit, "themes"] = found["themes"].to_numpy()
    coded.loc[hit, "theme_coder"] = reviewers.to_numpy()
    rows = coded.index[hit][fixed]
    coded.loc[rows, "polarity"] = found["polarity"].to_numpy()[fixed]
    coded.loc[rows, "polarity_coder"] = reviewers.to_numpy()[fixed]
    return coded


def project_xml(coded: pd.DataFrame, taxonomy: Taxonomy | None = None, name: str = "textmine corpus",
                created: datetime | None = None, memos: pd.DataFrame | None = None,
                corrected: pd.DataFrame | None = None) -> tuple[bytes, dict[str, str]]:
    """The ``project.qde`` XML and the source files (``sources/<guid>.txt`` -> text) of a coded corpus.

    ``coded`` has comment columns plus ``themes`` and ``polarity``; theme ids must be in the taxonomy.
    ``memos`` (store table ``memos``) become notes referenced from their comment's source or theme's code;
    memos on services are notes named ``service N: author`` (a REFI-QDA case takes no note).
    ``corrected`` (:func:`textmine.classify.feedback.corrections`) replaces a reviewed comment's codes by the
    reviewer's, coded by that reviewer as a project user; other codings are the user ``textmine``'s.
    """
    taxonomy = taxonomy or load_taxonomy()
    known = set(taxonomy.theme_ids)
    coded = _coders(coded, corrected)
    for row in coded.itertuples():
        unknown = [t for t in split_themes(row.themes) if t not in known]
        if unknown:
            raise ValueError(f"comment {row.id}: themes {', '.join(unknown)} are not in taxonomy version "
                             f"{taxonomy.version}")
    stamp = (created or datetime(2000, 1, 1, tzinfo=UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ET.register_namespace("", PROJECT_NS)
    root = ET.Element(_tag(PROJECT_NS, "Project"), name=name, origin="textmine",
                      creatingUserGUID=guid("user", MODEL_CODER), creationDateTime=stamp)
    user = _Users(ET.SubElement(root, _tag(PROJECT_NS, "Users")))
    user(MODEL_CODER)
    memos = memos if memos is not None else pd.DataFrame(columns=["target_kind", "target_id", "author", "text", "at"])
    memos = memos[(memos["target_kind"] != "quote") | memos["target_id"].isin(coded["id"].astype(str))]
    memos = memos[(memos["target_kind"] != "theme") | memos["target_id"].isin(known)]
    notes, refs = _notes(memos, user, stamp)
    theme_notes = {target: guids for (kind, target), guids in refs.items() if kind == "theme"}
    _codes(ET.SubElement(root, _tag(PROJECT_NS, "CodeBook")), PROJECT_NS, taxonomy, with_polarity=True,
           notes=theme_notes)
    present = {c: spec for c, spec in VARIABLES.items() if c in coded.columns}
    variables = ET.SubElement(root, _tag(PROJECT_NS, "Variables"))
    for variable, kind in present.values():
        ET.SubElement(variables, _tag(PROJECT_NS, "Variable"), guid=guid("variable", variable), name=variable,
                      typeOfVariable=kind)
    cases = ET.SubElement(root, _tag(PROJECT_NS, "Cases"))
    for service_no, group in coded.dropna(subset=["service_no"]).groupby("service_no", sort=True):
        first = group.iloc[0]
        label = f"Service {int(service_no)}" + (f": {first['service_name']}" if _present(first.get("service_name")) else "")
        case = ET.SubElement(cases, _tag(PROJECT_NS, "Case"), guid=guid("case", int(service_no)), name=label)
        for column in ("service_no", "service_name", "agency"):
            if column in present and _present(first.get(column)):
                _value(case, *present[column], first[column])
        for comment_id in group["id"]:
            ET.SubElement(case, _tag(PROJECT_NS, "SourceRef"), targetGUID=guid("source", comment_id))
    sources = ET.SubElement(root, _tag(PROJECT_NS, "Sources"))
    files: dict[str, str] = {}
    for record in coded.to_dict("records"):
        source_guid = guid("source", record["id"])
        files[f"sources/{source_guid}.txt"] = record["text"]
        source = ET.SubElement(sources, _tag(PROJECT_NS, "TextSource"), guid=source_guid, name=str(record["id"]),
                               plainTextPath=f"internal://{source_guid}.txt", creatingUser=user(MODEL_CODER),
                               creationDateTime=stamp)
        codes = [("theme", t, record["theme_coder"]) for t in split_themes(record.get("themes"))]
        if _present(record.get("polarity")):
            codes.append(("polarity", record["polarity"], record["polarity_coder"]))
        if codes:
            selection = ET.SubElement(source, _tag(PROJECT_NS, "PlainTextSelection"),
                                      guid=guid("selection", record["id"]), name=record["text"][:60],
                                      startPosition="0", endPosition=str(len(record["text"])),
                                      creatingUser=user(MODEL_CODER), creationDateTime=stamp)
            for kind, code, coder in codes:
                coding = ET.SubElement(selection, _tag(PROJECT_NS, "Coding"), guid=guid("coding", record["id"], code),
                                       creatingUser=user(coder), creationDateTime=stamp)
                ET.SubElement(coding, _tag(PROJECT_NS, "CodeRef"), targetGUID=guid(kind, code))
        _note_refs(source, refs.get(("quote", str(record["id"])), []))
        for column, (variable, kind) in present.items():
            if _present(record.get(column)):
                _value(source, variable, kind, record[column])
    if len(notes):
        root.append(notes)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), files


def export_qdpx(coded: pd.DataFrame, path: Path | str, taxonomy: Taxonomy | None = None,
                name: str = "textmine corpus", memos: pd.DataFrame | None = None,
                corrected: pd.DataFrame | None = None) -> Path:
    """Write the coded corpus as a REFI-QDA ``.qdpx`` project (see the module docstring), ``memos`` as notes,
    reviewers' ``corrected`` codes in place of the model's."""
    xml, files = project_xml(coded, taxonomy, name, memos=memos, corrected=corrected)
    path = Path(path)
    with atomic.atomic_path(path) as temporary, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for member, text in files.items():
            archive.writestr(member, text.encode("utf-8"))
    return path


def export_qdc(path: Path | str, taxonomy: Taxonomy | None = None) -> Path:
    """Write the taxonomy's themes as a REFI-QDA ``.qdc`` codebook."""
    taxonomy = taxonomy or load_taxonomy()
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(_tag(CODEBOOK_NS, "CodeBook"), origin="textmine")
    _codes(root, CODEBOOK_NS, taxonomy, with_polarity=False)
    ET.indent(root)
    path = Path(path)
    with atomic.atomic_path(path) as temporary:
        temporary.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    return path


def slug(name: str) -> str:
    """A code name as a theme id candidate: lower case, runs of non-word characters as ``_``."""
    return re.sub(r"\W+", "_", name.strip().lower()).strip("_")


def import_qdc(path: Path | str, base: Taxonomy | None = None) -> Taxonomy:
    """A taxonomy from a ``.qdc`` codebook: every codable code becomes a theme (nested codes included).

    Ids, kk and ru names come from a textmine trailer when the code has one, else the id is the code
    name in snake case and every name is the code name. Polarities and the version (+1) come from
    ``base`` (the packaged taxonomy by default). Raises ``ValueError`` naming the file and the problem.
    """
    path = Path(path)
    base = base or load_taxonomy()
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise ValueError(f"{path}: not a REFI-QDA codebook: {error}") from error
    if root.tag != _tag(CODEBOOK_NS, "CodeBook"):
        raise ValueError(f"{path}: root element is {root.tag!r}, expected CodeBook in namespace {CODEBOOK_NS}")
    themes = []
    for code in root.iter(_tag(CODEBOOK_NS, "Code")):
        if code.get("isCodable", "true").lower() != "true":
            continue
        name = code.get("name")
        if not name:
            raise ValueError(f"{path}: code {code.get('guid')} has no name")
        text = (code.findtext(_tag(CODEBOOK_NS, "Description")) or "").strip()
        match = TRAILER.search(text)
        definition = TRAILER.sub("", text).strip() or name
        names = Names(kk=(match and match["kk"]) or name, ru=(match and match["ru"]) or name, en=name)
        themes.append(Theme(id=match["id"] if match else slug(name), name=names, definition=definition))
    try:
        return Taxonomy(version=base.version + 1, polarities=base.polarities, themes=themes)
    except ValueError as error:
        raise ValueError(f"{path}: codebook does not make a valid taxonomy: {error}") from error
