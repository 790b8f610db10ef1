"""A seeded bad-input corpus of survey exports whose outcome is known by construction.

:func:`build_corpus` writes, into a folder, CSV/TSV (UTF-8, BOM, cp1251, UTF-16, invalid bytes, NULs,
mixed newlines, a 10 MB cell), JSONL (broken lines, lone surrogates, nested values), XLSX (formulas,
merged cells, several sheets, a chart sheet, a far-away cell, a zip bomb) and Parquet (wrong types,
invalid UTF-8, out-of-range timestamps) files. Each :class:`CorpusFile` says how many data rows the
reader must count and how many of them must be rejected, or which error must refuse the whole file.
Rows are drawn with ``random.Random(seed)`` from pools of real Kazakh quotes (the seed report),
Russian and mixed answers and adversarial fragments; the same seed always gives the same bytes.

``python -m tests.fuzz.corpus --report`` builds the corpus in a temporary folder, reads every file
and prints rows in / processed / rejected per file kind.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import logging
import random
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl.chart import BarChart, Reference

ROOT = Path(__file__).resolve().parents[2]
SEED_REPORT = ROOT / "data" / "reports" / "monitoring_report_2018_kk.txt"
BAD_BYTE = "\ue000"  # placeholder replaced by the invalid UTF-8 byte 0xFF after encoding
BIG_CELL_CHARS = 10 * 2**20
BOMB_BYTES = 256 * 2**20  # what the zip bomb's shared strings expand to

RUSSIAN = [
    "Простоял в очереди два часа, работало одно окно",
    "Сотрудники вежливые, всё сделали быстро",
    "Сайт egov постоянно зависает, ЭЦП не принимает",
    "Требовали справку, которую можно получить онлайн",
    "Очень долго ждали ответа, сроки нарушены",
    "Спасибо, всё хорошо",
]
MIXED = ["ЦОН-ға бардым, там очередь огромная болды", "Бәрі жақсы, спасибо большое",
         "Қызметкерлер грубо разговаривают, кезек көп"]
# Valid comments that carry hostile or odd content; they must arrive as text, unchanged in meaning.
ODD_VALID = [
    "<script>alert('x')</script> кезек көп", "<img src=x onerror=alert(1)>Очередь", "**Бәрі** _жақсы_ [link](http://x)",
    "=HYPERLINK(\"http://x\",\"жақсы\")", "+7 701 123 45 67 звонил, не ответили", "@everyone қызмет нашар",
    "👍🏻 Бәрі жақсы 😡 очередь", "Рахмет 🙏", "Бәрі\u200bжақсы", "\u202eжақсы емес\u202c", "\u2066Бәрі жақсы\u2069",
    "e\u0301 ӛте жақсы", "Көп\r\nкүттік\rбір сағат\nкезекте", "a,b;c|d\te \"quoted\" 'single'", "1",
    "ﾊﾞﾝｸ 銀行 банк", "Ｆｕｌｌｗｉｄｔｈ", "x" * 5000,
]
# Comments the table reader must reject (empty, or no letter or digit).
INVALID_TEXT = ["", "   ", "\t", "-", "...", "\u200b\u200b", "👍👍", "?!", "\u202e\u202c"]

RATINGS_OK = ["1", "2", "3", "4", "5", "", " 4 ", "4.0", "5,0"]
RATINGS_BAD = ["5+", "бес", "0", "6", "-1", "4.5", "1e3", "99999999999999999999", "five", "5/5"]
DATES_OK = ["2018-05-01", "01.05.2018", "", "2018-05-01T10:30:00", "15.11.2018 14:03"]
DATES_BAD = ["31.02.2018", "вчера", "2018-13-01", "32.01.2018"]
SERVICES_OK = ["12", "ЦОН", "", "Выдача справок", "7.0", "2.5"]  # a non-whole number is a service name
SERVICES_BAD = ["0", "-3", "99999999999999999999"]
REGIONS = ["Алматы", "Нұр-Сұлтан", "г. Шымкент", "Қарағанды облысы", "", "Марс", "<b>Астана</b>"]

HEADERS = {
    "text": ["Комментарий", "Пікір", "text", "Отзыв", "ПІКІР МӘТІНІ"],
    "rating": ["Оценка", "Баға", "rating", "балл"],
    "date": ["Дата", "date", "Күні"],
    "service": ["Услуга", "Қызмет", "service"],
    "region": ["Регион", "Облыс", "region"],
    "id": ["id", "№ анкеты", "Респондент"],
}
FIELDS = tuple(HEADERS)


@dataclass(frozen=True)
class CorpusFile:
    """A corpus file and its outcome by construction: ``rows``/``rejects``, or the refusing ``error``."""

    path: Path
    kind: str
    rows: int | None = None
    rejects: int | None = None
    error: str | None = None

    @property
    def refused(self) -> bool:
        """True when the whole file must be refused with an IngestError."""
        return self.error is not None


@dataclass
class Row:
    """A generated respondent row: its cells, the fields holding a bad value, whether it is blank."""

    cells: dict[str, str]
    bad: set[str]
    blank: bool = False

    def rejected(self, fields: tuple[str, ...] = FIELDS) -> bool:
        """True when the row, written with ``fields`` only, must be rejected."""
        return self.blank or bool(self.bad & set(fields))


def rejected(rows: list[Row], fields: tuple[str, ...] = FIELDS) -> int:
    """How many of ``rows`` must be rejected when written with ``fields``."""
    return sum(row.rejected(fields) for row in rows)


def seed_quotes() -> list[str]:
    """Real respondent quotes («...») from the seed report, Kazakh first."""
    found = re.findall(r"«([^«»\n]{20,200})»", SEED_REPORT.read_text(encoding="utf-8"))
    return sorted(set(found))[:80]


class Generator:
    """Draws respondent rows from the pools with one seeded ``random.Random``."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.valid_texts = seed_quotes() + RUSSIAN + MIXED + ODD_VALID

    def rows(self, n: int, encoding: str = "utf-8", keep: Callable[[str], bool] = lambda text: True,
             bad_share: float = 0.08, blank_share: float = 0.02) -> list[Row]:
        """``n`` rows (ids 1..n) of values ``encoding`` can hold and ``keep`` accepts; the last is valid."""
        def usable(values: list[str]) -> list[str]:
            return [value for value in values if _encodes(value, encoding) and keep(value)]

        pools = {"text": (usable(self.valid_texts), usable(INVALID_TEXT), bad_share),
                 "rating": (RATINGS_OK, usable(RATINGS_BAD), bad_share),
                 "date": (DATES_OK, usable(DATES_BAD), bad_share / 2),
                 "service": (usable(SERVICES_OK), SERVICES_BAD, bad_share / 2)}
        regions = usable(REGIONS)
        out = []
        for index in range(1, n + 1):
            if index < n and self.rng.random() < blank_share:
                out.append(Row(dict.fromkeys(FIELDS, ""), set(), blank=True))
                continue
            cells, bad = {"region": self.rng.choice(regions), "id": f"R{index:05d}"}, set()
            for field, (good, wrong, share) in pools.items():
                if index < n and self.rng.random() < share:
                    cells[field] = self.rng.choice(wrong)
                    bad.add(field)
                else:
                    cells[field] = self.rng.choice(good)
            out.append(Row(cells, bad))
        return out

    def header(self, fields: tuple[str, ...] = FIELDS, encoding: str = "utf-8") -> list[str]:
        return [self.rng.choice([name for name in HEADERS[field] if _encodes(name, encoding)]) for field in fields]


def _csv_text(header: list[str], rows: list[list[str]], delimiter: str, newlines: list[str]) -> str:
    """CSV with its own line terminator per record (``newlines`` cycles)."""
    buffer = io.StringIO()
    for number, record in enumerate([header, *rows]):
        csv.writer(buffer, delimiter=delimiter, lineterminator=newlines[number % len(newlines)]).writerow(record)
    return buffer.getvalue()


class CorpusBuilder:
    """Writes corpus files into ``root`` and records each one's expected outcome."""

    def __init__(self, root: Path, seed: int) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.gen = Generator(seed)
        self.files: list[CorpusFile] = []

    def add(self, name: str, kind: str, data: bytes, rows: int | None = None, rejects: int | None = None,
            error: str | None = None) -> None:
        path = self.root / name
        path.write_bytes(data)
        self.files.append(CorpusFile(path, kind, rows, rejects, error))

    def expect(self, name: str, kind: str, rows: list[Row], writer: Callable[[Path], None]) -> None:
        path = self.root / name
        writer(path)
        self.files.append(CorpusFile(path, kind, len(rows), rejected(rows)))

    def csv_file(self, name: str, kind: str, rows: list[Row], encoding: str = "utf-8", delimiter: str = ",",
                 newlines: tuple[str, ...] = ("\n",), fields: tuple[str, ...] = FIELDS) -> None:
        text = _csv_text(self.gen.header(fields, encoding), [[row.cells[f] for f in fields] for row in rows],
                         delimiter, list(newlines))
        data = text.encode(encoding, "surrogatepass").replace(BAD_BYTE.encode(), b"\xff")
        self.add(name, kind, data, len(rows), rejected(rows, fields))


def _mark(rows: list[Row], rng: random.Random, count: int, fragment: str) -> None:
    """Put ``fragment`` into the text of ``count`` valid rows, which then must be rejected."""
    for row in rng.sample([row for row in rows if not row.rejected() and row.cells["text"].strip()], count):
        text = row.cells["text"]
        cut = len(text) // 2
        row.cells["text"] = text[:cut] + fragment + text[cut:]
        row.bad.add("text")


def _csv_files(b: CorpusBuilder) -> None:
    gen = b.gen
    variants = [("utf8", "utf-8", ",", ("\n",)), ("bom", "utf-8-sig", ";", ("\r\n",)),
                ("utf16", "utf-16", "\t", ("\r\n",)), ("utf16be", "utf-16-be", ",", ("\n",)),
                ("mixed_newlines", "utf-8", ",", ("\n", "\r\n", "\r")), ("pipe", "utf-8", "|", ("\n",))]
    for repeat in range(3):
        for label, encoding, delimiter, newlines in variants:
            rows = gen.rows(400)
            name = f"{label}_{repeat}.{'tsv' if delimiter == chr(9) else 'csv'}"
            if encoding == "utf-16-be":  # with an explicit BOM, as Excel's "Unicode text" writes
                data = "\ufeff" + _csv_text(gen.header(), [[r.cells[f] for f in FIELDS] for r in rows], delimiter,
                                            list(newlines))
                b.add(name, f"csv-{label}", data.encode("utf-16-be"), len(rows), rejected(rows))
            else:
                b.csv_file(name, f"csv-{label}", rows, encoding, delimiter, newlines)
        b.csv_file(f"cp1251_{repeat}.csv", "csv-cp1251", gen.rows(400, "cp1251"), "cp1251", ";", ("\r\n",))
        rows = gen.rows(400)
        _mark(rows, gen.rng, 12, BAD_BYTE)
        b.csv_file(f"invalid_utf8_{repeat}.csv", "csv-invalid-utf8", rows)
        rows = gen.rows(300)
        _mark(rows, gen.rng, 5, "\x00")
        b.csv_file(f"nul_{repeat}.csv", "csv-nul", rows)
        rows = gen.rows(300)
        _mark(rows, gen.rng, 4, "\ud800")  # lone surrogates cannot be encoded: written as bad bytes
        b.csv_file(f"surrogate_{repeat}.csv", "csv-invalid-utf8", rows)
    rows = gen.rows(50)
    rows.insert(20, Row({**rows[20].cells, "text": "Ұзын " + "ж" * BIG_CELL_CHARS}, {"text"}))
    b.csv_file("big_cell.csv", "csv-10mb-cell", rows)
    only_text = ("text",)
    b.csv_file("text_only.csv", "csv-missing-columns", gen.rows(300), fields=only_text)
    b.add("empty.csv", "csv-empty", b"", error="the file is empty")
    b.add("blank_lines.csv", "csv-empty", b"\n\r\n  \n", error="the file is empty")
    b.add("header_only.csv", "csv-header-only", "Пікір;Баға\r\n".encode(), 0, 0)
    b.add("header_only_bom.csv", "csv-header-only", "\ufeffКомментарий,Оценка\n\n\n".encode("utf-8-sig"), 0, 0)
    b.add("double_bom_header.csv", "csv-bom", "\ufeff\ufeffПікір,Баға\nБәрі жақсы,5\n".encode("utf-8-sig"), 1, 0)
    b.add("zero_width_header.csv", "csv-bom", "Пі\u200bкір,\u202eБаға\nБәрі жақсы,5\n".encode(), 1, 0)
    b.add("duplicate_columns.csv", "csv-duplicate-columns", "Пікір,Баға,Пікір\nа,5,б\n".encode(),
          error="duplicate column names")
    b.add("two_text_columns.csv", "csv-duplicate-columns", "Пікір,Отзыв\nа,б\n".encode(), error="all look like")
    b.add("no_text_column.csv", "csv-missing-columns", "Баға,Дата\n5,2018-01-01\n".encode(),
          error="no comment text column")
    b.add("utf16_no_bom.csv", "csv-utf16", "text,rating\nhello there,5\n".encode("utf-16-le") * 20,
          error="UTF-16 without a byte-order mark")
    b.add("binary.csv", "csv-binary", random.Random(1).randbytes(4000), error="cannot decode the file")
    _ragged_and_quotes(b)


def _ragged_and_quotes(b: CorpusBuilder) -> None:
    gen = b.gen
    rows, fields = gen.rows(200), ("text", "rating")
    lines = [_csv_text(record, [], ",", ["\n"])[:-1]
             for record in [gen.header(fields), *[[r.cells[f] for f in fields] for r in rows]]]
    for index in sorted(gen.rng.sample(range(1, len(lines) - 1), 10)):  # extra fields; never the last row
        lines[index] += ",лишнее,поле"
        rows[index - 1].bad.add("text")
    b.add("ragged.csv", "csv-ragged", ("\n".join(lines) + "\n").encode(), len(rows), rejected(rows, fields))
    good = ["Пікір,Баға"] + [f"Бәрі жақсы {i},5" for i in range(30)]
    b.add("unbalanced_quote.csv", "csv-unbalanced-quotes",
          "\n".join(good[:12] + ['"Кезек көп,2'] + good[12:]).encode(), error="row 13")
    b.add("quote_in_field.csv", "csv-unbalanced-quotes",
          "\n".join(good[:8] + ['"Кезек" көп,2'] + good[8:]).encode(), error="row 9")
    b.add("stray_quote.csv", "csv-unbalanced-quotes",  # a quote inside an unquoted field is a literal
          "\n".join(good[:8] + ['Кезек "көп,2'] + good[8:]).encode(), 31, 0)


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _jsonl_files(b: CorpusBuilder) -> None:
    gen = b.gen
    for repeat in range(3):
        rows, header = gen.rows(400), gen.header()
        lines = [json.dumps({h: r.cells[f] for h, f in zip(header, FIELDS)}, ensure_ascii=bool(repeat % 2))
                 for r in rows]
        b.add(f"survey_{repeat}.jsonl", "jsonl", ("\n".join(lines) + "\n").encode(), len(rows), rejected(rows))
    broken = [
        ('{"text": "Бәрі жақсы", "rating": 5}', True),
        ('{"text": "Кезек көп", "rating": 4.0, "extra": {"a": [1, 2]}}', True),
        ('{"text": "ab\\ud800c", "rating": 5}', False),  # lone surrogate escape
        ('{"text": "ab\\u0000c", "rating": 5}', False),  # NUL escape
        ('{"text": "ok", "text": "twice"}', False),
        ('[1, 2, 3]', False),
        ('"just a string"', False),
        ('{"text": "unterminated', False),
        ('{"text": null, "rating": 3}', False),
        ('{"text": 12345, "rating": 3}', True),
        ('{"text": ["тізім", "список"], "rating": "5+"}', False),
        ('{"text": "Рахмет", "rating": 1e400}', False),
        ('{"text": "Рахмет", "rating": NaN}', True),  # NaN is an empty value
        ('{"\\ud800key": "x", "text": "Жақсы"}', True),  # odd key: cleaned, kept in extra
        ('', False),  # blank line between data lines
        ('{"text": "<script>alert(1)</script> кезек", "rating": "4"}', True),
        ('{"text": "Соңғы жол", "rating": 5}', True),
    ]
    b.add("broken.jsonl", "jsonl-broken", ("\r\n".join(line for line, _ in broken) + "\n\n").encode(), len(broken),
          sum(not ok for _, ok in broken))
    big = '{"text": "' + "ж" * BIG_CELL_CHARS + '"}\n{"text": "Бәрі жақсы"}\n'
    b.add("big_cell.jsonl", "jsonl-10mb-cell", big.encode(), 2, 1)
    b.add("empty.jsonl", "jsonl-empty", b"\n\n", error="the file is empty")


def _xlsx_values(gen: Generator, row: Row, fields: tuple[str, ...]) -> list[object]:
    values: list[object] = [row.cells[f] for f in fields]
    rating = row.cells["rating"].strip()
    if rating.isdigit() and gen.rng.random() < 0.5:  # numbers as numbers, as Excel stores them
        values[fields.index("rating")] = int(rating)
    if row.cells["date"] == "2018-05-01" and gen.rng.random() < 0.5:
        values[fields.index("date")] = dt.datetime(2018, 5, 1)
    return values


def _xlsx_rows(gen: Generator, n: int) -> list[Row]:
    """Rows a workbook can hold: no control characters, no text that openpyxl would store as a formula."""
    return gen.rows(n, keep=lambda text: not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
                    and not text.startswith("="))


def _xlsx_files(b: CorpusBuilder) -> None:
    gen = b.gen
    for repeat in range(3):
        rows = _xlsx_rows(gen, 400)
        other = _xlsx_rows(gen, 50)

        def write(path: Path, rows: list[Row] = rows, other: list[Row] = other) -> None:
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = "Жауаптар"
            sheet.append(gen.header())
            for row in rows:
                sheet.append(_xlsx_values(gen, row, FIELDS))
            second = book.create_sheet("Другой лист")
            second.append(["Отзыв"])
            for row in other:
                second.append([row.cells["text"]])
            book.save(path)

        b.expect(f"survey_{repeat}.xlsx", "xlsx-several-sheets", rows, write)
    _xlsx_formulas_and_merged(b)
    _xlsx_refused(b)


def _xlsx_formulas_and_merged(b: CorpusBuilder) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Пікір", "Баға", "Дата"])
    sheet.append(["Бәрі жақсы", "=2+3", "2018-01-01"])  # formula without a cached value: an empty rating
    sheet.append(['=CONCAT("Кезек ","көп")', 4, None])  # formula text without a cached value: empty comment
    sheet.append(["Ұзақ күттік", "=1/0", None])
    sheet.append(["Біріктірілген ұяшық", 3, None])
    sheet.append([None, 3, None])  # below the merged cell: the text is empty
    sheet.merge_cells("A5:A6")
    sheet.append(["=HYPERLINK(\"http://x\")", None, None])
    sheet.append(["Соңғы", 5, dt.date(2018, 2, 1)])
    path = b.root / "formulas_merged.xlsx"
    book.save(path)
    b.files.append(CorpusFile(path, "xlsx-formulas-merged", 7, 3))

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Пікір", "Баға"])
    sheet.append(["Бәрі жақсы", 5])
    sheet["XFD20000"] = "алыс ұяшық"  # one far-away cell: 19,998 blank rows and a 16,384-column row
    path = b.root / "far_cell.xlsx"
    book.save(path)
    b.files.append(CorpusFile(path, "xlsx-far-cell", 19_999, 19_998))

    book = openpyxl.Workbook()
    book.active.append(["Пікір"])
    book.active.append(["Бәрі жақсы"])
    path = b.root / "several_sheets_by_name.xlsx"
    book.create_sheet("Екінші").append(["x"])
    book.save(path)
    b.files.append(CorpusFile(path, "xlsx-several-sheets", 1, 0))


def zip_bomb(path: Path, expanded: int = BOMB_BYTES) -> None:
    """A valid-looking workbook whose shared strings expand from about 250 KB to ``expanded`` bytes."""
    book = openpyxl.Workbook()
    book.active.append(["Пікір"])
    book.active.append(["Бәрі жақсы"])
    buffer = io.BytesIO()
    book.save(buffer)
    strings = "xl/sharedStrings.xml"
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != strings:
                target.writestr(item, source.read(item.filename))
        with target.open(strings, "w", force_zip64=True) as handle:
            handle.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            chunk = b"A" * 2**20
            for _ in range(expanded // len(chunk)):
                handle.write(chunk)
            handle.write(b"</t></si></sst>")


def _xlsx_refused(b: CorpusBuilder) -> None:
    bomb = b.root / "zip_bomb.xlsx"
    zip_bomb(bomb)
    b.files.append(CorpusFile(bomb, "xlsx-zip-bomb", error="zip bomb"))
    book = openpyxl.Workbook()
    book.active.append(["Пікір"])
    book.active.append(["Бәрі жақсы"])
    chart = BarChart()
    chart.add_data(Reference(book.active, min_col=1, min_row=1, max_row=2))
    book.create_chartsheet("Диаграмма", 0).add_chart(chart)
    book.save(b.root / "chart_first.xlsx")
    b.files.append(CorpusFile(b.root / "chart_first.xlsx", "xlsx-chart-sheet", error="is a chart"))
    b.add("not_a_zip.xlsx", "xlsx-not-a-workbook", "Пікір,Баға\nжақсы,5\n".encode(), error="not a readable .xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    b.add("zip_not_workbook.xlsx", "xlsx-not-a-workbook", buffer.getvalue(), error="not a readable .xlsx")


def _parquet_files(b: CorpusBuilder) -> None:
    gen = b.gen
    for repeat in range(3):
        rows = gen.rows(400)
        table = pa.table({h: [r.cells[f] for r in rows] for h, f in zip(gen.header(), FIELDS)})
        path = b.root / f"survey_{repeat}.parquet"
        pq.write_table(table, path)
        b.files.append(CorpusFile(path, "parquet", len(rows), rejected(rows)))
    invalid_utf8 = pa.array([b"\xd0\x91\xd3\x99\xd1\x80\xd1\x96 \xd0\xb6\xd0\xb0\xd2\x9b\xd1\x81\xd1\x8b", b"\xff\xfe",
                             b"ok"], pa.binary()).view(pa.string())  # a string column that is not UTF-8
    wrong_types = pa.table({
        "text": invalid_utf8,
        "rating": pa.array([4.0, 4.5, None]),
        "date": pa.array([dt.datetime(2018, 5, 1), None, dt.datetime(2019, 1, 1)], pa.timestamp("ms")),
        "service": pa.array([12, -1, 2**62]),
    })
    pq.write_table(wrong_types, b.root / "wrong_types.parquet")
    b.files.append(CorpusFile(b.root / "wrong_types.parquet", "parquet-wrong-types", 3, 2))
    odd = pa.table({
        "Отзыв": pa.array([1, 2, 3, 4]),  # numbers as comments
        "Оценка": pa.array(["5+", "бес", "0", "5"]),
        "Дата": pa.array([1.5, None, None, None]),
        "nested": pa.array([{"a": 1}, None, {"a": None}, {"a": 2}]),
        "far_future": pa.array([2**62, 0, 1, 2], pa.timestamp("us")),  # year 146,000: beyond Python's datetime
        "dict": pa.array(["а", "б", None, "в"]).dictionary_encode(),
    })
    pq.write_table(odd, b.root / "odd_types.parquet")
    b.files.append(CorpusFile(b.root / "odd_types.parquet", "parquet-wrong-types", 4, 3))
    pq.write_table(pa.table({"text": pa.array([], pa.string())}), b.root / "no_rows.parquet")
    b.files.append(CorpusFile(b.root / "no_rows.parquet", "parquet-empty", 0, 0))
    pq.write_table(pa.table({"rating": pa.array([5])}), b.root / "no_text.parquet")
    b.files.append(CorpusFile(b.root / "no_text.parquet", "parquet-missing-columns", error="no comment text column"))
    b.add("truncated.parquet", "parquet-broken", (b.root / "survey_0.parquet").read_bytes()[:500],
          error="not a readable Parquet file")


def build_corpus(root: Path, seed: int = 0) -> list[CorpusFile]:
    """Write the corpus into ``root`` (deterministic for a seed) and return its files with their outcomes."""
    builder = CorpusBuilder(root, seed)
    for part in (_csv_files, _jsonl_files, _xlsx_files, _parquet_files):
        part(builder)
    return builder.files


@dataclass
class Outcome:
    """What reading one corpus file gave: rows in, comments, rejects, or the refusing error."""

    file: CorpusFile
    rows_in: int = 0
    comments: int = 0
    rejects: int = 0
    error: str | None = None


def read_corpus(files: list[CorpusFile]) -> Iterator[Outcome]:
    """Read every file with :func:`textmine.ingest.table.read_table`; IngestErrors become outcomes."""
    from textmine.ingest.errors import IngestError
    from textmine.ingest.table import read_table

    for file in files:
        try:
            parsed = read_table(file.path)
        except IngestError as error:
            yield Outcome(file, error=str(error))
            continue
        yield Outcome(file, parsed.rows_in, len(parsed.comments), len(parsed.rejects))


def totals(outcomes: list[Outcome]) -> dict[str, dict[str, int]]:
    """Per file kind: files, rows in, processed (comments), rejected, files refused whole."""
    table: dict[str, dict[str, int]] = {}
    for outcome in outcomes:
        entry = table.setdefault(outcome.file.kind, dict.fromkeys(("files", "rows_in", "processed", "rejected",
                                                                   "refused"), 0))
        entry["files"] += 1
        entry["rows_in"] += outcome.rows_in
        entry["processed"] += outcome.comments
        entry["rejected"] += outcome.rejects
        entry["refused"] += outcome.error is not None
    return table


def format_totals(table: dict[str, dict[str, int]]) -> str:
    """The totals as an aligned text table with an ``all`` line."""
    columns = ("files", "rows_in", "processed", "rejected", "refused")
    lines = [f"{'kind':<26}" + "".join(f"{c:>11}" for c in columns)]
    for kind in sorted(table):
        lines.append(f"{kind:<26}" + "".join(f"{table[kind][c]:>11,}" for c in columns))
    lines.append(f"{'all':<26}" + "".join(f"{sum(t[c] for t in table.values()):>11,}" for c in columns))
    return "\n".join(lines)


def main() -> None:
    """``--report``: build the corpus in a temporary folder, read it, print the totals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", action="store_true", help="read every file and print totals per kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="keep the corpus in this folder")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # per-file notes about extra columns; the totals are the point here
    with tempfile.TemporaryDirectory() as scratch:
        files = build_corpus(args.out or Path(scratch), args.seed)
        print(f"{len(files)} files in {args.out or scratch}")
        if args.report:
            print(format_totals(totals(list(read_corpus(files)))))


if __name__ == "__main__":
    main()
