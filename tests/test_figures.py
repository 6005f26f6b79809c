"""Figure history and the derived estimates (ACLED conservative, UCDP low/best/high)."""

from __future__ import annotations

import pytest

from rasd.figures import Figure, classify_scope, estimate_role, figure_history
from rasd.store import Store
from tests.storekit import kazakhstan_doc


@pytest.mark.parametrize(
    ("group", "label", "scope"),
    [
        ("متظاهراً", None, "protesters"),
        ("المحتجين", None, "protesters"),
        ("عنصراً من القوى الأمنية", None, "security forces"),
        ("أفراد قوات الأمن", None, "security forces"),
        ("من رجال الأمن", None, "security forces"),
        ("جنود", None, "security forces"),
        ("من منسوبي قوات الطوارئ", None, "security forces"),
        ("مدنيين", None, "civilians"),
        ("حوثياً", None, "militants"),
        ("أطفال", None, "children"),
        ("شخص", None, "total"),
        ("أشخاص", None, "total"),
        (None, None, "total"),
        ("فرداً", "security forces", "security forces"),
        ("x", "protesters", "protesters"),
    ],
)
def test_scope_of_a_counted_group(group, label, scope):
    assert classify_scope(group, label) == scope


def fig(
    value,
    scope="total",
    *,
    qualifier="exact",
    stance="assert",
    published="2022-01-10",
    role="killed",
    value_max=None,
    doc="d1",
):
    return Figure(
        role,
        float(value),
        qualifier,
        scope,
        0,
        1,
        "x",
        value_max=value_max,
        stance=stance,
        published=published,
        doc_id=doc,
    )


@pytest.mark.parametrize(
    ("figures", "acled", "best", "high"),
    [
        # scopes add up; a vague total does not (example article)
        (
            [fig(10, qualifier="vague"), fig(26, "protesters"), fig(16, "security forces")],
            42,
            42,
            42,
        ),
        # retracted excluded
        (
            [fig(164, qualifier="more_than", stance="retract"), fig(16, "security forces")],
            16,
            16,
            16,
        ),
        # the same scope from two sources is not added twice
        ([fig(16, "security forces"), fig(16, "security forces", doc="d2")], 16, 16, 16),
        # conflicting totals: conservative = lowest; best = latest report; high = highest
        ([fig(13, published="2015-08-06"), fig(15, published="2015-08-07")], 13, 15, 15),
        # a larger total wins over the sum of its parts
        ([fig(30), fig(10, "civilians"), fig(5, "security forces")], 30, 30, 30),
        # subsets (children) are never added to the total
        ([fig(20), fig(8, "children")], 20, 20, 20),
        # vague "tens" = 10 only when nothing exact exists for that scope
        ([fig(10, qualifier="vague")], 10, 10, 10),
        ([fig(10, qualifier="vague"), fig(14)], 14, 14, 14),
        # ranges: high takes the upper end
        ([fig(20, qualifier="range", value_max=25)], 20, 20, 25),
        # negated events do not count
        ([fig(50, stance="negated"), fig(3)], 3, 3, 3),
    ],
)
def test_estimates(figures, acled, best, high):
    estimate = estimate_role("killed", figures)
    assert (estimate.acled, estimate.best, estimate.high) == (acled, best, high)


def test_conflicts_are_listed_not_merged():
    estimate = estimate_role("killed", [fig(13), fig(15, doc="d2"), fig(15, doc="d3")])
    assert estimate.conflicts == ("killed (total): reports differ: 13, 15",)


def test_no_credible_figure_gives_no_estimate():
    assert estimate_role("killed", [fig(164, stance="retract")]).acled is None


def test_example_figure_history_from_hand_built_events(tmp_path, example_text):
    """expected-facts.md: 42 killed (26 protesters + 16 security forces), 200 injured, about
    8,000 detained; the 164 shown as retracted and excluded."""
    from rasd.queries import cluster_figures

    with Store(tmp_path / "r.db") as store:
        store.add_document(kazakhstan_doc(example_text))
        history = cluster_figures(store, 1)
    assert history.estimate("killed").acled == 42
    assert history.estimate("killed").by_scope == {
        "protesters": 26,
        "security forces": 16,
        "total": 10,
    }
    assert history.estimate("injured").acled == 200
    assert history.estimate("detained").acled == 8000
    retracted = [f for f in history.figures if f.value == 164]
    assert len(retracted) == 1
    assert retracted[0].stance == "retract"
    assert not retracted[0].credible
    assert retracted[0].speaker == "Ministry of Information"
    assert retracted[0].via == "Telegram"
    tokayev = [f for f in history.figures if f.speaker == "Tokayev"]
    assert [(f.value, f.scope, f.via) for f in tokayev] == [(16, "security forces", "Reuters")]


def test_history_is_ordered_by_date_then_outlet():
    history = figure_history([fig(15, published="2015-08-07"), fig(13, published="2015-08-06")])
    assert [f.value for f in history.figures] == [13, 15]
    assert set(history.rules) == {"acled", "low", "best", "high"}


def test_figures_of_things_are_scoped_by_what_they_count_and_never_added():
    shops = fig(100, "shop bank", role="property", qualifier="more_than")
    cars = fig(400, "car", role="property", qualifier="more_than")
    estimate = estimate_role("property", [shops, cars])
    assert estimate.by_scope == {"car": 400, "shop bank": 100}
    assert estimate.acled is None
    assert estimate.conflicts == ()
    assert estimate_role("property", [cars]).acled == 400
