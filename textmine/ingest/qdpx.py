"""Read a REFI-QDA project (``.qdpx``, as NVivo, MAXQDA, ATLAS.ti, QualCoder and textmine write it).

The archive is read in memory (nothing is extracted); ``project.qde`` is parsed with ``defusedxml``
(no entities, no external references). What comes out:

- :attr:`QdpxProject.sources`: one row per text source (``guid``, ``name``, ``text``, one column per
  variable), from ``PlainTextContent`` or the ``internal://`` file in ``sources/``;
- :attr:`QdpxProject.codes`: every code (``guid``, ``name``, ``description``, ``codable``, ``parent``);
- :attr:`QdpxProject.codings`: one row per coding (``source``, ``code``, ``start``, ``end``, ``user``,
  ``at``): a coded selection (``PlainTextSelection``) or a whole-source ``Coding``;
- :attr:`QdpxProject.notes`: notes (``guid``, ``text``, ``author``, ``at``, ``target``: the source or
  code GUID that references it, None for a free note);
- :meth:`QdpxProject.raw_table`: the sources as a :class:`~textmine.ingest.readers.RawTable`, so they take
  the survey-table ingest path (masking, language tags, rejects).

Sources that cannot be read become rows with a problem (rejected with their reason), never silently dropped.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import pandas as pd
from defusedxml import DefusedXmlException

from textmine.ingest.errors import IngestError
from textmine.ingest.readers import RawRow, RawTable, cell_text, checked_row

NS = "{urn:QDA-XML:project:1.0}"
TEXT_COLUMN = "qdpx text"
MAX_UNPACKED = 512 * 1024 * 1024  # bytes: a larger archive is refused (zip bomb)
_VALUE_TAGS = ("TextValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue", "BooleanValue")


@dataclass(frozen=True)
class QdpxProject:
    """The parts of a REFI-QDA project textmine uses (see the module docstring)."""

    name: str
    sources: pd.DataFrame
    codes: pd.DataFrame
    codings: pd.DataFrame
    notes: pd.DataFrame
    variables: list[str]

    def raw_table(self) -> RawTable:
        """The sources as table rows (line = position in the project, 1-based): text plus variables."""
        columns = [TEXT_COLUMN, *self.variables]
        rows = []
        for line, source in enumerate(self.sources.to_dict("records"), start=1):
            if isinstance(source["problem"], str):
                rows.append(RawRow(line, {}, source["problem"], str(source["name"])))
                continue
            cells = {TEXT_COLUMN: source["text"], **{v: cell_text(source.get(v)) for v in self.variables}}
            rows.append(checked_row(line, {key: "" if value is None else value for key, value in cells.items()}))
        return RawTable(columns, rows)


def _archive_xml(path: Path) -> tuple[zipfile.ZipFile, Element]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise IngestError(path, f"not a .qdpx project (a zip archive): {error}") from error
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
        raise IngestError(path, f"unpacks to more than {MAX_UNPACKED // 2**20} MiB; refusing to read it")
    projects = [name for name in archive.namelist() if name.lower().endswith(".qde") and "/" not in name]
    if len(projects) != 1:
        raise IngestError(path, f"expected one .qde project file at the top of the archive, found {projects or 'none'}")
    try:
        root = SafeET.fromstring(archive.read(projects[0]))
    except (SafeET.ParseError, DefusedXmlException) as error:
        raise IngestError(path, f"{projects[0]}: not usable XML: {error}") from error
    if root.tag != f"{NS}Project":
        raise IngestError(path, f"{projects[0]}: root element is {root.tag!r}, expected {NS}Project")
    return archive, root


def _source_text(archive: zipfile.ZipFile, source: Element) -> tuple[str, str | None]:
    """The source's text and, when it cannot be read, why."""
    inline = source.find(f"{NS}PlainTextContent")
    if inline is not None:
        return inline.text or "", None
    where = source.get("plainTextPath") or ""
    if not where.startswith("internal://"):
        return "", f"text source '{source.get('name')}' is not inside the project ({where or 'no plainTextPath'})"
    member = "sources/" + where.removeprefix("internal://")
    try:
        return archive.read(member).decode("utf-8-sig"), None
    except KeyError:
        return "", f"text source '{source.get('name')}': {member} is missing from the archive"
    except UnicodeDecodeError:
        return "", f"text source '{source.get('name')}': {member} is not UTF-8"


def _value(element: Element) -> str | None:
    for tag in _VALUE_TAGS:
        found = element.find(f"{NS}{tag}")
        if found is not None:
            return found.text
    return None


def _codes(root: Element) -> pd.DataFrame:
    rows = []

    def walk(parent: Element, parent_guid: str | None) -> None:
        for code in parent.findall(f"{NS}Code"):
            rows.append({"guid": code.get("guid"), "name": code.get("name") or "",
                         "description": (code.findtext(f"{NS}Description") or "").strip(),
                         "codable": (code.get("isCodable") or "true").lower() == "true", "parent": parent_guid})
            walk(code, code.get("guid"))

    codes = root.find(f"{NS}CodeBook/{NS}Codes")
    if codes is not None:
        walk(codes, None)
    return pd.DataFrame(rows, columns=["guid", "name", "description", "codable", "parent"])


def _codings(source: Element) -> list[dict[str, object]]:
    found = [(coding, selection) for selection in source.findall(f"{NS}PlainTextSelection")
             for coding in selection.findall(f"{NS}Coding")]
    found += [(coding, None) for coding in source.findall(f"{NS}Coding")]
    rows = []
    for coding, selection in found:
        ref = coding.find(f"{NS}CodeRef")
        where = selection if selection is not None else source
        if ref is not None:
            rows.append({"source": source.get("guid"), "code": ref.get("targetGUID"),
                         "start": int(selection.get("startPosition")) if selection is not None else None,
                         "end": int(selection.get("endPosition")) if selection is not None else None,
                         "user": coding.get("creatingUser") or where.get("creatingUser"),
                         "at": coding.get("creationDateTime") or where.get("creationDateTime")})
    return rows


def read_qdpx(path: Path | str) -> QdpxProject:
    """Read the project at ``path``; raise :class:`IngestError` naming the file and the problem."""
    path = Path(path)
    archive, root = _archive_xml(path)
    with archive:
        users = {user.get("guid"): user.get("name") or user.get("guid") for user in root.iter(f"{NS}User")}
        variables = {v.get("guid"): v.get("name") or v.get("guid") for v in root.iter(f"{NS}Variable")}
        sources, codings, note_targets = [], [], {}
        for source in root.iter(f"{NS}TextSource"):
            text, problem = _source_text(archive, source)
            row = {"guid": source.get("guid"), "name": source.get("name") or source.get("guid"), "text": text,
                   "problem": problem}
            for value in source.findall(f"{NS}VariableValue"):
                ref = value.find(f"{NS}VariableRef")
                if ref is not None and ref.get("targetGUID") in variables:
                    row[variables[ref.get("targetGUID")]] = _value(value)
            sources.append(row)
            codings += _codings(source)
        for holder in [*root.iter(f"{NS}TextSource"), *root.iter(f"{NS}Code")]:
            for ref in holder.findall(f"{NS}NoteRef"):
                note_targets[ref.get("targetGUID")] = holder.get("guid")
        notes = [{"guid": note.get("guid"), "text": (note.findtext(f"{NS}PlainTextContent") or "").strip(),
                  "author": users.get(note.get("creatingUser"), note.get("creatingUser")),
                  "at": note.get("creationDateTime"), "target": note_targets.get(note.get("guid"))}
                 for note in root.findall(f"{NS}Notes/{NS}Note")]
    return QdpxProject(
        name=root.get("name") or path.stem,
        sources=pd.DataFrame(sources, columns=["guid", "name", "text", "problem", *dict.fromkeys(variables.values())])
        if sources else pd.DataFrame(columns=["guid", "name", "text", "problem"]),
        codes=_codes(root),
        codings=pd.DataFrame(codings, columns=["source", "code", "start", "end", "user", "at"]).assign(
            user=lambda frame: frame["user"].map(lambda guid: users.get(guid, guid))),
        notes=pd.DataFrame(notes, columns=["guid", "text", "author", "at", "target"]),
        variables=list(dict.fromkeys(variables.values())),
    )
