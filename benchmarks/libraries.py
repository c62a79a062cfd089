"""The benchmark libraries, their question files, and per-question evidence for calibration.

Four libraries, each ingested on its own into a temporary data folder with the real ``Library``:

- ``samples``: the bike shop (``sample_docs``);
- ``other``: four other businesses (``benchmarks/other_docs``);
- ``hartwell``: a sheet-metal manufacturer (``benchmarks/owner_libraries/hartwell``);
- ``acorns``: a children's nursery (``benchmarks/owner_libraries/acorns``) -- never used to fit
  anything (``FINAL_CHECK``): the last check on documents no weight was tuned on.

Each library's questions: its own ``questions.jsonl`` when it has one (kind ``plain``), its
owner's-words questions (``owner_libraries/questions/<name>.jsonl``: ``everyday`` answerable and
``near_miss`` unanswerable) and the shared off-topic questions (kind ``off_topic``).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

OWNER = HERE / "owner_libraries"
FOLDERS = {"samples": ROOT / "sample_docs", "other": HERE / "other_docs",
           "hartwell": OWNER / "hartwell", "acorns": OWNER / "acorns"}
FINAL_CHECK = "acorns"  # kept out of all tuning
TUNING = tuple(name for name in FOLDERS if name != FINAL_CHECK)
OFF_TOPIC = OWNER / "questions" / "off_topic.jsonl"
OFF_TOPIC_FINAL = OWNER / "questions" / "off_topic_final.jsonl"  # asked only of the final check
OFF_TOPIC_BLIND = OWNER / "questions" / "off_topic_blind.jsonl"  # ... written after the general list was last changed


def question_files(name: str) -> list[Path]:
    """The question files of one library, repository-relative order fixed."""
    files = [FOLDERS[name] / "questions.jsonl", OWNER / "questions" / f"{name}.jsonl", OFF_TOPIC]
    if name == FINAL_CHECK:
        files += [OFF_TOPIC_FINAL, OFF_TOPIC_BLIND]
    return [f for f in files if f.exists()]


def relative(path: Path) -> str:
    return path.resolve().relative_to(ROOT).as_posix()


def questions(name: str) -> list[dict]:
    """Every question of a library, each with ``kind`` and a library-unique ``id``."""
    from core.evaluation import read_questions

    out = []
    for path in question_files(name):
        for q in read_questions(str(path)):
            q = dict(q)
            q.setdefault("kind", "plain")
            if q["kind"] == "off_topic":
                q["id"] = f"{name}:{q['id']}"
                q["set"] = {OFF_TOPIC_FINAL: "final", OFF_TOPIC_BLIND: "blind"}.get(path, "shared")
            out.append(q)
    return out


def is_answerable(q: dict) -> bool:
    return bool(q.get("answerable", True)) and bool(q.get("sources"))


def open_library(name: str, data_dir: Path, embedder=None):
    """A real library in ``data_dir`` holding every readable file of library ``name``."""
    import common
    from core.ingest import add_files
    from core.library import Library

    lib = Library(common.groundwork_settings(data_dir), embedder=embedder) if embedder else \
        Library(common.groundwork_settings(data_dir))
    add_files(lib, [(p.name, p.read_bytes()) for p in common.corpus_files(FOLDERS[name], common.READABLE)])
    return lib


def collect(name: str, lib, qs: list[dict], pool_size: int = 10, vector_weights=(1.0,)) -> list[dict]:
    """Per question: its candidates' evidence rows, which are right pages, and the meaning margin.

    ``pools[w]``: the indexes (into the rows) of the fused candidates with meaning weighted ``w``;
    every candidate gets its sentences compared (the app compares the 6 most promising), so the rows
    don't depend on the weights being fitted. ``general``: the question's best cosine to a
    general-knowledge question (``core/search/topic.py``).
    """
    import numpy as np

    from core.evaluation import is_hit
    from core.search import rerank as R
    from core.search import topic
    from core.search.hybrid import candidates

    out = []
    saved = R.SENTENCE_CANDIDATES
    R.SENTENCE_CANDIDATES = 10 ** 6
    try:
        for q in qs:
            qvec = lib.embedder.embed_query(q["question"])
            union, pools = {}, {}
            for w in vector_weights:
                found = candidates(lib, q["question"], qvec, pool_size, vector_weight=w)
                for r in found:
                    union.setdefault(r.chunk_id, r)
                pools[w] = [list(union).index(r.chunk_id) for r in found]
            pool = list(union.values())
            scorer = R.UnitScorer(q["question"], qvec)
            evs, missing = R.evidence(q["question"], pool, scorer)
            sources = q.get("sources") or []
            X = np.array([e.row() for e in evs], float).reshape(-1, len(R.FEATURES))
            out.append({"library": name, "id": q["id"], "kind": q.get("kind", "plain"), "set": q.get("set"),
                        "answerable": is_answerable(q),
                        "question": q["question"], "X": X, "pools": pools,
                        "hit": np.array([bool(sources) and is_hit(r.as_dict(), sources, 0) for r in pool], float),
                        "general": topic.general_similarity(scorer.query_vector), "absent": missing.words})
    finally:
        R.SENTENCE_CANDIDATES = saved
    return out
