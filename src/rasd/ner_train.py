"""Training the NER tagger (``rasd train ner``): CoNLL reading, clusters, CRF fitting.

Reproducible: the CRF's L-BFGS training is deterministic, the clusters use a fixed seed, and the
corpus is read in sorted file order.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from rasd.errors import InputError
from rasd.ner import token_norm
from rasd.ner_features import Featurizer, Resources, clusters_path

log = logging.getLogger(__name__)

Sentence = tuple[list[str], list[str]]
"""(tokens, IOB2 tags) of one sentence."""


@dataclass(frozen=True, slots=True)
class TrainOptions:
    """How `train_ner` fits the CRF (``dev_every`` holds out train sentences to tune c1/c2)."""

    c1: float = 0.05
    c2: float = 0.05
    max_iterations: int = 300
    min_feature_freq: int = 1
    dev_every: int = 0
    """Hold out every n-th train sentence and report dev F1 (0: train on everything)."""
    dev_tail: float = 0.0
    """Hold out this fraction of train sentences at the end, one contiguous block (whole
    articles, unlike ``dev_every``), and report dev F1 for it; 0: train on everything."""
    thresholds: tuple[float, ...] = (0.0,)
    """Decoding thresholds (`TagOptions.o_threshold`) to score on the dev sentences."""


def read_conll(path: str | Path) -> list[Sentence]:
    """Sentences of a ``TOKEN TAG`` CoNLL file (blank line between sentences)."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file}: no such CoNLL file; pass e.g. ANERCorp_CamelLab_train.txt")
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as err:
        raise InputError(f"{file}: not UTF-8 text (byte {err.start}); give a CoNLL file") from err
    for number, line in enumerate(lines, 1):
        parts = line.split()
        if not parts:
            if tokens:
                sentences.append((tokens, tags))
            tokens, tags = [], []
            continue
        if len(parts) < 2:
            raise InputError(f"{file}:{number}: expected 'TOKEN TAG', got {line.strip()!r}")
        tokens.append(parts[0])
        tags.append(parts[-1])
    if tokens:
        sentences.append((tokens, tags))
    if not sentences:
        raise InputError(f"{file}: no 'TOKEN TAG' lines; give a CoNLL file")
    return sentences


def learn_and_write_clusters(news: str | Path, out_model: Path) -> Path:
    """Learn word clusters from the unlabelled news and write them beside the model."""
    from rasd.ner_clusters import iter_news_texts, learn_clusters, write_clusters

    clusters = learn_clusters(iter_news_texts(news))
    return write_clusters(clusters, clusters_path(out_model), Path(news).name)


def train_ner(
    train: str | Path,
    out: str | Path,
    *,
    news: str | Path | None = None,
    options: TrainOptions = TrainOptions(),
) -> dict[str, float]:
    """Train the CRF on ``train`` (CoNLL), learning clusters from ``news`` first when given (else
    reusing a clusters file already beside ``out``), and write the model to ``out``."""
    import pycrfsuite

    out_path = Path(out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.process_time()
    if news is not None:
        learn_and_write_clusters(news, out_path)
    featurizer = Featurizer(Resources.load(out_path))
    sentences = read_conll(train)
    fit, dev = split_dev(sentences, options)
    trainer = pycrfsuite.Trainer(verbose=False)
    for tokens, tags in fit:
        trainer.append(featurizer.sentence([token_norm(t) for t in tokens]), tags)
    trainer.set_params(
        {
            "c1": options.c1,
            "c2": options.c2,
            "max_iterations": options.max_iterations,
            "feature.minfreq": options.min_feature_freq,
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(out_path))
    summary = {"train_sentences": len(fit), "cpu_seconds": time.process_time() - started}
    if dev:
        summary.update(_dev_scores(out_path, dev, options.thresholds))
    log.info("trained %s: %s", out_path, summary)
    return summary


def split_dev(
    sentences: list[Sentence], options: TrainOptions
) -> tuple[list[Sentence], list[Sentence]]:
    """(fit, dev): the dev sentences are the last ``dev_tail`` of the file, else every
    ``dev_every``-th sentence, else none."""
    if options.dev_tail > 0:
        cut = len(sentences) - round(len(sentences) * min(options.dev_tail, 0.5))
        return sentences[:cut], sentences[cut:]
    if options.dev_every > 0:
        every = options.dev_every
        return [s for i, s in enumerate(sentences) if i % every], sentences[::every]
    return sentences, []


def _dev_scores(
    model: Path, dev: list[Sentence], thresholds: tuple[float, ...]
) -> dict[str, float]:
    from rasd.evaluate.ner import score_sentences
    from rasd.ner import Tagger, TagOptions
    from rasd.ner_document import DocumentOptions

    scores: dict[str, float] = {}
    for theta in thresholds:
        plain = DocumentOptions()  # the model's own dev score: no document post-pass
        tagger = Tagger.load(model, TagOptions(o_threshold=theta, document=plain))
        predicted = [tagger.tag_norms([token_norm(t) for t in toks]) for toks, _ in dev]
        report = score_sentences([tags for _, tags in dev], predicted)
        suffix = "" if theta == 0.0 else f"@{theta:g}"
        scores[f"dev_macro_f1{suffix}"] = report["macro"]["f1"]
        scores[f"dev_micro_f1{suffix}"] = report["micro"]["f1"]
    return scores
