"""Fit search's decisions on some libraries and report them on the one left out (leave-one-library-out).

Libraries (``benchmarks/libraries.py``): ``samples`` (bike shop), ``other`` (four small businesses),
``hartwell`` (a manufacturer) and ``acorns`` (a nursery). ``acorns`` is kept out of all tuning: it is
the final check, scored once with the calibration fitted on the other three.

Per question, the fused candidates (``core.search.hybrid.candidates``) with their evidence
(``core.search.rerank.evidence``), which of them are right pages, and the meaning margin over
general-knowledge questions (``core.search.topic``). What is fitted, on the training libraries only:

1. the reranker: logistic regression (L2 = 1, Newton steps) of "this passage is a right page";
2. the off-topic floor: just below the lowest meaning margin of any answerable training question
   (``FLOOR_SLACK`` lower: the smallest slack that stops no answerable question in any held-out
   tuning fold), so only questions clearly further from the library are stopped;
3. which passages reach the model (``keep``): the top ``ALWAYS_KEEP`` (4, chosen over 1 and 3 on the
   held-out tuning folds, ``always_kept_held_out``), then the rule with the fewest passages whose
   context recall on the training questions is within 0.005 of the best;
4. the strength labels: "close match" where at least 80% of such passages are right pages, "possible
   match" at 40%;
5. (idea measured alone) the weight of meaning in the fusion (``--vector-weights``), chosen by the
   held-out everyday-words figure averaged over the folds.

Figures, as the app decides (top ``K`` results, then the gate): ``context_recall`` (a right page among
what reaches the model), ``declined_top3`` (told "not in your documents" before the model while a
right page was in the top 3), ``off_topic_stopped``, ``near_miss_reaching_model``, recall@1/3/5 and
passages per answer, per kind of question. ``held_out`` figures are the ones to quote; ``in_sample``
ones are labelled as such.

Run: ``python benchmarks/calibrate.py [--write] [--vector-weights 1,1.5,2,3]``; ``--write`` stores the
final calibration (fitted on the tuning libraries) in ``core/search/calibration.json`` with a digest
of the questions it was fitted on. Prints one JSON object.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402 — found through the sys.path line above; it switches telemetry off first
import libraries as L  # noqa: E402 — found through the sys.path line above
from common import log  # noqa: E402 — after common, as above

K = 6  # results per question (settings.top_k)
SLACKS = (0.0, 0.03, 0.06, 0.1, 0.15, 0.2)
FLOOR_SLACK = 0.1  # set by choose_floor_slack(): the smallest slack that stops no answerable question in any held-out tuning fold
ALWAYS_KEEP = 4  # the model always reads the top 4 (chosen on the held-out tuning folds: ``always_kept_held_out``)
ALWAYS_CHOICES = (1, 3, 4)
KEEP_GRID = [{"max_passages": n, "relative": r, "meaning_delta": d}
             for n in (3, 4, 5, 6) for r in (0.1, 0.2, 0.3, 0.5) for d in (0.0, 0.03, 0.06, 0.1)]


def current_vector_weight() -> float:
    from core.search.calibration import current

    return current()["fusion"]["vector_weight"]


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


def rel(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(X @ w[:-1] + w[-1], -30, 30)))


def margin(d: dict, vw: float) -> float:
    X = d["X"][d["pools"][vw]]
    return float(X[:, :2].max()) - d["general"] if len(X) else -1.0


def ranked(d: dict, w: np.ndarray, vw: float):
    """The top K of the pool as the reranker orders them: (pool rows, relevance, meaning, hits)."""
    idx = np.array(d["pools"][vw], int)
    if not len(idx):
        return idx, np.zeros(0), np.zeros(0), np.zeros(0)
    p = rel(d["X"][idx], w)
    order = np.argsort(-p, kind="stable")[:K]
    rows = idx[order]
    return rows, p[order], d["X"][rows, :2].max(axis=1), d["hit"][rows]


def kept(p: np.ndarray, meaning: np.ndarray, rule: dict) -> list[int]:
    """``core.search.gate.keep`` on arrays: the top ``always`` passages, then those the rule keeps."""
    if not len(p):
        return []
    best_rel, best_m = p.max(), meaning.max()
    always = rule.get("always", ALWAYS_KEEP)
    return [i for i in range(min(rule["max_passages"], len(p)))
            if i < always or p[i] >= rule["relative"] * best_rel or meaning[i] >= best_m - rule["meaning_delta"]]


def fit(data: list[dict], vw: float) -> dict:
    rows = [d for d in data if len(d["pools"][vw])]
    X = np.vstack([d["X"][d["pools"][vw]] for d in rows])
    y = np.concatenate([d["hit"][d["pools"][vw]] for d in rows])
    w = logistic(X, y)
    answerable = [d for d in data if d["answerable"]]
    floor = min(margin(d, vw) for d in answerable) - FLOOR_SLACK
    tops = [ranked(d, w, vw) for d in answerable]
    scored = []
    for rule in KEEP_GRID:
        ctx = np.mean([bool(any(h[i] for i in kept(p, m, rule))) for _, p, m, h in tops])
        n = np.mean([len(kept(p, m, rule)) for _, p, m, h in tops])
        scored.append((ctx, n, rule))
    best = max(c for c, _, _ in scored)
    rule = min((n, i) for i, (c, n, _) in enumerate(scored) if c >= best - 0.005)
    keep = dict(scored[rule[1]][2], always=ALWAYS_KEEP)
    p_all = np.concatenate([p for _, p, _, _ in tops])
    h_all = np.concatenate([h for _, _, _, h in tops])
    return {"rerank": {"features": list(_features()), "weights": [round(float(x), 3) for x in w[:-1]],
                       "bias": round(float(w[-1]), 3)},
            "off_topic_floor": round(floor, 3), "keep": keep,
            "strength": {"close": threshold_for(p_all, h_all, 0.8), "possible": threshold_for(p_all, h_all, 0.4)},
            "fusion": {"vector_weight": vw}}


def _features():
    from core.search.rerank import FEATURES

    return FEATURES


def threshold_for(p: np.ndarray, hits: np.ndarray, precision: float) -> float:
    """The lowest relevance above which at least ``precision`` of passages are right pages."""
    order = np.argsort(-p)
    ps, hs = p[order], hits[order]
    prec = np.cumsum(hs) / np.arange(1, len(hs) + 1)
    ok = [i for i in range(len(ps)) if prec[i] >= precision and i >= 4]
    return round(float(ps[max(ok)]), 3) if ok else 1.0


def weights_of(params: dict) -> np.ndarray:
    return np.array(params["rerank"]["weights"] + [params["rerank"]["bias"]])


def outcomes(data: list[dict], params: dict, misses: list | None = None) -> dict:
    """Every figure, per kind of question, as the app decides with ``params``."""
    w, vw, floor, rule = weights_of(params), params["fusion"]["vector_weight"], params["off_topic_floor"], params["keep"]
    per = {}
    for d in data:
        rows, p, m, h = ranked(d, w, vw)
        stopped = margin(d, vw) < floor
        passed = [] if stopped else kept(p, m, rule)
        rank = next((i + 1 for i, x in enumerate(h) if x), None)
        row = {"stopped": stopped, "passed": len(passed), "rank": rank,
               "context_hit": bool(any(h[i] for i in passed)) if d["answerable"] else None}
        kind = d["kind"] if d["kind"] != "plain" else "plain_" + ("answerable" if d["answerable"] else "unanswerable")
        kinds = [kind, "all_answerable" if d["answerable"] else "all_unanswerable"]
        if d["kind"] == "off_topic" and d.get("set", "shared") != "shared":
            kinds.append(f"off_topic_{d['set']}")
        for kind in kinds:
            per.setdefault(kind, []).append(row)
        if misses is not None and d["answerable"] and not row["context_hit"]:
            misses.append(f"{d['library']} {d['id']} rank {rank} stopped {stopped}: {d['question']}")
    return {kind: summary(rows, kind) for kind, rows in per.items()}


def summary(rows: list[dict], kind: str) -> dict:
    n = len(rows)
    out = {"questions": n, "stopped_before_model": round(sum(r["stopped"] for r in rows) / n, 4)}
    if rows[0]["context_hit"] is not None:
        at = lambda k: round(sum(1 for r in rows if r["rank"] and r["rank"] <= k) / n, 4)  # noqa: E731
        sent = [r for r in rows if not r["stopped"]]
        out.update(context_recall=round(sum(r["context_hit"] for r in rows) / n, 4), recall_at_1=at(1),
                   recall_at_3=at(3), recall_at_5=at(5),
                   declined_top3=round(sum(1 for r in rows if r["stopped"] and r["rank"] and r["rank"] <= 3) / n, 4),
                   passages_per_answer=round(float(np.mean([r["passed"] for r in sent])), 2) if sent else None)
    elif kind.startswith("off_topic"):
        out["off_topic_stopped"] = out["stopped_before_model"]
    else:
        out["reaching_model"] = round(1 - out["stopped_before_model"], 4)
    return out


def lolo(data: dict, vw: float, misses: list | None = None) -> dict:
    """Fit on all tuning libraries but one, report on the one left out, for each in turn."""
    return {held: outcomes(data[held], fit([d for n in L.TUNING if n != held for d in data[n]], vw), misses)
            for held in L.TUNING}


def fold_mean(folds: dict, kind: str, figure: str) -> float:
    vals = [f[kind][figure] for f in folds.values() if kind in f]
    return round(float(np.mean(vals)), 4) if vals else float("nan")


def floor_curve(data: dict, vw: float) -> list[dict]:
    """Held-out (fold mean) answerable stopped against off-topic stopped, for other floor slacks."""
    global FLOOR_SLACK
    saved, rows = FLOOR_SLACK, []
    try:
        for slack in SLACKS:
            FLOOR_SLACK = slack
            folds = lolo(data, vw)
            rows.append({"slack": slack, "answerable_stopped": fold_mean(folds, "all_answerable", "stopped_before_model"),
                         "off_topic_stopped": fold_mean(folds, "off_topic", "off_topic_stopped")})
    finally:
        FLOOR_SLACK = saved
    return rows


def choose_floor_slack(data: dict, vw: float) -> list[dict]:
    """Set ``FLOOR_SLACK`` to the smallest slack that stops no answerable question in any held-out tuning
    fold (``floor_curve``, which is returned); ``retrieval.py`` calls this too, so both report the same folds."""
    global FLOOR_SLACK
    curve = floor_curve(data, vw)
    FLOOR_SLACK = min((r["slack"] for r in curve if r["answerable_stopped"] == 0), default=max(SLACKS))
    return curve


def always_kept(data: dict, vw: float) -> dict:
    """Held-out figures (per tuning fold) with the model always reading the top n passages, for each n."""
    global ALWAYS_KEEP
    saved, out = ALWAYS_KEEP, {}
    try:
        for n in ALWAYS_CHOICES:
            ALWAYS_KEEP = n
            folds = lolo(data, vw)
            out[str(n)] = {name: {"everyday_context_recall": f["everyday"]["context_recall"],
                                  "all_answerable_context_recall": f["all_answerable"]["context_recall"],
                                  "passages_per_answer": f["all_answerable"]["passages_per_answer"]}
                           for name, f in folds.items()}
    finally:
        ALWAYS_KEEP = saved
    return out


def gather(weights: tuple) -> dict:
    data = {}
    for name in L.FOLDERS:
        log(f"collecting evidence: {name}")
        with common.temp_dir("gw-calibrate-") as tmp:
            lib = L.open_library(name, tmp / "data")
            data[name] = L.collect(name, lib, L.questions(name), vector_weights=weights)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the final calibration in core/search")
    parser.add_argument("--vector-weights", default="1,1.5,2,3", help="weights of meaning in the fusion to compare")
    parser.add_argument("--cache", help="(development) a pickle of the collected evidence to reuse or create")
    args = parser.parse_args()
    common.block_network()
    weights = tuple(float(x) for x in args.vector_weights.split(","))
    if args.cache and Path(args.cache).exists():
        import pickle

        data = pickle.loads(Path(args.cache).read_bytes())
    else:
        data = gather(weights)
        if args.cache:
            import pickle

            Path(args.cache).write_bytes(pickle.dumps(data))
    by_weight = {}
    for vw in weights:
        folds = lolo(data, vw)
        by_weight[str(vw)] = {"everyday_context_recall": fold_mean(folds, "everyday", "context_recall"),
                              "all_answerable_context_recall": fold_mean(folds, "all_answerable", "context_recall"),
                              "everyday_recall_at_5": fold_mean(folds, "everyday", "recall_at_5")}
    chosen = max(weights, key=lambda vw: (by_weight[str(vw)]["everyday_context_recall"],
                                          by_weight[str(vw)]["all_answerable_context_recall"], -abs(vw - 1)))
    curve = choose_floor_slack(data, chosen)
    always = always_kept(data, chosen)
    misses: list[str] = []
    folds = lolo(data, chosen, misses)
    final = fit([d for n in L.TUNING for d in data[n]], chosen)
    final_misses: list[str] = []
    final_check = outcomes(data[L.FINAL_CHECK], final, final_misses)
    for line in misses + ["final check:"] + final_misses:
        log("  miss:", line)
    files = [f for n in L.TUNING for f in L.question_files(n)]
    final["fitted_on"] = {"libraries": list(L.TUNING), "question_files": [L.relative(f) for f in files],
                          "questions": sum(len(data[n]) for n in L.TUNING),
                          "questions_sha256": _digest(files), "final_check": L.FINAL_CHECK}
    if args.write:
        from core.search.calibration import CALIBRATION_FILE

        CALIBRATION_FILE.write_text(json.dumps(final, indent=2) + "\n", encoding="utf-8")
        log(f"wrote {CALIBRATION_FILE}")
    common.emit({"benchmark": "calibrate", "k": K, "questions": {n: len(v) for n, v in data.items()},
                 "fusion_vector_weight_held_out": by_weight, "chosen_vector_weight": chosen,
                 "floor_curve_held_out": curve, "floor_slack": FLOOR_SLACK, "always_kept_held_out": always, "held_out": folds, "final_check": {L.FINAL_CHECK: final_check},
                 "in_sample": {n: outcomes(data[n], final) for n in L.TUNING},
                 "calibration": final})


def _digest(files) -> str:
    from core.search.calibration import questions_digest

    return questions_digest(files, common.ROOT)


if __name__ == "__main__":
    main()
