"""Fit the reranker's weights and the gate's thresholds on labelled questions; check them on a held-out library.

Data: two libraries, each ingested into its own temporary data folder with the real ``Library``:
- ``samples``: the bike shop (``sample_docs``, its ``questions.jsonl``: 82 answerable, 25 not);
- ``other``: four other businesses (``benchmarks/other_docs``: a cleaning contract, a bakery price
  list, a garden-care staff guide, a dental FAQ; 43 answerable, 18 not).

For each question: the fused candidates (``core.search.hybrid.candidates``), their evidence
(``core.search.rerank.evidence`` with the built-in sentence model), labelled by ``is_hit``.
1. passage model: logistic regression (L2 = 1, Newton steps) of "this passage is a right page";
2. support model: logistic regression of "this question is answerable" on the best passage's
   log-odds, the "absent" share, the best sentence cosine and the share of numbers/names no
   candidate contains;
3. ``SUPPORT_MIN``: the support that keeps ``--kept`` (0.95) of the answerable questions;
4. ``KEEP_MIN`` / ``KEEP_RELATIVE``: the pair with the fewest passages per answer whose context
   recall is within 0.01 of the best.
Cross-checks fit on one library and test on the other (the figures owners would see on documents
we never saw). Prints one JSON object; paste ``constants`` into core/search/rerank.py and gate.py.
Run: ``python benchmarks/calibrate.py [--kept 0.95]``
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import common  # noqa: E402 — found through the sys.path line above; it switches telemetry off first
from common import log  # noqa: E402 — after common, as above

OTHER_DOCS = Path(__file__).resolve().parent / "other_docs"
LIBRARIES = {"samples": common.SAMPLE_DOCS, "other": OTHER_DOCS}


def logistic(X: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 60) -> np.ndarray:
    """Weights (last = bias) by Newton's method; the bias is not penalised."""
    X1 = np.hstack([X, np.ones((len(X), 1))])
    w = np.zeros(X1.shape[1])
    pen = np.r_[np.ones(X.shape[1]), 0.0] * l2
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(X1 @ w, -30, 30)))
        grad = X1.T @ (p - y) + pen * w
        hess = X1.T @ (X1 * (p * (1 - p))[:, None]) + np.diag(pen)
        w -= np.linalg.solve(hess, grad)
    return w


def collect(folder: Path, questions: list[dict]) -> list[dict]:
    """Per question: evidence rows of its candidates, labels, absent share."""
    from core.evaluation import is_hit
    from core.ingest import add_files
    from core.library import Library
    from core.search import rerank as R
    from core.search.hybrid import candidates

    out = []
    with common.temp_dir("gw-calibrate-") as tmp:
        lib = Library(common.groundwork_settings(tmp / "data"))
        add_files(lib, [(p.name, p.read_bytes()) for p in common.corpus_files(folder, common.READABLE)])
        for q in questions:
            qvec = lib.embedder.embed_query(q["question"])
            pool = candidates(lib, q["question"], qvec, R.RERANK_CANDIDATES)
            evs, missing = R.evidence(q["question"], pool, R.UnitScorer(q["question"], qvec))
            sources = q.get("sources") or []
            out.append({"id": q["id"], "answerable": bool(q.get("answerable", True)) and bool(sources),
                        "X": np.array([e.row() for e in evs], float).reshape(-1, len(R.FEATURES)),
                        "hit": np.array([bool(sources) and is_hit(r.as_dict(), sources, 0) for r in pool], float),
                        "absent": missing.words, "exact_absent": missing.exact})
    return out


def fit(data: list[dict], kept: float) -> dict:
    X = np.vstack([d["X"] for d in data])
    y = np.concatenate([d["hit"] for d in data])
    w = logistic(X, y)
    Q, a = support_rows(data, w)
    v = logistic(Q, a)
    sup = probs(Q, v)
    threshold = at_least(sup[a == 1], kept)
    keep_min, keep_rel = choose_keep(data, w, v, threshold)
    return {"weights": w, "support": v, "support_min": threshold, "keep_min": keep_min, "keep_relative": keep_rel}


def at_least(values: np.ndarray, share: float) -> float:
    """The highest threshold that keeps at least ``share`` of ``values``."""
    ordered = np.sort(values)
    return float(ordered[int(math.floor((1 - share) * len(ordered) + 1e-9))])


def probs(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(np.hstack([X, np.ones((len(X), 1))]) @ w, -30, 30)))


def support_rows(data: list[dict], w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for d in data:
        p = probs(d["X"], w) if len(d["X"]) else np.array([1e-6])
        best = float(np.clip(p.max(), 1e-6, 1 - 1e-6))
        rows.append([math.log(best / (1 - best)), d["absent"], float(d["X"][:, 1].max()) if len(d["X"]) else 0.0,
                     d["exact_absent"]])
        labels.append(float(d["answerable"]))
    return np.array(rows), np.array(labels)


def outcomes(data: list[dict], model: dict, k: int = 5, keep=None) -> dict:
    """recall@k, MRR, kept, declined, context recall, passages per answer -- as the real gate would decide."""
    w, v, thr = model["weights"], model["support"], model["support_min"]
    keep_min, keep_rel = keep or (model["keep_min"], model["keep_relative"])
    Q, a = support_rows(data, w)
    sup = probs(Q, v)
    ranks, ctx, passed_n, kept_n, declined = [], [], [], 0, 0
    for d, s in zip(data, sup):
        p = probs(d["X"], w)
        order = np.argsort(-p, kind="stable")[:k]
        hits = d["hit"][order]
        ok = s >= thr
        floor = max(keep_min, keep_rel * (p[order[0]] if len(order) else 0.0))
        passed = [j for n, j in enumerate(order) if ok and (n == 0 or p[j] >= floor)]
        if d["answerable"]:
            rank = next((n for n, h in enumerate(hits, 1) if h), None)
            ranks.append(rank)
            kept_n += ok
            ctx.append(any(d["hit"][j] for j in passed))
            if ok:
                passed_n.append(len(passed))
        else:
            declined += not ok
    n_a = sum(1 for d in data if d["answerable"]) or 1
    n_u = sum(1 for d in data if not d["answerable"]) or 1
    return {"recall_at_k": round(sum(1 for r in ranks if r) / n_a, 4),
            "mrr": round(sum(1 / r for r in ranks if r) / n_a, 4),
            "kept_answerable": round(kept_n / n_a, 4), "declined_unanswerable": round(declined / n_u, 4),
            "context_recall": round(sum(ctx) / n_a, 4),
            "passages_per_answer": round(float(np.mean(passed_n)) if passed_n else 0.0, 2)}


def choose_keep(data: list[dict], w, v, threshold) -> tuple[float, float]:
    model = {"weights": w, "support": v, "support_min": threshold, "keep_min": 0, "keep_relative": 0}
    grid = [(m, r) for m in (0.02, 0.05, 0.1, 0.15, 0.2, 0.3) for r in (0.0, 0.1, 0.2, 0.3, 0.5)]
    scored = [(outcomes(data, model, keep=g), g) for g in grid]
    best = max(s["context_recall"] for s, _ in scored)
    fine = [(s["passages_per_answer"], g) for s, g in scored if s["context_recall"] >= best - 0.001]
    return min(fine)[1]


def curve(data: list[dict], model: dict) -> list[dict]:
    """Answerable kept against unanswerable declined, over support thresholds."""
    Q, a = support_rows(data, model["weights"])
    sup = probs(Q, model["support"])
    rows = []
    for kept in (1.0, 0.99, 0.97, 0.95, 0.93, 0.9, 0.85, 0.8, 0.7):
        t = at_least(sup[a == 1], kept)
        rows.append({"support_min": round(t, 3), "kept_answerable": round(float((sup[a == 1] >= t).mean()), 3),
                     "declined_unanswerable": round(float((sup[a == 0] < t).mean()), 3)})
    return rows


def constants(model: dict) -> dict:
    from core.search.rerank import FEATURES

    w, v = model["weights"], model["support"]
    return {"WEIGHTS": [round(float(x), 2) for x in w[:-1]], "FEATURES": list(FEATURES), "BIAS": round(float(w[-1]), 2),
            "SUPPORT_WEIGHTS": {"logit": round(float(v[0]), 2), "absent": round(float(v[1]), 2),
                                "sentence": round(float(v[2]), 2), "exact_absent": round(float(v[3]), 2)},
            "SUPPORT_BIAS": round(float(v[4]), 2), "SUPPORT_MIN": round(model["support_min"], 3),
            "KEEP_MIN": model["keep_min"], "KEEP_RELATIVE": model["keep_relative"]}


def main() -> None:
    from core.evaluation import read_questions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kept", type=float, default=0.95, help="share of answerable questions the gate must keep")
    args = parser.parse_args()
    common.block_network()
    data = {}
    for name, folder in LIBRARIES.items():
        log(f"collecting evidence: {name}")
        data[name] = collect(folder, read_questions(str(folder / "questions.jsonl")))
    both = data["samples"] + data["other"]
    model = fit(both, args.kept)
    checks = {}
    for train, test in (("samples", "other"), ("other", "samples")):
        held = fit(data[train], args.kept)
        checks[f"fit_on_{train}_test_on_{test}"] = outcomes(data[test], held)
    common.emit({"benchmark": "calibrate", "kept_target": args.kept,
                 "questions": {k: len(v) for k, v in data.items()},
                 "constants": constants(model),
                 "in_sample": {k: outcomes(v, model) for k, v in data.items()},
                 "held_out": checks, "curve_both": curve(both, model)})


if __name__ == "__main__":
    main()
