"""Readers for real inputs: HTML, RSS/Atom, WARC, zip/gz, the dispatcher, and bad inputs."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inputs_factory import (
    ARTICLES,
    COMMENT,
    atom_feed,
    page_bytes,
    rss_feed,
    write_gzip,
    write_warc,
    write_zip_bomb,
)
from rasd.document import Document
from rasd.pipeline import Skip
from rasd.readers import (
    FieldNames,
    ReadOptions,
    arabic_share,
    detect_kind,
    iter_bytes,
    iter_documents,
)
from rasd.readers.feeds import strip_html


def _docs(items: list[Document | Skip]) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def _skips(items: list[Document | Skip]) -> list[Skip]:
    return [i for i in items if isinstance(i, Skip)]


# ------------------------------------------------------------------------------------ HTML


@pytest.mark.parametrize("charset", ["utf-8", "windows-1256"])
def test_html_page_with_boilerplate_gives_main_text_title_and_date(tmp_path, charset):
    path = tmp_path / "page.html"
    path.write_bytes(page_bytes(0, charset=charset))
    (doc,) = list(iter_documents([path]))
    assert isinstance(doc, Document)
    title, _, paragraphs = ARTICLES[0]
    for paragraph in paragraphs:
        assert paragraph in doc.text
    for boilerplate in ("اتصل بنا", "الأكثر قراءة", COMMENT, "جميع الحقوق محفوظة", "اشترك الآن"):
        assert boilerplate not in doc.text
    assert doc.title == title
    assert doc.published == date(2022, 1, 10)
    assert doc.source == "صحيفة الرصد"
    assert doc.meta["location"] == str(path)
    assert doc.meta["html"]["date"] == "2022-01-10"


def test_html_windows_1256_without_declared_charset_is_sniffed(tmp_path):
    data = page_bytes(1, charset="windows-1256").replace(b'<meta charset="windows-1256">', b"")
    path = tmp_path / "legacy.htm"
    path.write_bytes(data)
    (doc,) = list(iter_documents([path]))
    assert isinstance(doc, Document)
    assert ARTICLES[1][2][0] in doc.text


def test_html_with_no_text_is_skipped_with_reason(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text(
        "<html><head><title>x</title><style>p{}</style></head>"
        "<body><script>var x = 1;</script><div> </div><img src='a.png'></body></html>"
    )
    (skip,) = list(iter_documents([path]))
    assert isinstance(skip, Skip)
    assert skip.location == str(path)
    assert "no main text" in skip.reason


def test_200_mb_html_is_skipped_without_reading_it(tmp_path):
    path = tmp_path / "huge.html"
    with path.open("wb") as stream:
        stream.write(b"<html><body>")
        stream.truncate(200_000_000)  # sparse: no disk used, nothing read
    (skip,) = list(iter_documents([path]))
    assert isinstance(skip, Skip)
    assert "200,000,000 bytes is larger than the 10,000,000-byte limit" in skip.reason


# ------------------------------------------------------------------------------------ feeds


def test_rss_feed_gives_one_document_per_item(tmp_path):
    path = tmp_path / "news.rss"
    path.write_text(rss_feed("وكالة الأنباء"), encoding="utf-8")
    docs = _docs(list(iter_documents([path])))
    assert [d.title for d in docs] == [t for t, _, _ in ARTICLES]
    assert [d.url for d in docs] == [f"https://news.example/{i}" for i in range(3)]
    assert {d.source for d in docs} == {"وكالة الأنباء"}
    assert docs[0].published.date() == date(2022, 1, 10)
    assert docs[0].text.split("\n") == list(ARTICLES[0][2])  # HTML stripped, paragraphs kept
    assert [d.meta["location"] for d in docs] == [f"{path}#item-{i}" for i in (1, 2, 3)]


def test_atom_feed_prefers_content_to_summary(tmp_path):
    path = tmp_path / "feed.atom"
    path.write_text(atom_feed("الأخبار العاجلة"), encoding="utf-8")
    docs = _docs(list(iter_documents([path])))
    assert len(docs) == 3
    assert docs[1].text.startswith(ARTICLES[1][2][0])
    assert "ملخص قصير" not in docs[1].text
    assert docs[1].published == datetime.fromisoformat("2015-08-06T09:00:00+00:00")
    assert docs[1].source == "الأخبار العاجلة"
    assert docs[1].url == "https://atom.example/1"


def test_malformed_feed_is_skipped_with_reason(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text('<?xml version="1.0"?><rss><channel><title>x</ti', encoding="utf-8")
    (skip,) = list(iter_documents([path]))
    assert isinstance(skip, Skip)
    assert skip.reason.startswith(("malformed feed", "feed with no items"))


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<p>سطر أول</p><p>سطر <b>ثان</b></p>", "سطر أول\nسطر ثان"),
        ("نص بلا وسوم", "نص بلا وسوم"),
        ("قبل<br>بعد", "قبل\nبعد"),
        ("<div>خبر<script>alert(1)</script></div>", "خبر"),
        ("<p>  مسافات   كثيرة </p>", "مسافات كثيرة"),
    ],
)
def test_strip_html(fragment, expected):
    assert strip_html(fragment) == expected


# ------------------------------------------------------------------------------------ WARC


def _crawl(tmp_path: Path) -> Path:
    path = tmp_path / "crawl.warc.gz"
    write_warc(
        path,
        [
            ("https://a.example/1", page_bytes(0), "text/html; charset=utf-8"),
            ("https://b.example/2", page_bytes(2, charset="windows-1256"), "text/html"),
        ],
    )
    return path


def test_warc_gz_html_responses_become_documents_others_skipped(tmp_path):
    path = _crawl(tmp_path)
    items = list(iter_documents([path]))
    docs = _docs(items)
    assert [d.url for d in docs] == ["https://a.example/1", "https://b.example/2"]
    assert ARTICLES[2][2][1] in docs[1].text  # the Windows-1256 page, decoded
    assert docs[1].published == date(2015, 7, 21)  # the page's own date, not the crawl date
    reasons = [s.reason for s in _skips(items)]
    assert any(r.startswith("WARC warcinfo record") for r in reasons)
    assert sum(r.startswith("WARC request record") for r in reasons) == 3
    assert any("image/png, not HTML" in r for r in reasons)
    assert any(r.startswith("HTTP 404") for r in reasons)
    assert len(items) == 8  # warcinfo + 3 requests + 4 responses: every record accounted for
    assert all(s.routine for s in _skips(items))  # a crawl's bookkeeping is no fault of the input
    assert len({i.meta["location"] if isinstance(i, Document) else i.location for i in items}) == 8


@pytest.mark.parametrize("fraction", [0.33, 0.66, 0.9, 0.97])
def test_truncated_warc_gz_yields_what_it_can_then_a_skip(tmp_path, fraction):
    path = _crawl(tmp_path)
    data = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: int(len(data) * fraction)])
    items = list(iter_documents([cut, path]))
    from_cut = [
        i for i in items if "cut.warc.gz" in (getattr(i, "location", None) or i.meta["location"])
    ]
    assert "truncated" in from_cut[-1].reason
    assert not from_cut[-1].routine  # damage is a fault, unlike the archive's request records
    assert all(len(d.text) > 200 for d in _docs(from_cut))  # no half page passed on as a document
    assert len(_docs(items)) - len(_docs(from_cut)) == 2  # the run went on to the intact archive


# ------------------------------------------------------------------------------- archives


def test_zip_of_mixed_inputs_in_name_order(tmp_path):
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("b/page.html", page_bytes(1))
        archive.writestr("a/items.jsonl", json.dumps({"text": ARTICLES[2][2][0]}) + "\n")
        archive.writestr("c/note.txt", ARTICLES[0][2][1].encode("utf-8"))
        archive.writestr("d/news.rss", rss_feed().encode("utf-8"))
    items = list(iter_documents([path]))
    locations = [i.meta["location"] for i in _docs(items)]
    assert locations[:3] == [f"{path}!a/items.jsonl:1", f"{path}!b/page.html", f"{path}!c/note.txt"]
    assert len(locations) == 6
    assert not _skips(items)


def test_json_array_with_configured_field_names(tmp_path):
    records = [
        {"content": p[0], "date_extracted": d + " 10:00:00", "source": "okaz", "title": t}
        for t, d, p in ARTICLES
    ]
    path = tmp_path / "2015-07-21.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("2015-07-21.json", json.dumps(records, ensure_ascii=False))
    fields = FieldNames(text="content", published="date_extracted")
    docs = _docs(list(iter_documents([path], options=ReadOptions(fields=fields))))
    assert [d.meta["location"] for d in docs][1] == f"{path}!2015-07-21.json[1]"
    assert docs[1].published == datetime(2015, 8, 6, 10, 0)
    assert docs[1].source == "okaz"


def test_zip_bomb_is_skipped_and_the_run_goes_on(tmp_path):
    bomb = tmp_path / "a-bomb.zip"
    write_zip_bomb(bomb, inflated=20_000_000)
    assert bomb.stat().st_size < 100_000
    good = tmp_path / "b-good.html"
    good.write_bytes(page_bytes(0))
    items = list(iter_documents([bomb, good], options=ReadOptions(max_inflated_bytes=5_000_000)))
    assert isinstance(items[0], Skip)
    assert "zip bomb" in items[0].reason
    assert isinstance(items[1], Document)


def test_zip_bomb_with_forged_sizes_is_stopped_while_inflating(tmp_path):
    bomb = tmp_path / "forged.zip"
    write_zip_bomb(bomb, inflated=20_000_000)
    data = bytearray(bomb.read_bytes())
    # Forge the declared size in the zip64 extra fields (local header and central directory).
    real = (20_000_000).to_bytes(8, "little")
    data = bytes(data).replace(real, (1000).to_bytes(8, "little"))
    forged = tmp_path / "forged2.zip"
    forged.write_bytes(data)
    items = list(iter_documents([forged], options=ReadOptions(max_inflated_bytes=5_000_000)))
    assert len(items) == 1
    assert isinstance(items[0], Skip)
    assert "limit" in items[0].reason or "unreadable" in items[0].reason


def test_gzip_bomb_and_gzipped_page(tmp_path):
    write_gzip(tmp_path / "a.html.gz", page_bytes(0))
    write_gzip(tmp_path / "b.txt.gz", b" " * 8_000_000)
    items = list(iter_documents([tmp_path], options=ReadOptions(max_inflated_bytes=5_000_000)))
    assert isinstance(items[0], Document)
    assert items[0].title == ARTICLES[0][0]
    assert isinstance(items[1], Skip)
    assert "zip bomb" in items[1].reason


# ------------------------------------------------------------------------- the dispatcher


def test_folder_walk_is_sorted_skips_sidecars_and_reports_missing_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(ARTICLES[1][2][0], encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLES[0][2][0], encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"source": "okaz"}', encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    items = list(iter_documents([tmp_path, tmp_path / "missing.txt"]))
    assert [i.meta["location"] for i in _docs(items)] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "sub" / "b.txt"),
    ]
    assert _docs(items)[0].source == "okaz"
    assert _skips(items) == [Skip(str(tmp_path / "missing.txt"), "no such file or folder")]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (ARTICLES[0][2][0], True),
        ("The protests in Kazakhstan left 42 people dead, officials said on Sunday.", False),
        ("قال المتحدث باسم Reuters إن الوضع هادئ في Almaty اليوم", True),
        ("12345 !!! ???", False),
    ],
)
def test_non_arabic_documents_are_skipped_saying_what_was_found(tmp_path, text, kept):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    (item,) = list(iter_documents([path]))
    assert isinstance(item, Document) is kept
    if not kept:
        assert item.reason.startswith("not Arabic (")
        assert "letters" in item.reason


def test_arabic_share_counts_letters_only():
    share, letters = arabic_share("سلام 123 ab")
    assert letters == 6
    assert share == pytest.approx(4 / 6)


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("x.warc.gz", b"\x1f\x8b", "warc"),
        ("x.WARC", b"", "warc"),
        ("x.json.gz", b"\x1f\x8b", "gz"),
        ("x.zip", b"", "zip"),
        ("x.jsonl", b"", "jsonl"),
        ("x.htm", b"", "html"),
        ("x.rss", b"", "feed"),
        ("noext", b"PK\x03\x04", "zip"),
        ("noext", b"WARC/1.0\r\n", "warc"),
        ("noext", b'<?xml version="1.0"?>\n<rss version="2.0">', "feed"),
        ("noext", b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        ("noext", b"\xef\xbb\xbf<!DOCTYPE html><html>", "html"),
        ("noext", b'{"text": "x"}', "jsonl"),
        ("noext", b'[{"text": "x"}]', "json"),
        ("noext", "خبر عاجل".encode(), "text"),
    ],
)
def test_detect_kind(name, head, kind):
    assert detect_kind(name, head) == kind


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=400) | st.text(max_size=200).map(str.encode),
    kind=st.sampled_from(["html", "feed", "json", "jsonl", "text", "warc", "zip", "gz", None]),
)
def test_any_bytes_give_documents_or_skips_never_a_crash(data, kind):
    items = list(iter_bytes(data, name="fuzz", kind=kind))
    for item in items:
        assert isinstance(item, Document | Skip)
        if isinstance(item, Document):
            assert item.text.strip()


def test_any_reader_output_round_trips_through_json(tmp_path):
    path = _crawl(tmp_path)
    for doc in _docs(list(iter_documents([path]))):
        assert Document.from_json(doc.to_json()) == doc


def test_empty_folder_is_accounted_for(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "README.md").write_text("# notes", encoding="utf-8")
    items = list(iter_documents([tmp_path / "empty", tmp_path / "notes"]))
    assert [(s.location, s.reason.split(" (")[0]) for s in _skips(items)] == [
        (str(tmp_path / "empty"), "folder holds no files to read"),
        (str(tmp_path / "notes"), "folder holds no files to read"),
    ]
