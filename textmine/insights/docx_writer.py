"""DOCX files as textmine writes them: A4 pages, text stripped of what XML cannot hold, saved atomically;
and Markdown (a brief as edited on screen) rendered into such a document through markdown-it-py's tokens."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textmine import atomic

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph
    from markdown_it.token import Token

_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BLOCK_STYLES = {"bullet": "List Bullet", "ordered": "List Number", "blockquote": "Intense Quote"}
MONOSPACE = "Courier New"


def xml_safe(text: object) -> str:
    """Text without the control characters XML (and so DOCX) cannot hold."""
    return _XML_UNSAFE.sub("", str(text))


def a4_document(title: str) -> Document:
    """An empty document on A4 pages (portrait, 2 cm margins) titled ``title``."""
    from docx import Document
    from docx.shared import Cm, Mm

    document = Document()
    document.core_properties.title = xml_safe(title)
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    return document


def save(document: Document, path: Path | str) -> Path:
    """Write ``document`` to ``path`` atomically."""
    path = Path(path)
    with atomic.atomic_path(path) as temporary:
        document.save(str(temporary))
    return path


def to_bytes(document: Document) -> bytes:
    """The DOCX file's bytes (for a download)."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def markdown_document(texts: Sequence[str], title: str) -> Document:
    """An A4 document with each Markdown text of ``texts`` from a new page: headings, paragraphs, bullet and
    numbered lists, block quotes (as quotes), bold, italic, strikethrough and code; HTML is kept as the
    literal text it shows on screen."""
    from docx.enum.text import WD_BREAK
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("strikethrough")
    document = a4_document(title)
    for number, text in enumerate(texts):
        if number:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _blocks(document, parser.parse(text))
    return document


def _blocks(document: Document, tokens: list[Token]) -> None:
    context: list[str] = []
    heading: int | None = None
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            heading = int(token.tag[1:])
        elif kind == "heading_close":
            heading = None
        elif kind in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            context.append(kind.split("_")[0])
        elif kind in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            context.pop()
        elif kind == "inline":
            paragraph = (document.add_heading("", level=heading) if heading
                         else document.add_paragraph(style=BLOCK_STYLES[context[-1]] if context else None))
            _inline(paragraph, token.children or [])
        elif kind in ("fence", "code_block"):
            document.add_paragraph().add_run(xml_safe(token.content.rstrip("\n"))).font.name = MONOSPACE
        elif kind == "html_block":
            document.add_paragraph(xml_safe(token.content.rstrip("\n")))


def _inline(paragraph: Paragraph, children: list[Token]) -> None:
    open_marks = {"strong": 0, "em": 0, "s": 0}
    for child in children:
        kind = child.type
        mark = kind.rsplit("_", 1)[0]
        if mark in open_marks and kind.endswith(("_open", "_close")):
            open_marks[mark] += 1 if kind.endswith("_open") else -1
        elif kind == "hardbreak":
            paragraph.add_run().add_break()
        elif kind == "softbreak" or (kind in ("text", "code_inline", "html_inline", "image") and child.content):
            run = paragraph.add_run(xml_safe(" " if kind == "softbreak" else child.content))
            run.bold, run.italic = open_marks["strong"] > 0 or None, open_marks["em"] > 0 or None
            run.font.strike = open_marks["s"] > 0 or None
            if kind == "code_inline":
                run.font.name = MONOSPACE
