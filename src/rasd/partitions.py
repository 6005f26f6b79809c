"""Partitions of analysed documents as a Parquet dataset: the unit of work of `rasd.scale`.

The input stream (``Document | Skip`` in input order) is cut into partitions of a fixed number of
documents; each item keeps its sequence number ``seq`` in the stream, so the dataset can be read
back in exactly the single-process order. A worker analyses a partition with the same pipeline as
a single-process run and writes three Parquet files into the work folder::

    events/part-SEQ-HASH.parquet     one row per event
    figures/part-SEQ-HASH.parquet    one row per figure (an event's count by role)
    documents/part-SEQ-HASH.parquet  one row per input item: the document's JSON, or why it was
                                     skipped or failed; written last, so its presence means the
                                     partition is complete

Each file is written under a temporary name and renamed when complete, so a killed worker leaves
no partition behind, only a temporary file that the next run removes and redoes. On a cluster the
driver leaves a partition's input items in ``inputs/part-SEQ-HASH.pickle`` for the worker
(`stage_partition`), so that Dask's tasks carry a file name rather than the documents. Readable with
pyarrow, DuckDB (``SELECT * FROM 'work/documents/*.parquet'``) or Spark.
"""

from __future__ import annotations

import hashlib
import heapq
import os
import pickle
import resource
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rasd.document import Document
from rasd.errors import StoreError
from rasd.pipeline import Pipeline, Skip, default_pipeline

INPUTS = "inputs"
"""Folder of the work folder where the driver leaves each partition's input items for a worker."""

TABLES = ("events", "figures", "documents")
"""Tables of a partition, in the order they are written (``documents`` last: the commit mark)."""

Item = tuple[int, Document | Skip]


@dataclass(frozen=True)
class Partition:
    """A run of consecutive input items holding at most ``size`` documents."""

    name: str
    items: tuple[Item, ...]

    @property
    def documents(self) -> int:
        return sum(isinstance(item, Document) for _, item in self.items)


@dataclass
class PartitionResult:
    """What a worker did with one partition (returned to the driver; small)."""

    name: str
    documents: int = 0
    failed: int = 0
    skipped: int = 0
    passed: int = 0
    """Routine skips (`rasd.pipeline.Skip.routine`), not counted in ``skipped``."""
    words: int = 0
    cpu_seconds: float = 0.0
    peak_rss: int = 0
    """The worker's peak resident memory so far (bytes), as `peak_rss` measures it."""
    rss: int = 0
    """The worker's resident memory when the partition was done (bytes)."""
    worker: str = ""


@dataclass
class Partitioning:
    """Counters the partitioner keeps while it cuts the stream."""

    done: set[str] = field(default_factory=set)
    """Keys of items already in a complete partition (from an earlier run): left out."""
    resumed: int = 0
    items: int = 0


def item_key(item: Document | Skip) -> str:
    """The identity of an input item across runs: where it was read and, for a document, its
    content id (so a changed text at the same place is new, and a repeat elsewhere is its own)."""
    if isinstance(item, Document):
        return f"{item.meta.get('location') or item.url or ''}\t{item.id}"
    return f"skip:{item.location}"


def partition_items(
    items: Iterable[Document | Skip], *, size: int, state: Partitioning
) -> Iterator[Partition]:
    """Cut the input stream into partitions of ``size`` documents, deterministically: the same
    inputs give the same partitions. Items already done (``state.done``) are left out and counted.
    A document repeated in the inputs is analysed each time, as in a single-process run (the
    store then finds the repeat unchanged)."""
    batch: list[Item] = []
    for seq, item in enumerate(items):
        state.items += 1
        if item_key(item) in state.done:
            state.resumed += 1
            continue
        batch.append((seq, item))
        documents = sum(isinstance(i, Document) for _, i in batch)
        if documents >= size or len(batch) >= 20 * size:
            yield _partition(batch)
            batch = []
    if batch:
        yield _partition(batch)


def _partition(batch: list[Item]) -> Partition:
    digest = hashlib.sha256("\n".join(item_key(i) for _, i in batch).encode("utf-8"))
    return Partition(f"part-{batch[0][0]:09d}-{digest.hexdigest()[:12]}", tuple(batch))


# --------------------------------------------------------------------------- the worker side


def run_partition(
    partition: Partition, work_dir: str, pipeline: Pipeline | None = None
) -> PartitionResult:
    """Analyse one partition and write its Parquet files (the function Dask schedules)."""
    started = time.process_time()
    pipeline = pipeline or default_pipeline()
    result = PartitionResult(partition.name)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for seq, item in partition.items:
        analysed = item if isinstance(item, Skip) else next(pipeline.pipe([item], on_error="skip"))
        if isinstance(item, Document):
            result.words += len(item.text.split())
        _count(result, item, analysed)
        rows["documents"].append(document_row(seq, item_key(item), analysed))
        if isinstance(analysed, Document):
            rows["events"].extend(event_rows(seq, analysed))
            rows["figures"].extend(figure_rows(seq, analysed))
    for name in TABLES:
        write_table(Path(work_dir), name, partition.name, rows[name])
    result.cpu_seconds = time.process_time() - started
    result.peak_rss, result.rss = peak_rss(), current_rss()
    result.worker = f"{os.uname().nodename}:{os.getpid()}"
    return result


def stage_partition(partition: Partition, work_dir: str) -> str:
    """Write ``partition`` into the work folder for `run_staged_partition`, and return where.

    A Dask task then carries a file name instead of the documents: Dask's scheduler keeps the
    last 1,000 messages it sent to each worker (``distributed.admin.low-level-log-length``) for
    debugging, and task arguments in them kept every partition's documents alive in the process
    running the scheduler (the driver, for a local cluster) for the whole run."""
    final = staged_path(work_dir, partition.name)
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.with_name(f".{partition.name}.{uuid.uuid4().hex}.tmp")
    try:
        temp.write_bytes(pickle.dumps(partition, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temp, final)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise StoreError(
            f"{final}: cannot write the partition's inputs: {err.strerror or err}"
        ) from err
    return str(final)


def staged_path(work_dir: str | Path, name: str) -> Path:
    """Where `stage_partition` leaves the inputs of partition ``name``."""
    return Path(work_dir, INPUTS, f"{name}.pickle")


def run_staged_partition(path: str, work_dir: str) -> PartitionResult:
    """`run_partition` on the partition `stage_partition` left at ``path`` (what Dask runs)."""
    try:
        with open(path, "rb") as staged:
            partition: Partition = pickle.load(staged)
    except OSError as err:
        raise StoreError(
            f"{path}: cannot read the partition's inputs: {err.strerror or err} (is the work "
            "folder on a file system every worker shares?)"
        ) from err
    return run_partition(partition, work_dir)


def _count(result: PartitionResult, item: Document | Skip, analysed: Document | Skip) -> None:
    if isinstance(analysed, Document):
        result.documents += 1
    elif isinstance(item, Document):
        result.failed += 1
    elif item.routine:
        result.passed += 1
    else:
        result.skipped += 1


def peak_rss() -> int:
    """Peak resident memory of this process, in bytes: the kernel's high-water mark of its own
    address space (``VmHWM``) where ``/proc`` has it.

    Not ``getrusage().ru_maxrss`` on Linux: a process started by fork + exec (Dask's nanny spawns
    its workers so, as does ``multiprocessing``'s "spawn") inherits the peak of the process it was
    forked from, so a worker would report the driver's peak whenever that is the larger."""
    peak = _proc_status_kb("VmHWM")
    if peak is not None:
        return peak * 1024
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(maxrss if sys.platform == "darwin" else maxrss * 1024)


def current_rss() -> int:
    """Resident memory of this process now, in bytes (0 where ``/proc`` is not available)."""
    return (_proc_status_kb("VmRSS") or 0) * 1024


def _proc_status_kb(name: str, path: str = "/proc/self/status") -> int | None:
    """A ``kB`` figure of ``/proc/self/status`` (e.g. ``VmHWM``), or None where there is none."""
    try:
        with open(path, encoding="ascii", errors="replace") as status:
            return parse_status_kb(status.read(), name)
    except OSError:
        return None


def parse_status_kb(status: str, name: str) -> int | None:
    """The value of the line ``NAME:  1234 kB`` in the text of a ``/proc/PID/status`` file."""
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key == name:
            number = value.split()[:1]
            return int(number[0]) if number and number[0].isdigit() else None
    return None


def document_row(seq: int, key: str, item: Document | Skip) -> dict[str, Any]:
    if isinstance(item, Skip):
        return {
            "seq": seq,
            "key": key,
            "id": item.doc_id,
            "status": "failed" if item.stage else "passed" if item.routine else "skipped",
            "location": item.location,
            "reason": item.reason,
            "stage": item.stage,
        }
    return {
        "seq": seq,
        "key": key,
        "id": item.id,
        "status": "ok",
        "location": str(item.meta.get("location") or item.url or item.id),
        "url": item.url,
        "source": item.source,
        "title": item.title,
        "published": item.published.isoformat() if item.published else None,
        "events": len(item.events),
        # Tokens are left out (the store keeps none; `rasd.text.segment` recomputes them), and
        # dropped before encoding: Document.to_json(tokens=False) encodes them, then drops them.
        "json": replace(item, tokens=()).to_json(),
    }


def event_rows(seq: int, doc: Document) -> Iterator[dict[str, Any]]:
    for event in doc.events:
        yield {
            "seq": seq,
            "doc_id": doc.id,
            "event_id": event.id,
            "type": event.type,
            "mode": event.mode,
            "trigger": event.surface,
            "start": event.start,
            "end": event.end,
            "modality": event.modality,
            "date": event.date,
            "place": event.place.surface if event.place else None,
            "place_link": event.place_link,
            "actor": event.actor.surface if event.actor else None,
            "target": event.target.surface if event.target else None,
            "summary": event.summary,
        }


def figure_rows(seq: int, doc: Document) -> Iterator[dict[str, Any]]:
    for event in doc.events:
        for count in event.counts:
            yield {
                "seq": seq,
                "doc_id": doc.id,
                "event_id": event.id,
                "role": count.role,
                "value": count.value,
                "value_max": count.value_max,
                "qualifier": count.qualifier,
                "unit": count.unit,
                "group": count.group.surface if count.group else None,
                "surface": count.surface,
                "source": doc.source,
                "published": doc.published.isoformat() if doc.published else None,
            }


# --------------------------------------------------------------------------- Parquet files


def _schemas() -> dict[str, Any]:
    import pyarrow as pa

    text, num, real = pa.string(), pa.int64(), pa.float64()
    columns = {
        "documents": [("seq", num), ("key", text), ("id", text), ("status", text),
                      ("location", text), ("reason", text), ("stage", text), ("url", text),
                      ("source", text), ("title", text), ("published", text), ("events", num),
                      ("json", pa.large_string())],
        "events": [("seq", num), ("doc_id", text), ("event_id", text), ("type", text),
                   ("mode", text), ("trigger", text), ("start", num), ("end", num),
                   ("modality", text), ("date", text), ("place", text), ("place_link", text),
                   ("actor", text), ("target", text), ("summary", text)],
        "figures": [("seq", num), ("doc_id", text), ("event_id", text), ("role", text),
                    ("value", real), ("value_max", real), ("qualifier", text), ("unit", text),
                    ("group", text), ("surface", text), ("source", text), ("published", text)],
    }  # fmt: skip
    return {name: pa.schema(cols) for name, cols in columns.items()}


def write_table(work_dir: Path, table: str, name: str, rows: list[dict[str, Any]]) -> Path:
    """Write one table of a partition atomically (temporary name, then rename)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = work_dir / table
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{name}.parquet"
    temp = folder / f".{name}.{uuid.uuid4().hex}.tmp"
    try:
        pq.write_table(pa.Table.from_pylist(rows, schema=_schemas()[table]), temp,
                       compression="zstd")  # fmt: skip
        os.replace(temp, final)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise StoreError(f"{final}: cannot write the partition: {err.strerror or err}") from err
    return final


def prepare_work_dir(work_dir: Path) -> set[str]:
    """Make the work folder ready for a (re)run and return the keys of the items it already holds:
    temporary files of killed workers are removed, and so are event/figure files whose partition
    never completed and staged inputs of an earlier run (they are redone)."""
    for table in TABLES:
        (work_dir / table).mkdir(parents=True, exist_ok=True)
        for temp in (work_dir / table).glob(".*.tmp"):
            temp.unlink(missing_ok=True)
    for staged in Path(work_dir, INPUTS).glob("*"):  # inputs of a run that stopped: redone
        staged.unlink(missing_ok=True)
    complete = {p.stem for p in (work_dir / "documents").glob("part-*.parquet")}
    for table in TABLES[:-1]:
        for orphan in (work_dir / table).glob("part-*.parquet"):
            if orphan.stem not in complete:
                orphan.unlink()
    return done_keys(work_dir)


def done_keys(work_dir: Path) -> set[str]:
    """Keys of every item in the complete partitions of ``work_dir``."""
    import pyarrow.parquet as pq

    keys: set[str] = set()
    for path in sorted((work_dir / "documents").glob("part-*.parquet")):
        keys.update(k for k in pq.read_table(path, columns=["key"]).column("key").to_pylist() if k)
    return keys


def iter_dataset(work_dir: str | os.PathLike[str]) -> Iterator[Document | Skip]:
    """The analysed documents (and skips) of a work folder, in input order (by ``seq``), read a
    few rows at a time. Partitions are named by their first ``seq``; one is opened only when the
    merge reaches that point, so few files are open at once however many there are."""
    paths = sorted(Path(work_dir, "documents").glob("part-*.parquet"))
    heap: list[tuple[int, int, Document | Skip, Iterator[tuple[int, Document | Skip]]]] = []
    opened = 0
    while opened < len(paths) or heap:
        while opened < len(paths) and (not heap or _first_seq(paths[opened]) <= heap[0][0]):
            _push(heap, opened, _iter_rows(paths[opened]))
            opened += 1
        if not heap:  # only empty partitions so far
            continue
        _, number, item, rows = heapq.heappop(heap)
        yield item
        _push(heap, number, rows)


def _first_seq(path: Path) -> int:
    return int(path.stem.split("-")[1])


def _push(heap: list[Any], number: int, rows: Iterator[tuple[int, Document | Skip]]) -> None:
    following = next(rows, None)
    if following is not None:
        heapq.heappush(heap, (following[0], number, following[1], rows))


def _iter_rows(path: Path) -> Iterator[tuple[int, Document | Skip]]:
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(path).iter_batches(batch_size=32):
        for row in batch.to_pylist():
            yield row["seq"], _item(row)


def _item(row: dict[str, Any]) -> Document | Skip:
    if row["status"] == "ok":
        return Document.from_json(row["json"])
    return Skip(
        row["location"],
        row["reason"],
        stage=row["stage"],
        doc_id=row["id"],
        routine=row["status"] == "passed",
    )
