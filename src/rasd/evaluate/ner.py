"""NER evaluation on a CoNLL file, scored entity by entity as conlleval scores IOB2.

A predicted mention counts only if its span and type both match a gold mention exactly. Types are
those of the gold file (ANERcorp: PERS, LOC, ORG, MISC); macro-F1 averages the per-type F1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rasd.errors import InputError
from rasd.evaluate import PRF, Report
from rasd.ner import SequenceTagger, Tagger, iob_spans, token_norm


def score_sentences(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]
) -> dict[str, Any]:
    """Per-type, micro and macro precision/recall/F1 over aligned IOB2 tag sequences."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g_tags, p_tags in zip(gold, predicted, strict=True):
        g = set(iob_spans(g_tags))
        p = set(iob_spans(p_tags))
        for _, _, kind in g & p:
            tp[kind] += 1
        for _, _, kind in p - g:
            fp[kind] += 1
        for _, _, kind in g - p:
            fn[kind] += 1
    types = sorted(set(tp) | set(fp) | set(fn))
    per_type = {k: PRF(tp[k], fp[k], fn[k]) for k in types}
    micro = PRF(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    n = len(types) or 1
    macro = {
        "precision": round(sum(m.precision for m in per_type.values()) / n, 4),
        "recall": round(sum(m.recall for m in per_type.values()) / n, 4),
        "f1": round(sum(m.f1 for m in per_type.values()) / n, 4),
    }
    return {
        "types": {k: m.to_dict() for k, m in per_type.items()},
        "micro": micro.to_dict(),
        "macro": macro,
    }


def evaluate_ner(
    conll: str | Path, *, tagger: SequenceTagger | None = None, document_sentences: int = 1
) -> Report:
    """Tag every sentence of a CoNLL file and score it against its gold tags.

    ``document_sentences`` N > 1 hands the tagger N consecutive sentences at a time as one
    document, so its document-level post-pass (`rasd.ner_document`) sees them together. A CoNLL
    file such as ANERcorp keeps its articles in order but marks no boundaries, so a group can
    straddle two articles (which can only hurt: a string is carried into the wrong article);
    1, the default, scores each sentence on its own."""
    from rasd.ner_train import read_conll

    if document_sentences < 1:
        raise InputError(f"document_sentences={document_sentences}: give 1 or more")
    sentences = read_conll(conll)
    model = tagger or Tagger.builtin()
    predicted = tag_grouped(model, [tokens for tokens, _ in sentences], document_sentences)
    metrics = score_sentences([tags for _, tags in sentences], predicted)
    metrics["document_sentences"] = document_sentences
    metrics["sentences"] = len(sentences)
    metrics["tokens"] = sum(len(tokens) for tokens, _ in sentences)
    errors = tuple(_errors(sentences, predicted))
    return Report("ner", metrics, errors)


def tag_grouped(
    tagger: SequenceTagger, sentences: Sequence[Sequence[str]], size: int
) -> list[list[str]]:
    """IOB2 tags of pre-tokenised sentences, ``size`` consecutive ones tagged as one document."""
    out: list[list[str]] = []
    for a in range(0, len(sentences), size):
        group = [[token_norm(t) for t in tokens] for tokens in sentences[a : a + size]]
        out += tagger.tag_document(group)
    return out


def _errors(sentences: Sequence[tuple[list[str], list[str]]], predicted: Sequence[Sequence[str]]):
    for number, ((tokens, gold), pred) in enumerate(zip(sentences, predicted, strict=True), 1):
        g = {(a, b): k for a, b, k in iob_spans(gold)}
        p = {(a, b): k for a, b, k in iob_spans(pred)}
        for span in sorted(g.keys() | p.keys()):
            if g.get(span) == p.get(span):
                continue
            words = " ".join(tokens[span[0] : span[1]])
            context = " ".join(tokens[max(0, span[0] - 3) : span[1] + 3])
            yield (
                f"sent {number}\tgold={g.get(span, 'O')}\tpred={p.get(span, 'O')}\t"
                f"{words}\t[{context}]"
            )


def render_table(report: Report) -> str:
    """A plain-text table of the per-type, micro and macro figures."""
    m = report.metrics
    rows = [f"{'type':<8}{'P':>8}{'R':>8}{'F1':>8}{'gold':>7}{'pred':>7}"]
    for kind, s in m["types"].items():
        gold, pred = s["tp"] + s["fn"], s["tp"] + s["fp"]
        rows.append(
            f"{kind:<8}{s['precision']:8.4f}{s['recall']:8.4f}{s['f1']:8.4f}{gold:7d}{pred:7d}"
        )
    for name in ("micro", "macro"):
        s = m[name]
        rows.append(f"{name:<8}{s['precision']:8.4f}{s['recall']:8.4f}{s['f1']:8.4f}")
    rows.append(f"\n{m['sentences']} sentences, {m['tokens']} tokens")
    if m.get("document_sentences", 1) > 1:
        rows.append(
            f"scored as documents of {m['document_sentences']} consecutive sentences (the file "
            "marks no article boundaries: a group may straddle two articles)"
        )
    return "\n".join(rows)
