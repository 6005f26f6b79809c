"""The Arabic text layer: decoding, the normalised matching view with its offset map, sentences,
tokens and clitic candidates.

The original text is never altered. `normalise` builds a *separate* matching string plus, for each
of its characters, the original span it came from, so a match found in the normalised view reports
original offsets through `NormalisedText.to_original`.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from array import array
from dataclasses import dataclass, replace
from functools import lru_cache

from rasd.document import Document, Sentence, Token
from rasd.errors import InputError
from rasd.pipeline import stage

# --------------------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ARABIC_LETTER = re.compile("[\u0621-\u063a\u0641-\u064a]")
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# Characters that a wrong legacy decoding produces and real Arabic text almost never contains.
_MOJIBAKE = re.compile("[\u00c0-\u00ff\u0080-\u009f\u064b-\u0652]")
# Latin and Arabic letters inside one word: what a Latin-1 text decoded as Arabic looks like.
_MIXED = re.compile("[A-Za-z][\u0600-\u06ff]|[\u0600-\u06ff][A-Za-z]")


def decode(data: bytes, *, name: str = "<input>") -> str:
    """Decode bytes of an Arabic text: UTF-8 (with or without BOM), UTF-16/32 (BOM, or without BOM
    when the NUL pattern says so), Windows-1256 or ISO-8859-6.

    Raises `InputError` naming ``name`` and the byte offset when the bytes are binary or in none of
    those encodings, rather than passing mojibake downstream.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, name)
    utf16 = _sniff_utf16(data)  # before UTF-8: Arabic UTF-16-LE is also valid (control-laden) UTF-8
    if utf16:
        return _strict(data, utf16, name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        utf8_error = err
    binary = _BINARY_BYTES.search(data)
    if binary:
        raise InputError(
            f"{name}: binary data (control byte 0x{data[binary.start()]:02x} at byte offset "
            f"{binary.start()}), not a text file"
        )
    best = _best_legacy(data)
    if best is None:
        raise InputError(
            f"{name}: cannot decode: invalid UTF-8 at byte offset {utf8_error.start} and not "
            "Windows-1256 or ISO-8859-6 Arabic text; convert it to UTF-8 first"
        )
    return best


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(
            f"{name}: invalid {encoding.upper()} at byte offset {err.start}; re-save as UTF-8"
        ) from err


def _sniff_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    # Arabic in UTF-16 has 0x06 high bytes, ASCII has 0x00: either way one column is very regular.
    high_le = sample[1::2].count(6) + odd_nuls
    high_be = sample[0::2].count(6) + even_nuls
    if high_le > 0.6 * half and odd_nuls + even_nuls > 0:
        return "utf-16-le"
    if high_be > 0.6 * half and odd_nuls + even_nuls > 0:
        return "utf-16-be"
    return None


def _best_legacy(data: bytes) -> str | None:
    scored = []
    for encoding in ("cp1256", "iso-8859-6"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        arabic = len(_ARABIC_LETTER.findall(text))
        if arabic == 0:
            continue
        penalty = len(_MOJIBAKE.findall(text)) + len(_MIXED.findall(text))
        scored.append((arabic - 4 * penalty, text))
    if not scored:
        return None
    score, text = max(scored, key=lambda pair: pair[0])
    return text if score > 0 else None


# --------------------------------------------------------------------------- normalisation


@dataclass(frozen=True, slots=True)
class NormaliseOptions:
    """What the matching view folds. Defaults suit every stage; ``ta_marbuta`` is off because ة/ه
    distinguishes words (use `fold_ta_marbuta` on a normalised string where it helps)."""

    alef: bool = True
    ya: bool = True
    ta_marbuta: bool = False
    digits: bool = True


DEFAULT_OPTIONS = NormaliseOptions()

_DELETE = (
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"  # harakat
    "\u0640"  # tatweel
    "\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"  # controls, bidi
)
_DELETE_RE = re.compile(f"[{_DELETE}]")
_TRAILING_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+")
_MARK_CHARS = frozenset(
    chr(c)
    for c in (
        *range(0x0610, 0x061B),
        *range(0x064B, 0x0660),
        0x0670,
        *range(0x06D6, 0x06EE),
        0x0640,
    )
)


def _base_map(options: NormaliseOptions) -> dict[str, str]:
    table: dict[str, str] = {}
    if options.alef:
        table.update(dict.fromkeys("\u0622\u0623\u0625\u0671\u0672\u0673", "\u0627"))
    if options.ya:
        table.update(dict.fromkeys("\u0649\u06cc", "\u064a"))
    table["\u06a9"] = "\u0643"  # Persian keheh -> kaf
    if options.ta_marbuta:
        table["\u0629"] = "\u0647"
    if options.digits:
        for i in range(10):
            table[chr(0x0660 + i)] = str(i)
            table[chr(0x06F0 + i)] = str(i)
        table["\u066b"] = "."  # Arabic decimal separator
        table["\u066c"] = ","  # Arabic thousands separator
    for space in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f":
        table[space] = " "
    return table


def _fold(value: str, base: dict[str, str]) -> str:
    value = _DELETE_RE.sub("", value)
    return "".join(base.get(ch, ch) for ch in value)


@lru_cache(maxsize=8)
def _tables(options: NormaliseOptions) -> tuple[dict[int, str], dict[str, str], re.Pattern[str]]:
    """(1:1 translate table, specials char -> replacement of length != 1, specials regex)."""
    base = _base_map(options)
    one: dict[int, str] = {ord(k): v for k, v in base.items()}
    special: dict[str, str] = {}
    candidates = (
        *range(0x0610, 0x0620),
        *range(0x0640, 0x0660),
        0x0670,
        *range(0x06D6, 0x06EE),
        0x00AD,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x206A),
        0xFEFF,
    )
    deleted = [chr(c) for c in candidates if _DELETE_RE.fullmatch(chr(c))]
    for ch in deleted:
        special[ch] = ""
    for code in (*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)):
        ch = chr(code)
        if ch in special or unicodedata.category(ch) == "Cn":
            continue
        folded = _fold(unicodedata.normalize("NFKC", ch), base)
        if folded == ch:
            continue
        if len(folded) == 1:
            one[code] = folded
        else:
            special[ch] = folded
    pattern = re.compile("[" + "".join(re.escape(ch) for ch in special) + "]")
    return one, special, pattern


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """The matching view of an original text, with the original span of each of its characters."""

    text: str
    original: str
    starts: array
    """Original offset of each normalised character. Every normalised character comes from exactly
    one original character (1:1 or one of an expansion such as ﻻ → لا), so its original end is
    ``starts[i] + 1``; deleted characters (harakat, tatweel, controls) have no entry."""

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the normalised text to the original text. The original
        span takes in the harakat and tatweel that follow its last character (قتيلاً, بـ)."""
        if end > start:
            last = self.starts[end - 1] + 1
            marks = _TRAILING_MARKS.match(self.original, last)
            return self.starts[start], marks.end() if marks else last
        pos = self.starts[start] if start < len(self.starts) else len(self.original)
        return pos, pos

    def original_surface(self, start: int, end: int) -> str:
        a, b = self.to_original(start, end)
        return self.original[a:b]


_IDENTITY_CACHED = 1 << 20


@lru_cache(maxsize=1)
def _identity_offsets() -> array:
    """``array("i", range(2**20))``: slices of it are the offsets of unchanged stretches of text,
    copied in C instead of converted from a range one integer at a time (a third of `normalise`)."""
    return array("i", range(_IDENTITY_CACHED))


def _offsets(start: int, stop: int) -> array:
    if stop <= _IDENTITY_CACHED:
        return _identity_offsets()[start:stop]
    return array("i", range(start, stop))


@lru_cache(maxsize=16)
def normalise(text: str, options: NormaliseOptions = DEFAULT_OPTIONS) -> NormalisedText:
    """Normalise ``text`` for matching: alef variants → ا, ى → ي (ة → ه optionally), harakat,
    tatweel and bidi/zero-width controls removed, presentation forms through NFKC, Arabic-Indic and
    Persian digits → 0-9, ٫ ٬ → . , — and map every character back to the original.

    Idempotent: ``normalise(normalise(s).text).text == normalise(s).text``. Never raises on a str.
    """
    one, special, pattern = _tables(options)
    pieces: list[str] = []
    starts = array("i")
    pos = 0
    for match in pattern.finditer(text):
        i = match.start()
        if i > pos:
            pieces.append(text[pos:i].translate(one))
            starts.extend(_offsets(pos, i))
        replacement = special[text[i]]
        if replacement:
            pieces.append(replacement)
            starts.extend(array("i", [i]) * len(replacement))
        pos = i + 1
    if pos < len(text):
        pieces.append(text[pos:].translate(one))
        starts.extend(_offsets(pos, len(text)))
    return NormalisedText("".join(pieces), text, starts)


def normalise_text(text: str, options: NormaliseOptions = DEFAULT_OPTIONS) -> str:
    """Just the normalised string (for lexicon entries and queries)."""
    return normalise(text, options).text


_TA_MARBUTA = str.maketrans("\u0629", "\u0647")


def fold_ta_marbuta(norm: str) -> str:
    """ة → ه on an already normalised string (length-preserving, so offsets still hold)."""
    return norm.translate(_TA_MARBUTA)


# --------------------------------------------------------------------------- sentences

_TERMINAL = re.compile(r"[.!?؟؛…]+[\"'»”’)\]]*|\n+")
_ABBREVIATION_WORD = re.compile(r"(?:^|[\s(])([\w]{1,2}|[A-Z]\.[A-Z]|\w\.\w)$")
# A quotation that closes on the same line within 400 characters is held together.
_QUOTATION = re.compile(r'"[^"\n]{1,400}"|«[^»\n]{1,400}»|“[^”\n]{1,400}”')


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of an original text.

    Splits on . ! ? ؟ ؛ … and line breaks; keeps decimals (1.8), one- and two-letter
    abbreviations (د.، U.S.), a sentence's closing quotes and the Arabic comma inside sentences, and
    does not split inside a quotation that closes on the same line. A short heading line is its own
    sentence.
    """
    norm = normalise(text)
    n = norm.text
    quotes = [m.span() for m in _QUOTATION.finditer(n)]
    cuts: list[int] = []
    q = 0
    for match in _TERMINAL.finditer(n):
        start = match.start()
        while q < len(quotes) and quotes[q][1] <= start:
            q += 1
        if match.group()[0] != "\n":
            if q < len(quotes) and quotes[q][0] < start:
                continue  # inside a quotation that closes on this line
            if _keeps_going(n, start, match.end()):
                continue
        cuts.append(match.end())
    spans: list[tuple[int, int]] = []
    pos = 0
    for cut in [*cuts, len(n)]:
        _append_trimmed(spans, n, pos, cut)
        pos = cut
    return [norm.to_original(a, b) for a, b in spans]


def _keeps_going(n: str, start: int, end: int) -> bool:
    """Is the full stop at ``n[start:end]`` not a sentence end (decimal, abbreviation, URL)?"""
    if n[start] != "." or end - start != 1:
        return False
    nxt = n[end] if end < len(n) else ""
    prev = n[start - 1] if start else ""
    if prev.isdigit() and nxt.isdigit():
        return True  # decimal 1.8
    if nxt and not nxt.isspace() and nxt not in "\"'»”)":
        return True  # 3.5.2, example.com, U.S.
    line_start = n.rfind("\n", 0, start) + 1
    return (
        bool(_ABBREVIATION_WORD.search(n, max(line_start, start - 8), start)) and not prev.isdigit()
    )


def _append_trimmed(spans: list[tuple[int, int]], n: str, a: int, b: int) -> None:
    while a < b and n[a].isspace():
        a += 1
    while b > a and n[b - 1].isspace():
        b -= 1
    if b > a:
        spans.append((a, b))


# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"(?P<number>[0-9]+(?:[.,][0-9]+)*)"
    r"|(?P<word>[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06ff]+)"
    r"|(?P<latin>[^\W\d_]+(?:['’\-][^\W\d_]+)*)"
    r"|(?P<symbol>[$€£¥%٪+=<>#@&*/\\|~^°§])"
    r"|(?P<punct>[^\w\s])"
)


def tokenize(text: str) -> list[Token]:
    """Tokens of an original text: Arabic words, Latin words, numbers (1.8 and 2,030 stay whole,
    in any digit script), symbols and punctuation, each with its normalised form. A token's
    original span takes in the harakat and tatweel that follow it."""
    norm = normalise(text)
    starts, original = norm.starts, norm.original
    size = len(original)
    tokens: list[Token] = []
    append = tokens.append
    new = _new_object
    set_start, set_end, set_surface, set_kind, set_norm = _TOKEN_SLOTS
    for m in _TOKEN.finditer(norm.text):
        a, b = m.span()
        s, e = starts[a], starts[b - 1] + 1
        if e < size and original[e] in _MARK_CHARS:
            e = _TRAILING_MARKS.match(original, e).end()  # type: ignore[union-attr]
        # Token(s, e, surface, kind, norm) without the frozen __init__'s object.__setattr__ per
        # field: half the cost, and the tokenizer makes millions of tokens.
        token = new(Token)
        set_start(token, s)
        set_end(token, e)
        set_surface(token, original[s:e])
        set_kind(token, m.lastgroup)
        set_norm(token, m.group())
        append(token)
    return tokens


_new_object = object.__new__
_TOKEN_SLOTS = tuple(
    getattr(Token, name).__set__ for name in ("start", "end", "surface", "kind", "norm")
)


_PROCLITICS = ("و", "ف")
_PREPOSITIONS = ("ب", "ل", "ك")
_ENCLITICS = ("هما", "كما", "هم", "هن", "كم", "كن", "نا", "ها", "ه", "ك", "ي")


@lru_cache(maxsize=65536)
def clitic_candidates(norm: str) -> tuple[str, ...]:
    """Stems of a normalised word with plausible proclitics (و ف ب ل ك س ال لل) and pronoun
    enclitics stripped, the word itself first; stems keep at least two letters."""
    seen: dict[str, None] = {norm: None}
    for front in _strip_front(norm):
        seen[front] = None
        for suffix in _ENCLITICS:
            if front.endswith(suffix) and len(front) - len(suffix) >= 2:
                seen[front[: -len(suffix)]] = None
    return tuple(sorted(seen, key=len, reverse=True))


def _strip_front(word: str) -> list[str]:
    out = [word]
    rest = word
    if rest[:1] in _PROCLITICS and len(rest) > 3:
        rest = rest[1:]
        out.append(rest)
    if rest.startswith("لل") and len(rest) > 4:
        out.append(rest[2:])
        out.append("ال" + rest[2:])
    if rest[:1] in _PREPOSITIONS and len(rest) > 3:
        rest = rest[1:]
        out.append(rest)
    elif rest[:1] == "س" and len(rest) > 4:
        out.append(rest[1:])
    if rest.startswith("ال") and len(rest) > 4:
        out.append(rest[2:])
    return out


# --------------------------------------------------------------------------- the stage


@stage(name="text", requires=(), assigns=("sentences", "tokens"))
def segment(doc: Document) -> Document:
    """Add sentences and tokens to a document."""
    sentences = tuple(Sentence(a, b, doc.text[a:b]) for a, b in split_sentences(doc.text))
    return replace(doc, sentences=sentences, tokens=tuple(tokenize(doc.text)))
