"""Real-shaped input files for the reader and scale-out tests: Arabic news pages with heavy
boilerplate, RSS and Atom feeds, WARC.gz archives, and the bad inputs (truncated, malformed,
empty, huge, zip bomb). Everything is generated into a temporary folder."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

ARTICLES = (
    (
        "مقتل 42 شخصاً في احتجاجات كازاخستان",
        "2022-01-10",
        (
            "أعلنت السلطات في كازاخستان يوم الأحد مقتل 42 شخصاً خلال الاحتجاجات التي شهدتها "
            "البلاد الأسبوع الماضي، وفق ما نقلت وكالة الأنباء الرسمية عن وزارة الداخلية.",
            "وقالت الوزارة إن قوات الأمن اعتقلت نحو ثمانية آلاف شخص في مدينة ألماتي وعدد من "
            "المدن الأخرى، فيما أصيب أكثر من مئتي شخص بجروح متفاوتة الخطورة.",
            "وكان الرئيس قاسم جومارت توكاييف قد أعلن حالة الطوارئ في أنحاء البلاد، وطلب مساعدة "
            "منظمة معاهدة الأمن الجماعي التي أرسلت قوات لحفظ السلام إلى المنشآت الحيوية.",
        ),
    ),
    (
        "انفجار يستهدف مسجداً في مدينة أبها",
        "2015-08-06",
        (
            "قتل خمسة عشر شخصاً على الأقل في تفجير انتحاري استهدف مسجداً داخل مقر لقوات الطوارئ "
            "في مدينة أبها جنوب غرب المملكة العربية السعودية ظهر الخميس.",
            "وأوضح المتحدث الأمني لوزارة الداخلية أن الانفجار وقع أثناء أداء صلاة الظهر، وأن "
            "فرق الإسعاف نقلت المصابين إلى مستشفيات المنطقة لتلقي العلاج اللازم.",
            "وأدانت دول عربية وإسلامية عديدة الهجوم، ودعت إلى تكثيف التعاون الدولي لمواجهة "
            "الإرهاب وتجفيف منابع تمويله في المنطقة والعالم.",
        ),
    ),
    (
        "ارتفاع أسعار النفط في الأسواق العالمية",
        "2015-07-21",
        (
            "ارتفعت أسعار النفط الخام في الأسواق العالمية اليوم الثلاثاء بنسبة اثنين في المئة، "
            "مدعومة بتوقعات تراجع المخزونات الأمريكية وتحسن الطلب في آسيا.",
            "وبلغ سعر خام برنت تسليم أيلول سبتمبر سبعة وخمسين دولاراً للبرميل، في حين صعد خام "
            "غرب تكساس الوسيط إلى اثنين وخمسين دولاراً في تعاملات الصباح.",
            "ويرى محللون أن الأسعار ستبقى متقلبة خلال الأشهر المقبلة بسبب المخاوف من تباطؤ "
            "النمو الاقتصادي في الصين وعودة الصادرات الإيرانية إلى الأسواق.",
        ),
    ),
)

MENU = ("الرئيسية", "سياسة", "اقتصاد", "رياضة", "ثقافة", "منوعات", "اتصل بنا", "من نحن")
COMMENT = "تعليق من أحد القراء: هذا الخبر مؤلم جداً ونسأل الله السلامة للجميع في كل مكان"


def news_page(index: int = 0, *, charset: str = "utf-8", site: str = "صحيفة الرصد") -> str:
    """An Arabic news page with a menu, a sidebar, related links, comments and a footer."""
    title, date, paragraphs = ARTICLES[index]
    menu = "".join(f'<li><a href="/section/{i}">{m}</a></li>' for i, m in enumerate(MENU))
    related = "".join(
        f'<li><a href="/news/{i}">{t}</a></li>' for i, (t, _, _) in enumerate(ARTICLES)
    )
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    comments = "".join(f'<div class="comment"><p>{COMMENT} {i}</p></div>' for i in range(3))
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head>
<meta charset="{charset}">
<title>{title} | {site}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{date}T08:30:00+03:00">
<meta name="description" content="{paragraphs[0][:80]}">
</head><body>
<header><nav class="menu"><ul>{menu}</ul></nav></header>
<div class="container">
<aside class="sidebar"><h3>الأكثر قراءة</h3><ul>{related}</ul>
<div class="ad">إعلان: اشترك الآن في النشرة البريدية واحصل على خصم خاص</div></aside>
<article class="post"><h1>{title}</h1><time datetime="{date}">{date}</time>
<div class="article-body">{body}</div></article>
<section class="related"><h3>أخبار ذات صلة</h3><ul>{related}</ul></section>
<section id="comments" class="comments"><h3>التعليقات</h3>{comments}</section>
</div>
<footer><p>جميع الحقوق محفوظة © {site} 2022</p><ul>{menu}</ul></footer>
</body></html>"""


def page_bytes(index: int = 0, *, charset: str = "utf-8") -> bytes:
    return news_page(index, charset=charset).encode(charset)


def rss_feed(title: str = "وكالة الأنباء") -> str:
    items = "".join(
        f"""<item><title>{t}</title><link>https://news.example/{i}</link>
<guid>https://news.example/{i}</guid><pubDate>{_rfc822(d)}</pubDate>
<description><![CDATA[{"".join(f"<p>{p}</p>" for p in ps)}]]></description></item>"""
        for i, (t, d, ps) in enumerate(ARTICLES)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{title}</title><link>https://news.example/</link>
<description>آخر الأخبار</description><language>ar</language>{items}</channel></rss>"""


def atom_feed(title: str = "الأخبار العاجلة") -> str:
    entries = "".join(
        f"""<entry><title>{t}</title><link href="https://atom.example/{i}"/>
<id>urn:uuid:0000-{i}</id><updated>{d}T10:00:00Z</updated><published>{d}T09:00:00Z</published>
<summary>ملخص قصير</summary>
<content type="html">{_escape("".join(f"<p>{p}</p>" for p in ps))}</content></entry>"""
        for i, (t, d, ps) in enumerate(ARTICLES)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>
<link href="https://atom.example/"/><updated>2022-01-10T10:00:00Z</updated>
<id>urn:uuid:feed</id>{entries}</feed>"""


def _escape(html: str) -> str:
    return html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rfc822(date: str) -> str:
    from datetime import datetime
    from email.utils import format_datetime

    return format_datetime(datetime.fromisoformat(date + "T07:15:00+00:00"))


def write_warc(path: Path, pages: list[tuple[str, bytes, str]], *, extra: bool = True) -> None:
    """A WARC.gz with a warcinfo record, then per page a request and a response record; ``pages``
    is ``(url, body, content_type)``; with ``extra`` an image response and a 404 are added."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "rasd-tests"}))
        records = list(pages)
        if extra:
            records.append(("https://site.example/logo.png", b"\x89PNG\r\n\x1a\n", "image/png"))
        for url, body, content_type in records:
            request = writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(b""),
                http_headers=StatusAndHeaders(
                    "GET / HTTP/1.1", [("Host", "site.example")], is_http_request=True
                ),
            )
            writer.write_record(request)
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=headers
                )
            )
        if extra:
            headers = StatusAndHeaders(
                "404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    "https://site.example/missing",
                    "response",
                    payload=io.BytesIO(b"<html></html>"),
                    http_headers=headers,
                )
            )


def write_zip_bomb(path: Path, *, inflated: int, member: str = "bomb.html") -> None:
    """A small zip whose one member inflates to ``inflated`` bytes of spaces."""
    chunk = b" " * 1_000_000
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open(member, "w", force_zip64=True) as stream,
    ):
        for _ in range(inflated // len(chunk)):
            stream.write(chunk)


def write_gzip(path: Path, data: bytes) -> None:
    path.write_bytes(gzip.compress(data))
