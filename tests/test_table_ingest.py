"""Survey-table ingest: formats, encodings, column recognition, row policies and their messages."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textmine import schema
from textmine.ingest.errors import IngestError
from textmine.ingest.table import TableParse, read_table
from textmine.normalise import normalise_text

SEED = Path(__file__).resolve().parents[1] / "data" / "reports" / "monitoring_report_2018_kk.txt"


@pytest.fixture(scope="module")
def quotes() -> list[str]:
    """Real respondent quotes from the seed report: one-line «...» with Kazakh letters, PDF artefacts kept."""
    found = re.findall(r"«([^«»\n]{30,120})»", SEED.read_text(encoding="utf-8"))
    kazakh = [quote for quote in found if re.search("[әғқңөӛұүһі]", quote) and "," in quote]
    assert len(kazakh) >= 8
    return kazakh[:8]


def write_csv(path: Path, rows: list[list[object]], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def check_partition(parsed: TableParse) -> None:
    """Every data row is exactly one comment or reject; both tables satisfy their schemas."""
    assert parsed.rows_in == len(parsed.comments) + len(parsed.rejects)
    schema.validate(parsed.comments, schema.COMMENTS)
    schema.validate(parsed.rejects, schema.REJECTS)
    lines = list(parsed.comments["source_line"]) + list(parsed.rejects["source_line"])
    assert len(lines) == len(set(lines))


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as dicts with every missing value (NaN, pd.NA) as None."""
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def reasons(parsed: TableParse) -> dict[int, str]:
    return dict(zip(parsed.rejects["source_line"], parsed.rejects["reason"], strict=True))


def error_of(path: Path, **kwargs: object) -> str:
    with pytest.raises(IngestError) as caught:
        read_table(path, **kwargs)
    return str(caught.value)


# --- formats and encodings ---------------------------------------------------------------------------


def test_csv_fields_ids_and_positions(tmp_path: Path, quotes: list[str]) -> None:
    path = write_csv(tmp_path / "survey.csv", [
        ["Пікір", "Қызмет", "Облыс", "Баға", "Күні", "Арна"],
        [quotes[0], "12", "ШҚО", "5", "01.09.2018", "ХҚКО"],
        [quotes[1], "Апостиль қою", "Алматы", " 4 ", "2018-09-02", "egov.kz"],
        [quotes[2], "", "", "", "", ""],
    ])
    parsed = read_table(path)
    check_partition(parsed)
    rows = records(parsed.comments)
    assert parsed.encoding == "utf-8" and parsed.delimiter == ","
    assert [row["raw_text"] for row in rows] == quotes[:3]
    assert [row["text"] for row in rows] == [normalise_text(quote) for quote in quotes[:3]]
    assert [row["source_line"] for row in rows] == [2, 3, 4]
    assert {row["source_file"] for row in rows} == {"survey.csv"}
    assert [row["id"] for row in rows] == [schema.comment_id("survey.csv", i + 2, q) for i, q in enumerate(quotes[:3])]
    first, second, third = rows
    assert (first["service_no"], first["service_name"], first["rating"], first["date"]) == (12, None, 5, "2018-09-01")
    assert first["region"] == "Шығыс Қазақстан облысы" and json.loads(first["extra"]) == {"region_raw": "ШҚО"}
    assert (second["service_no"], second["service_name"], second["rating"]) == (None, "Апостиль қою", 4)
    assert second["region"] == "Алматы" and second["extra"] is None and second["channel"] == "egov.kz"
    assert third["rating"] is None and third["region"] is None and third["date"] is None
    assert all(row["lang"] is None and row["lang_confidence"] is None for row in rows)


def test_raw_text_keeps_pdf_artefacts_text_is_normalised(tmp_path: Path, quotes: list[str]) -> None:
    quote = next(q for q in quotes if "ӛ" in q)
    parsed = read_table(write_csv(tmp_path / "a.csv", [["comment", "rating"], [f"  {quote} ", "5"]]))
    assert parsed.comments.loc[0, "raw_text"] == f"  {quote} "
    assert "ӛ" not in parsed.comments.loc[0, "text"] and "ө" in parsed.comments.loc[0, "text"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, quotes: list[str], delimiter: str) -> None:
    # The quotes contain commas: the sniffer must not split on them.
    path = write_csv(tmp_path / "d.csv", [["комментарий", "оценка", "регион"]]
                     + [[quote, "4", "Павлодар"] for quote in quotes], delimiter=delimiter)
    parsed = read_table(path)
    check_partition(parsed)
    assert parsed.delimiter == delimiter
    assert list(parsed.comments["raw_text"]) == quotes
    assert set(parsed.comments["region"]) == {"Павлодар облысы"}


def test_single_column_csv(tmp_path: Path, quotes: list[str]) -> None:
    parsed = read_table(write_csv(tmp_path / "one.csv", [["Text"]] + [[q] for q in quotes]))
    check_partition(parsed)
    assert list(parsed.comments["raw_text"]) == quotes


def test_single_column_with_unquoted_commas(tmp_path: Path, quotes: list[str]) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("Пікір\n" + "\n".join(quotes) + "\n", encoding="utf-8")
    parsed = read_table(path)
    check_partition(parsed)
    assert list(parsed.comments["raw_text"]) == quotes


def test_tsv_extension(tmp_path: Path, quotes: list[str]) -> None:
    parsed = read_table(write_csv(tmp_path / "t.tsv", [["отзыв", "балл"], [quotes[0], "3"]], delimiter="\t"))
    assert parsed.delimiter == "\t" and list(parsed.comments["rating"]) == [3]


@pytest.mark.parametrize(("encoding", "reported"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("cp1251", "cp1251"),
])
def test_encodings(tmp_path: Path, encoding: str, reported: str) -> None:
    # cp1251 cannot hold Kazakh letters, so the shared text is Russian (and letterless Kazakh).
    comments = ["Всё хорошо, обслужили быстро", "Очередь была большая; ждали час", "Барлыгы жаксы, рахмет"]
    path = write_csv(tmp_path / "enc.csv", [["Комментарий", "Оценка"]] + [[c, "5"] for c in comments],
                     delimiter=";", encoding=encoding)
    parsed = read_table(path)
    check_partition(parsed)
    assert parsed.encoding == reported
    assert list(parsed.comments["raw_text"]) == comments
    assert parsed.columns["text"] == "Комментарий"  # no BOM left in the header
    assert any(f"encoding {reported}" in message for message in parsed.messages)


def test_undecodable_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"comment\n" + random.Random(0).randbytes(3000))
    assert error_of(path) == ("binary.csv: cannot decode the file: it is not UTF-8, UTF-16 with a byte-order "
                              "mark, or cp1251 text; save it as UTF-8")


def test_bom_with_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad_bom.csv"
    path.write_bytes(b"\xef\xbb\xbfcomment\n\xff\xfe\xfd\n")
    assert error_of(path).startswith("bad_bom.csv: starts with a utf-8-sig byte-order mark but is not valid utf-8-sig")


def test_xlsx_with_mapped_column_and_sheet_rows(tmp_path: Path, quotes: list[str]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ответы"
    sheet.append(["Отзыв клиента", "Оценка", "Дата", "Город"])
    sheet.append([quotes[0], 5, dt.datetime(2018, 9, 3, 10, 30), "Семей"])
    sheet.append([None, None, None, None])
    sheet.append([quotes[1], 4.0, None, None])
    sheet.append([quotes[2], 4.5, None, None])
    book.create_sheet("Другое").append(["x"])
    path = tmp_path / "export.xlsx"
    book.save(path)

    parsed = read_table(path, column_map={"Отзыв клиента": "text"})
    check_partition(parsed)
    assert parsed.sheet == "Ответы" and parsed.encoding is None
    assert list(parsed.comments["source_line"]) == [2, 4]
    assert list(parsed.comments["rating"]) == [5, 4]
    assert parsed.comments.loc[0, "date"] == "2018-09-03"
    assert json.loads(parsed.comments.loc[0, "extra"]) == {"Город": "Семей"}
    assert reasons(parsed) == {3: "empty row", 5: "rating '4.5' is not a whole number"}
    assert read_table(path, text_column="Отзыв клиента").comments.equals(parsed.comments)
    assert "no sheet named 'Лист1'; sheets: 'Ответы', 'Другое'" in error_of(path, text_column="x", sheet="Лист1")
    assert error_of(path, sheet="Другое").startswith("export.xlsx: no comment text column; columns found: 'x'.")


def test_xlsx_empty_sheet(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    assert error_of(path) == "empty.xlsx: sheet 'Sheet': the file is empty: no header row"


def test_parquet_typed_columns(tmp_path: Path, quotes: list[str]) -> None:
    table = pa.table({
        "comment": quotes[:4],
        "rating": pa.array([5, None, 7, 1], type=pa.int64()),
        "service_no": pa.array([3.0, 4.0, None, 60.0]),
        "date": pa.array([dt.date(2018, 9, 1), None, None, dt.date(2018, 10, 1)]),
    })
    path = tmp_path / "answers.parquet"
    pq.write_table(table, path)
    parsed = read_table(path)
    check_partition(parsed)
    assert list(parsed.comments["source_line"]) == [1, 2, 4]
    assert list(parsed.comments["service_no"]) == [3, 4, 60]
    assert list(parsed.comments["date"].fillna("")) == ["2018-09-01", "", "2018-10-01"]
    assert reasons(parsed) == {3: "rating '7' outside 1-5"}


def test_parquet_duplicate_columns(tmp_path: Path) -> None:
    path = tmp_path / "dup.parquet"
    pq.write_table(pa.Table.from_arrays([pa.array(["a"]), pa.array(["b"])], names=["text", "text"]), path)
    assert error_of(path) == "dup.parquet: duplicate column names: 'text' (columns 1 and 2); rename them so each is unique"


def test_jsonl_lines_and_bad_lines(tmp_path: Path, quotes: list[str]) -> None:
    lines = [
        json.dumps({"text": quotes[0], "rating": 5, "meta": {"form": "A"}}, ensure_ascii=False),
        "",
        '{"text": "x", "text": "y"}',
        '{"text": "unclosed',
        json.dumps([quotes[1]], ensure_ascii=False),
        json.dumps({"text": quotes[2], "rating": "5.0", "region": "Нұр-Сұлтан"}, ensure_ascii=False),
        "",
    ]
    path = tmp_path / "answers.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = read_table(path)
    check_partition(parsed)
    assert parsed.rows_in == 6
    assert list(parsed.comments["source_line"]) == [1, 6]
    assert list(parsed.comments["rating"]) == [5, 5]
    assert json.loads(parsed.comments.loc[0, "extra"]) == {"meta": '{"form": "A"}'}
    assert parsed.comments.loc[1, "region"] == "Астана"
    assert reasons(parsed) == {
        2: "empty row",
        3: "duplicate key 'text'",
        4: "invalid JSON (Unterminated string starting at, column 10)",
        5: "expected a JSON object, got list",
    }
    assert parsed.rejects.set_index("source_line").loc[4, "raw"] == '{"text": "unclosed'


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "answers.xls"
    path.write_bytes(b"")
    assert error_of(path) == ("answers.xls: unsupported file type '.xls': expected one of .csv, .jsonl, .ndjson, "
                              ".parquet, .tsv, .xlsx")


def test_missing_file(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope.csv") == f"nope.csv: file not found: {tmp_path / 'nope.csv'}"


# --- columns -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "field"), [
    ("comment", "text"), (" Комментарий ", "text"), ("ПІКІР", "text"), ("пикир", "text"), ("Отзыв", "text"),
    ("TEXT", "text"), ("Услуга", "service"), ("қызмет", "service"), ("№ услуги", "service_no"),
    ("service_no", "service_no"), ("Регион", "region"), ("облыс", "region"), ("Область", "region"),
    ("Оценка", "rating"), ("баға", "rating"), ("Балл", "rating"), ("Дата", "date"), ("Күні", "date"),
    ("Канал", "channel"), ("арна", "channel"), ("Ведомство", "agency"), ("ID респондента", "respondent_id"),
])
def test_recognised_headers(tmp_path: Path, header: str, field: str) -> None:
    columns = ["Пікір", header] if field != "text" else [header]
    parsed = read_table(write_csv(tmp_path / "h.csv", [columns, ["Жақсы"] * len(columns)]))
    assert parsed.columns[field] == header.strip()


def test_missing_text_column_lists_columns_and_how_to_map(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "notext.csv", [["Отзыв клиента", "Оценка"], ["Жақсы", "5"]])
    message = error_of(path)
    assert message.startswith("notext.csv: no comment text column; columns found: 'Отзыв клиента', 'Оценка'. "
                              "Name it with text_column='<column>' or column_map={'<column>': 'text'}")
    assert len(read_table(path, column_map={"Отзыв клиента": "text"}).comments) == 1


def test_duplicate_column_names(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dup.csv", [["Комментарий", "Оценка", "Оценка "], ["Жақсы", "5", "4"]])
    assert error_of(path) == ("dup.csv: duplicate column names: 'Оценка' (columns 2 and 3); "
                              "rename them so each is unique")


def test_two_columns_look_like_text(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "two.csv", [["Комментарий", "Пікір"], ["Жақсы", "Жаман"]])
    assert error_of(path) == ("two.csv: columns 'Комментарий', 'Пікір' all look like the 'text' column; "
                              "choose one with column_map={'Комментарий': 'text'}")
    parsed = read_table(path, column_map={"Пікір": "text"})
    assert list(parsed.comments["raw_text"]) == ["Жаман"]
    assert json.loads(parsed.comments.loc[0, "extra"]) == {"Комментарий": "Жақсы"}


def test_column_map_wins_and_is_checked(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", [["Комментарий", "Ответ оператора", "Score"], ["Ұзақ күттік", "Ок", "2"]])
    parsed = read_table(path, column_map={"ответ оператора": "extra", "Комментарий": "text"})
    assert parsed.columns == {"text": "Комментарий", "rating": "Score"}
    assert error_of(path, column_map={"Отзыв": "text"}) == (
        "m.csv: column_map names column 'Отзыв', which is not in the file; "
        "columns found: 'Комментарий', 'Ответ оператора', 'Score'")
    assert error_of(path, column_map={"Score": "stars"}).startswith("m.csv: column_map maps 'Score' to unknown field 'stars'")
    assert error_of(path, column_map={"Score": "text"}, text_column="Комментарий") == (
        "m.csv: text_column='Комментарий' and column_map {'Score': 'text'} name different text columns; give one")


def test_extra_columns_kept_and_listed_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write_csv(tmp_path / "x.csv", [["comment", "Жасы", "Жынысы"], ["Жақсы", "34", "ә"], ["Жаман", "", "е"]])
    with caplog.at_level("INFO"):
        parsed = read_table(path)
    assert [json.loads(extra) for extra in parsed.comments["extra"]] == [{"Жасы": "34", "Жынысы": "ә"}, {"Жынысы": "е"}]
    listed = [m for m in parsed.messages if "extra" in m]
    assert listed == ["x.csv: columns kept in 'extra': 'Жасы', 'Жынысы'"]
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == listed


# --- rows --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rating", "expected"), [
    ("1", 1), ("5", 5), (" 4 ", 4), ("5.0", 5), ("4,0", 4), ("", None), ("  ", None),
])
def test_good_ratings(tmp_path: Path, rating: str, expected: int | None) -> None:
    parsed = read_table(write_csv(tmp_path / "r.csv", [["comment", "rating"], ["Жақсы", rating]]))
    assert records(parsed.comments)[0]["rating"] == expected


@pytest.mark.parametrize(("rating", "reason"), [
    ("0", "rating '0' outside 1-5"),
    ("6", "rating '6' outside 1-5"),
    ("-1", "rating '-1' outside 1-5"),
    ("10", "rating '10' outside 1-5"),
    ("5+", "rating '5+' is not a number"),
    ("бес", "rating 'бес' is not a number"),
    ("five", "rating 'five' is not a number"),
    ("4.5", "rating '4.5' is not a whole number"),
])
def test_bad_ratings_reject_the_row(tmp_path: Path, quotes: list[str], rating: str, reason: str) -> None:
    parsed = read_table(write_csv(tmp_path / "r.csv", [["comment", "rating"], [quotes[0], rating], [quotes[1], "5"]]))
    check_partition(parsed)
    assert reasons(parsed) == {2: reason}
    assert json.loads(parsed.rejects.loc[0, "raw"]) == {"comment": quotes[0], "rating": rating}
    assert list(parsed.comments["source_line"]) == [3]


def test_empty_comments_and_combined_reasons(tmp_path: Path, quotes: list[str]) -> None:
    path = write_csv(tmp_path / "e.csv", [
        ["comment", "rating", "date", "service"],
        ["", "5", "", ""],
        ["   ", "4", "", ""],
        ["-", "", "", ""],
        ["...", "", "", ""],
        ["", "6", "", ""],
        [quotes[0], "", "31.02.2018", ""],
        [quotes[1], "", "", "0"],
        [],
        ["", "", "", ""],
        [quotes[2], "3"],
        [quotes[3], "3", "", "", "unexpected"],
        [quotes[4], "3", "", "", ""],
    ])
    parsed = read_table(path)
    check_partition(parsed)
    assert parsed.rows_in == 12
    assert reasons(parsed) == {
        2: "empty comment",
        3: "empty comment",
        4: "comment '-' has no letters or digits",
        5: "comment '...' has no letters or digits",
        6: "empty comment; rating '6' outside 1-5",
        7: "date '31.02.2018' is not a date (expected YYYY-MM-DD or DD.MM.YYYY)",
        8: "service number '0' is not positive",
        9: "empty row",
        10: "empty row",
        11: "row has 2 fields, the header has 4",
        12: "row has 5 fields, the header has 4",
    }
    assert list(parsed.comments["source_line"]) == [13]  # a trailing empty field is not an extra field


def test_quoted_line_break_is_one_row(tmp_path: Path, quotes: list[str]) -> None:
    parsed = read_table(write_csv(tmp_path / "q.csv", [["comment"], [f"{quotes[0]}\n{quotes[1]}"], [quotes[2]]]))
    assert list(parsed.comments["source_line"]) == [2, 3]
    assert parsed.comments.loc[0, "raw_text"] == f"{quotes[0]}\n{quotes[1]}"


def test_malformed_quoting_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('comment,rating\nЖақсы,5\n"Жақсы" деді,4\n', encoding="utf-8")
    assert error_of(path) == "bad.csv, row 3: malformed CSV (',' expected after '\"'); check the quoting"


def test_identical_answers_are_kept_without_respondent_id(tmp_path: Path) -> None:
    rows = [["Пікір", "Баға", "Облыс"]] + [["Бәрі жақсы", "5", "Атырау"]] * 3
    parsed = read_table(write_csv(tmp_path / "same.csv", rows))
    check_partition(parsed)
    assert len(parsed.comments) == 3 and parsed.comments["id"].is_unique


def test_duplicate_respondent_rows_are_rejected(tmp_path: Path) -> None:
    rows = [["ID", "Пікір", "Баға"], ["17", "Бәрі жақсы", "5"], ["18", "Бәрі жақсы", "5"],
            ["17", "Бәрі жақсы", "5"], ["17", "Бәрі жақсы", "4"]]
    parsed = read_table(write_csv(tmp_path / "ids.csv", rows))
    check_partition(parsed)
    assert reasons(parsed) == {4: "duplicate of row 2 (same respondent id and answers)"}
    assert list(parsed.comments["source_line"]) == [2, 3, 5]
    assert json.loads(parsed.comments.loc[0, "extra"]) == {"ID": "17"}


def test_service_column_and_service_number_disagree(tmp_path: Path) -> None:
    rows = [["Пікір", "Услуга", "№ услуги"], ["Жақсы", "12", "12"], ["Жақсы", "12.0", ""], ["Жақсы", "12", "13"],
            ["Жақсы", "Апостиль", "7"], ["Жақсы", "", "x"]]
    parsed = read_table(write_csv(tmp_path / "s.csv", rows))
    check_partition(parsed)
    assert list(parsed.comments["service_no"]) == [12, 12, 7]
    assert list(parsed.comments["service_name"].fillna("")) == ["", "", "Апостиль"]
    assert reasons(parsed) == {4: "service '12' and service number '13' disagree",
                               6: "service number 'x' is not a number"}


@pytest.mark.parametrize(("raw", "iso"), [("2018-09-01", "2018-09-01"), ("2018-09-01 10:15:00", "2018-09-01"),
                                         ("1.9.2018", "2018-09-01"), ("01.09.2018 10:15", "2018-09-01")])
def test_dates(tmp_path: Path, raw: str, iso: str) -> None:
    parsed = read_table(write_csv(tmp_path / "dt.csv", [["comment", "дата"], ["Жақсы", raw]]))
    assert parsed.comments.loc[0, "date"] == iso


def test_header_only_file(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("Пікір;Баға\n\n", encoding="utf-8")
    parsed = read_table(path)
    check_partition(parsed)
    assert parsed.rows_in == 0 and parsed.comments.empty and parsed.rejects.empty
    assert list(parsed.comments.columns) == list(schema.COMMENTS.columns)


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    assert error_of(path) == "empty.csv: the file is empty: no header row"


def test_empty_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n", encoding="utf-8")
    assert error_of(path) == "empty.jsonl: the file is empty: no JSON lines"


def test_ingest_error_carries_file_and_row() -> None:
    error = IngestError(Path("/some/dir/a.csv"), "broken", row=7)
    assert (error.file, error.row, error.problem, str(error)) == ("a.csv", 7, "broken", "a.csv, row 7: broken")


_CELL = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_CELL, st.sampled_from(["", "1", "5", "6", "x", " 3 "]), _CELL), max_size=15))
def test_every_row_is_a_comment_or_a_reject(tmp_path: Path, rows: list[tuple[str, str, str]]) -> None:
    path = write_csv(tmp_path / "prop.csv", [["comment", "rating", "region"], *rows])
    parsed = read_table(path)
    check_partition(parsed)
    data_rows = list(rows)
    while data_rows and not any(cell.strip() for cell in data_rows[-1]):
        data_rows.pop()
    assert parsed.rows_in == len(data_rows)
    by_line = dict(zip(parsed.comments["source_line"], parsed.comments["raw_text"], strict=True))
    assert all(by_line[line] == data_rows[line - 2][0] for line in by_line)
