"""Cross-document event linking: same event from several outlets → one cluster; different events
(another place, another week, another kind) stay apart; incremental and deterministic."""

from __future__ import annotations

from datetime import date

import pytest

from rasd.link import (
    DEFAULT_LINK_OPTIONS,
    Place,
    date_score,
    family,
    km_between,
    place_score,
    relink,
)
from rasd.queries import cluster_figures, list_events
from rasd.store import Store
from tests.storekit import report

D6, D7, D8 = date(2015, 8, 6), date(2015, 8, 7), date(2015, 8, 8)


def abha_reports():
    return [
        report(
            "استشهاد 15 شخصاً في تفجير انتحاري بمسجد قوات الطوارئ بأبها أثناء صلاة الظهر.",
            published=D6,
            source="alriyadh",
            trigger="تفجير",
            place="أبها",
            counts=(("15 شخصاً", "killed", 15, "شخصاً"),),
        ),
        report(
            "استشهاد 10 من رجال الأمن في تفجير إرهابي بمسجد الطوارئ في أبها بمنطقة عسير.",
            published=D6,
            source="alwatan",
            trigger="تفجير",
            place="أبها",
            counts=(("10 من رجال الأمن", "killed", 10, "رجال الأمن"),),
        ),
        report(
            "ارتفاع شهداء تفجير مسجد قوات الطوارئ في عسير إلى 13 مصلياً وإصابة 9 آخرين.",
            published=D7,
            source="alyaum",
            trigger="تفجير",
            place="عسير",
            counts=(("13 مصلياً", "killed", 13, None), ("9 آخرين", "injured", 9, None)),
        ),
    ]


def other_reports():
    return [
        # same day, another country
        report(
            "مقتل 20 شخصاً في تفجير انتحاري بسوق شعبي في بغداد.",
            published=D6,
            source="aawsat",
            trigger="تفجير",
            place="بغداد",
            counts=(("20 شخصاً", "killed", 20, "شخصاً"),),
        ),
        # same region, same days, a different kind of event (a protest)
        report(
            "تظاهر مئات الطلاب في أبها احتجاجاً على رسوم الجامعة.",
            published=D7,
            source="sabq",
            trigger="تظاهر",
            etype="AGREE",
            place="أبها",
        ),
        # Najran is 300 km from Abha: another shelling, not the bombing
        report(
            "إصابة مقيمين بمقذوف عسكري سقط من الأراضي اليمنية على نجران.",
            published=D8,
            source="okaz",
            trigger="مقذوف",
            place="نجران",
            counts=(("مقيمين", "injured", 2, None),),
        ),
    ]


def test_reports_of_one_bombing_form_one_cluster_with_their_tolls(tmp_path):
    with Store(tmp_path / "r.db") as store:
        for doc in abha_reports() + other_reports():
            store.add_document(doc)
        clusters = {c.id: c for c in list_events(store)}
        members = {
            doc_id: cid
            for cid in clusters
            for (doc_id,) in store.conn.execute(
                "SELECT doc_id FROM events WHERE cluster_id = ?", (cid,)
            )
        }
        abha = {members[d.id] for d in abha_reports()}
        assert len(abha) == 1
        others = {members[d.id] for d in other_reports()}
        assert len(others) == 3
        assert not abha & others
        history = cluster_figures(store, abha.pop())
        killed = sorted(f.value for f in history.figures if f.role == "killed")
        assert killed == [10, 13, 15]
        assert sorted({f.outlet for f in history.figures}) == ["alriyadh", "alwatan", "alyaum"]
        assert history.estimate("killed").conflicts


def test_linking_is_deterministic_and_relink_rebuilds_the_same(tmp_path):
    rows = []
    for name in ("a", "b"):
        with Store(tmp_path / f"{name}.db") as store:
            for doc in abha_reports() + other_reports():
                store.add_document(doc)
            rows.append(store.content_rows()["clusters"])
    assert rows[0] == rows[1]
    with Store(tmp_path / "a.db") as store:
        before = store.conn.execute(
            "SELECT doc_id, idx, cluster_id FROM events ORDER BY doc_id"
        ).fetchall()
        assert relink(store) == len(rows[0])
        after = store.conn.execute(
            "SELECT doc_id, idx, cluster_id FROM events ORDER BY doc_id"
        ).fetchall()
        assert [tuple(r) for r in before] == [tuple(r) for r in after]


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        ("ASSAULT", "PROTEST", True),
        ("ASSAULT", "COERCE", True),
        ("ASSAULT", "AID", False),
        ("MOBILIZE", "ASSAULT", False),
    ],
)
def test_type_families(a, b, compatible):
    assert (family(a) == family(b)) is compatible


ABHA = Place("Abha", "rasd:city:sa:abha", "SA", 18.2164, 42.5053, "city")
KHAMIS = Place("Khamis Mushait", "rasd:city:sa:khamis", "SA", 18.3, 42.7333, "city")
NAJRAN = Place("Najran", "rasd:city:sa:najran", "SA", 17.4924, 44.1277, "city")
SAUDI = Place("Saudi Arabia", "rasd:country:sa", "SA", 24.0, 45.0, "country")
TURKEY = Place("Turkey", "rasd:country:tr", "TR", 39.0, 35.0, "country")
UNKNOWN = Place()


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        (ABHA, ABHA, True),
        (ABHA, KHAMIS, True),  # ~25 km apart
        (ABHA, NAJRAN, False),  # ~300 km apart, both cities
        (ABHA, SAUDI, True),  # a city inside the country named
        (ABHA, TURKEY, False),
        (ABHA, UNKNOWN, True),
    ],
)
def test_place_compatibility(a, b, compatible):
    assert (place_score(a, b, DEFAULT_LINK_OPTIONS) is not None) is compatible


def test_distance():
    assert 20 < km_between((18.2164, 42.5053), (18.3, 42.7333)) < 30


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        ("2015-08-06", "2015-08-06", True),
        ("2015-08-06", "2015-08-09", True),
        ("2015-08-06", "2015-08-10", False),
        (None, "2015-08-10", True),
    ],
)
def test_date_window(a, b, compatible):
    assert (date_score(a, b, DEFAULT_LINK_OPTIONS) is not None) is compatible


def test_pairwise_scoring_of_clusters_against_labels():
    from rasd.evaluate.links import score_links

    labels = {"a": ["1", "2", "3"], "b": ["4", "5"], "distractor:c": ["6"]}
    clusters = {"1": {1}, "2": {1}, "3": {2}, "4": {3}, "5": {3, 1}, "6": {4}}
    report = score_links(labels, clusters)
    assert report.metrics["pairs"] == {
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
        "tp": 2,
        "fp": 2,
        "fn": 2,
    }
    assert report.metrics["events_in_one_cluster"] == 1  # "b" is; "a" is split


def test_event_without_place_takes_the_nearest_place_of_its_sentence():
    from dataclasses import replace

    from rasd.link import event_place

    doc = report(
        "قتل 3 أشخاص في انفجار في بغداد أمس.",
        published=D6,
        source="x",
        trigger="انفجار",
        place="بغداد",
    )
    event = replace(doc.events[0], place=None, place_link=None)
    assert event_place(doc, event).country == "IQ"
    assert event_place(replace(doc, entities=()), event).country is None
