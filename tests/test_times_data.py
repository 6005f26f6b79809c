"""The times lexicon tables: each states its source, has well-formed rows and loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import rasd
from rasd.times_lexicon import builtin

DATA = Path(rasd.__file__).parent / "times_data"
COLUMNS = {
    "months.tsv": 4,
    "hijri_months.tsv": 3,
    "weekdays.tsv": 3,
    "parts_of_day.tsv": 4,
    "relative.tsv": 3,
    "units.tsv": 4,
    "numbers.tsv": 2,
    "ordinals.tsv": 3,
    "modifiers.tsv": 3,
    "vague.tsv": 3,
    "markers.tsv": 2,
    "clock.tsv": 3,
    "edges.tsv": 2,
    "holidays.tsv": 4,
    "decades.tsv": 2,
}
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00a0]")


def test_every_table_is_known():
    assert sorted(p.name for p in DATA.glob("*.tsv")) == sorted(COLUMNS)


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_table_rows(name):
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    assert any("Source:" in line for line in header), f"{name} does not name its source"
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    assert rows
    for row in rows:
        assert len(row) == COLUMNS[name], row
        assert row[0], row
        assert row[0].strip() == row[0], row
        assert not _INVISIBLE.search("\t".join(row)), f"invisible character in {row}"
    assert len({tuple(r) for r in rows}) == len(rows), f"duplicate rows in {name}"


def test_lexicon_covers_every_table():
    lexicon = builtin()
    categories = {cat for entries in lexicon.entries.values() for cat, _ in entries}
    assert categories >= {
        "month",
        "hmonth",
        "weekday",
        "pod",
        "rel",
        "unit",
        "numw",
        "ord",
        "mod",
        "vague",
        "marker",
        "clockw",
        "edge",
        "holiday",
        "decade",
    }
    # Ordinals are composed up to the 31st: الحادي والثلاثين, and 11-19 with عشر/عشرة.
    assert ("ord", 31) in lexicon.lookup("الحادي والثلاثين")
    assert ("ord", 13) in lexicon.lookup("الثالثة عشرة")
    # A form in the tables is looked up by its normalised spelling (hamza, ta marbuta folded).
    assert lexicon.lookup("اب")[0][0] == "month"
    assert lexicon.lookup("الجمعه")[0][0] == "weekday"
