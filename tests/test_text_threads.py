"""Stemming from several threads at once (each browser session searches in a thread of its own): a Snowball
stemmer keeps the word it works on in its own fields, so one shared between threads raised IndexError or
returned another word's stem when ten people searched at once (benchmarks/team_load.py found it)."""
from __future__ import annotations

import sys
import threading

from core.text.normalize import stem

WORDS = ["returns", "refunds", "stations", "generously", "happiness", "conditional", "batteries", "hopefully",
         "relational", "electricity", "organization", "possibilities", "recommended", "deliveries"] * 40


def test_threads_stemming_at_once_each_get_the_right_stems():
    raw = stem.__wrapped__  # past the cache: every call runs the stemmer
    expected = [raw(w) for w in WORDS]
    problems: list[str] = []
    start = threading.Barrier(8)

    def work():
        start.wait(30)
        try:
            for _ in range(5):  # a shared stemmer failed 10 runs in 10 at 5 rounds (1.6 s; 30 rounds took 8.5 s)
                if [raw(w) for w in WORDS] != expected:
                    problems.append("a wrong stem")
        except Exception as exc:  # what a shared stemmer raised
            problems.append(repr(exc))

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so a shared stemmer would be caught
    try:
        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        sys.setswitchinterval(old)
    assert problems == []
    assert not any(t.is_alive() for t in threads)
