"""How many texts per ONNX run make the built-in embedder fastest here?

Embeds ~300 chunk-sized passages (500-1000 characters, ~750 on average, like
the library's chunks) with the real model at several batch sizes, texts
sorted by length as ``MiniLMEmbedder.embed`` does, and prints one JSON object:

    {"texts": 300, "mean_chars": ..., "cpus": 2, "loadavg_before_after": [...],
     "texts_per_s": {"1": ..., "4": ..., ...}, "texts_per_cpu_s": {...},
     "fastest": 4, "chosen": core.embeddings.MINILM_BATCH}

``texts_per_s`` is wall-clock throughput (what a person waits for);
``texts_per_cpu_s`` divides by the process's CPU time, which moves less when
other programs compete for the cores.

Sizes are timed in interleaved rounds (every size once per round, in a
shuffled order) and the best round counts, so a burst of other work on the
machine does not land on one size only; the load average before and after is
printed too, since numbers taken on a busy machine mean little.
Run: ``python benchmarks/embed_batch.py [--texts 300] [--repeats 3]``.

The numbers behind the chosen size are in the comment on ``MINILM_BATCH`` in
core/embeddings.py.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.embeddings import MINILM_BATCH, MiniLMEmbedder  # noqa: E402 — after the sys.path and keep_local lines above

SENTENCES = [
    "Full-time employees receive 25 days of paid annual leave in addition to public holidays.",
    "Leave requests must be submitted to your line manager at least two weeks in advance.",
    "Unused leave of up to five days may be carried over into the first quarter of the next year.",
    "Part-time staff accrue leave pro rata, based on their contracted weekly hours.",
    "The company matches pension contributions up to six percent of basic salary.",
    "Employees become eligible for the dental plan after completing their probation period.",
    "Sick leave must be reported to your manager before 9:30 on the first day of absence.",
    "A fit note from a doctor is required for any absence longer than seven calendar days.",
    "Returns within 30 days of purchase receive a full refund when the receipt is shown.",
    "Between 31 and 60 days after purchase, returned items are exchanged for store credit only.",
    "Bicycles hired for the weekend must be returned by 6 pm on Sunday to avoid a late fee.",
    "The rental deposit of 200 dollars is refunded when the bike comes back undamaged.",
    "Always wear eye protection when using the wheel truing stand or the bench grinder.",
    "Report any injury, however small, in the accident book kept behind the workshop counter.",
    "Expenses over 500 dollars need written approval from a director before they are incurred.",
    "Receipts must be attached to every expense claim submitted through the finance portal.",
    "Travel by rail is preferred for journeys under four hours; economy class is standard.",
    "Remote workers may claim a one-off allowance of 300 dollars towards home office equipment.",
    "Performance reviews take place twice a year, in April and in October.",
    "Parental leave is paid at full salary for the first sixteen weeks.",
    "The store opens at 9 am and closes at 6 pm from Monday to Saturday.",
    "Staff discounts of 20 percent apply to all full-price items, but not to sale stock.",
    "Confidential customer data must never be copied to personal devices or email accounts.",
    "Visitors must sign in at reception and wear a badge at all times on site.",
]


def make_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        target = rng.randint(500, 1000)
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < target:
            parts.append(rng.choice(SENTENCES))
        texts.append(" ".join(parts)[:target])
    return texts


def run_once(embedder: MiniLMEmbedder, texts: list[str], batch: int) -> tuple[float, float]:
    """(texts per wall-clock second, texts per CPU second of this process)."""
    embedder.batch_size = batch
    wall, cpu = time.perf_counter(), time.process_time()
    embedder.embed(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return len(texts) / wall, len(texts) / max(cpu, 1e-9)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3, help="rounds; the best round per size counts")
    ap.add_argument("--sizes", default="1,2,4,8,16,32,64")
    args = ap.parse_args(argv)
    texts = make_texts(args.texts)
    sizes = [int(s) for s in args.sizes.split(",")]
    embedder = MiniLMEmbedder().load()
    load_before = os.getloadavg()[0]
    for size in sizes:  # warm-up at every batch shape
        run_once(embedder, texts[:32], size)
    rng = random.Random(1)
    best = {size: 0.0 for size in sizes}
    best_cpu = {size: 0.0 for size in sizes}
    for _ in range(max(1, args.repeats)):
        for size in rng.sample(sizes, len(sizes)):
            wall, cpu = run_once(embedder, texts, size)
            best[size] = max(best[size], wall)
            best_cpu[size] = max(best_cpu[size], cpu)
    rates = {str(size): round(best[size], 1) for size in sizes}
    print(
        json.dumps(
            {
                "texts": len(texts),
                "mean_chars": round(sum(map(len, texts)) / len(texts)),
                "mean_tokens": round(sum(embedder.token_count(t) for t in texts) / len(texts)),
                "cpus": os.cpu_count(),
                "loadavg_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                "texts_per_s": rates,
                "texts_per_cpu_s": {str(size): round(best_cpu[size], 1) for size in sizes},
                "fastest": int(max(rates, key=rates.get)),
                "chosen": MINILM_BATCH,
            }
        )
    )


if __name__ == "__main__":
    main()
