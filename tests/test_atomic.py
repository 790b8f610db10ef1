"""Atomic writes never leave a half-written file."""

import pandas as pd
import pytest

from textmine.atomic import atomic_path, write_table


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.csv"
    write_table(pd.DataFrame({"text": ["Бәрі жақсы"]}), target)
    with pytest.raises(RuntimeError):
        with atomic_path(target) as temporary:
            temporary.write_text("half", encoding="utf-8")
            raise RuntimeError("crash")
    assert pd.read_csv(target)["text"].tolist() == ["Бәрі жақсы"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".xlsx"])
def test_round_trip_per_format(tmp_path, suffix):
    frame = pd.DataFrame({"text": ["Кезекте 2 сағат тұрдым", "Очередь огромная"], "rating": [2, 3]})
    target = tmp_path / f"out{suffix}"
    write_table(frame, target)
    readers = {".csv": pd.read_csv, ".jsonl": lambda p: pd.read_json(p, lines=True),
               ".parquet": pd.read_parquet, ".xlsx": pd.read_excel}
    pd.testing.assert_frame_equal(readers[suffix](target), frame, check_dtype=False)


def test_unknown_extension_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown table format '.doc'"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "x.doc")
