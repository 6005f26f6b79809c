"""Golden test: place links in 5 real SaudiNewsNet articles (read from ../shared at test time).

The expected links were checked by hand against each article: the id where the referent is
clear from the text, only the country where the article leaves city vs. governorate open
(``في إدلب وحلب``). SaudiNewsNet is research-only: no article text is committed.
"""

from __future__ import annotations

import json
import zipfile
from functools import cache

import pytest

from conftest import shared_path
from rasd.document import Document
from rasd.entities import extract_entities
from rasd.text import segment

DAY = "2015-07-21"

# url -> [(surface, expected link or "country:XX")]
ARTICLES = {
    # aawsat: the first UN aid ship docks in Aden; fighting in Ibb and Taiz
    "http://aawsat.com/home/article/411506/رسو-أول-سفينة-مساعدات-إنسانية-في-ميناء-عدن-بعد-تحريره": [
        ("عدن", "ye-aden"),
        ("التواهي", "ye-attawahi"),
        ("اليمن", "ye"),
        ("تعز", "ye-taizz-admin"),  # محافظة تعز: the governorate, not the city
    ],
    # alweeam (Reuters): Yemeni fighters take Tawahi, the last district of Aden
    "http://www.alweeam.com.sa/348403/المقاومة-تستعد-للسيطرة-على-حي-التواهي/": [
        ("اليمن", "ye"),
        ("الرياض", "sa-riyadh"),
        ("التواهي", "ye-attawahi"),
        ("عدن", "ye-aden"),
        ("السعودية", "sa"),
        ("كريتر", "ye-craiter"),
        ("لحج", "ye-lahij"),  # محافظة لحج: the governorate
        ("أبين", "ye-abyan"),  # محافظة أبين
        ("مأرب", "country:YE"),
        ("صنعاء", "ye-sanaa"),
        ("الضالع", "country:YE"),
    ],
    # aawsat: the Chechen president lands in Jeddah for umrah
    "http://aawsat.com/home/article/410821/رئيس-جمهورية-الشيشان-يصل-إلى-جدة-لأداء-مناسك-العمرة": [
        ("جمهورية الشيشان", "ru-chechen"),
        ("جدة", "sa-jeddah"),
        ("مكة المكرمة", "sa-makkah"),  # إمارة منطقة مكة المكرمة: the region
    ],
    # alweeam: fighting in Zabadani, shelling in Idlib and Aleppo provinces
    "http://www.alweeam.com.sa/348666/سوريا-قتلى-بالزبداني-والمعارضة-تمطر-ق/": [
        ("الزبداني", "sy-az-zabadani"),
        ("لبنان", "lb"),
        ("إدلب", "country:SY"),
        ("حلب", "country:SY"),
        ("ريف دمشق", "sy-rif-dimashq"),
        ("سوريا", "sy"),
    ],
    # al-jazirah: a suicide bomber kills ISIS fighters near Baghdad; attacks across Iraq
    "http://www.al-jazirah.com/2015/20150721/du6.htm": [
        ("بغداد", "iq-baghdad"),
        ("الموصل", "iq-mosul"),
        ("سنجار", "iq-sinjar"),
        ("الفلوجة", "iq-al-fallujah"),
        ("الرمادي", "iq-ramadi"),
        ("الأنبار", "iq-al-anbar"),
        ("بعقوبة", "iq-baqubah"),
        ("قضاء أبو غريب", "iq-abu-ghraib"),
    ],
}


@cache
def _articles() -> dict[str, str]:
    path = shared_path("data", "news-saudinewsnet", "dataset", f"{DAY}.zip")
    with zipfile.ZipFile(path) as archive:
        articles = json.loads(archive.read(f"{DAY}.json"))
    return {a["url"]: a["content"] for a in articles if a["url"] in ARTICLES}


@pytest.mark.parametrize("url", list(ARTICLES))
def test_place_links(url):
    text = _articles().get(url)
    assert text, f"article not in the {DAY} file: {url}"
    entities = extract_entities(segment(Document(text))).entities
    places = {e.surface: e for e in entities if e.label in ("GPE", "LOC")}
    for surface, expected in ARTICLES[url]:
        assert surface in places, f"{surface} not found as a place"
        ent = places[surface]
        if expected.startswith("country:"):
            assert ent.country == expected.removeprefix("country:"), (surface, ent.link)
        else:
            assert ent.link == expected, (surface, ent.link)
    # a link to a country the article never deals with is an error (unresolved is allowed)
    countries = {e.country for e in entities if e.label in ("GPE", "NORP")}
    for ent in places.values():
        assert not ent.link or ent.country in countries | {""}, f"{ent.surface} → {ent.link}"
