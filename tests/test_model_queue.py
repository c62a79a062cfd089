"""The model's queue (core/model_queue.py): round robin between people, first come first served within a
person, cancel at once, expiry of tickets nobody looks after, and Ollama down ends every wait.

Real threads wait on the queue; the order things happen in is fixed with events and barriers, never sleeps.
"""
from __future__ import annotations

import threading

from core.model_queue import CANCELLED, DONE, DOWN, EXPIRED, ModelQueue

JOIN_S = 30  # a deadlock guard only: a thread that isn't done by then is a failure, not a slow run


class Model:
    """Plays the model: serves each ticket that gets the turn, in order, recording whose it was."""

    def __init__(self, queue: ModelQueue):
        self.queue = queue
        self.served: list[str] = []
        self.lock = threading.Lock()

    def serve(self, ticket, label: str) -> None:
        assert ticket.wait(JOIN_S), f"{label} never got the turn"
        ticket.start()
        with self.lock:
            self.served.append(label)
        ticket.release()


def waiters(model: Model, labelled: list) -> list[threading.Thread]:
    threads = [threading.Thread(target=model.serve, args=(t, label)) for label, t in labelled]
    for th in threads:
        th.start()
    return threads


def finish(threads) -> None:
    for th in threads:
        th.join(JOIN_S)
        assert not th.is_alive()


def test_one_person_is_plain_first_come_first_served():
    q = ModelQueue()
    first = q.join("")
    assert first.has_turn and first.ahead() is None  # the model was free
    rest = [(f"q{i}", q.join("")) for i in range(1, 6)]
    assert [t.ahead() for _, t in rest] == [1, 2, 3, 4, 5]
    model = Model(q)
    threads = waiters(model, list(reversed(rest)))  # the threads start in the opposite order: it doesn't matter
    first.release()
    finish(threads)
    assert model.served == ["q1", "q2", "q3", "q4", "q5"]
    assert all(t.state == DONE for _, t in rest)


def test_round_robin_between_people_fifo_within_each():
    q = ModelQueue()
    hold = q.join("someone")
    asked = [("a1", q.join("ann")), ("a2", q.join("ann")), ("a3", q.join("ann")),
             ("b1", q.join("bob")), ("c1", q.join("cy")), ("c2", q.join("cy"))]
    expected = ["a1", "b1", "c1", "a2", "c2", "a3"]
    ahead = {label: t.ahead() for label, t in asked}
    # the one being answered, then everyone before in the round robin
    assert ahead == {label: expected.index(label) + 1 for label in ahead}
    model = Model(q)
    threads = waiters(model, asked)
    hold.release()
    finish(threads)
    assert model.served == expected


def test_ten_people_asking_at_once_from_threads_are_served_in_rounds():
    q = ModelQueue()
    hold = q.join("lead")
    people = [f"p{i}" for i in range(10)]
    barrier = threading.Barrier(len(people) * 2 + 1)
    tickets: dict[str, list] = {}
    lock = threading.Lock()
    model = Model(q)

    def person_asks(name: str, n: int) -> None:
        barrier.wait(JOIN_S)
        ticket = q.join(name)
        with lock:
            tickets.setdefault(name, []).append((n, ticket))
        model.serve(ticket, f"{name}#{ticket.number}")

    threads = [threading.Thread(target=person_asks, args=(p, n)) for p in people for n in (1, 2)]
    for th in threads:
        th.start()
    barrier.wait(JOIN_S)  # everyone asks at the same moment, while the model is busy
    assert q.wait_until(lambda s: sum(s["waiting"].values()) == 20, JOIN_S)
    hold.release()
    finish(threads)
    served = [label.split("#")[0] for label in model.served]
    assert sorted(served[:10]) == people and sorted(served[10:]) == people  # nobody goes twice before all went once
    for person in people:  # and each person's own questions in the order they asked
        numbers = [int(label.split("#")[1]) for label in model.served if label.startswith(person + "#")]
        assert numbers == sorted(numbers)


def test_a_cancelled_question_leaves_the_queue_at_once():
    q = ModelQueue()
    hold = q.join("x")
    mine = q.join("ann")
    after = q.join("bob")
    assert (mine.ahead(), after.ahead()) == (1, 2)
    woke = threading.Event()
    outcome: list[bool] = []

    def wait_for_turn():
        outcome.append(mine.wait())
        woke.set()

    waiter = threading.Thread(target=wait_for_turn)
    waiter.start()
    mine.cancel()
    assert woke.wait(JOIN_S) and outcome == [False]  # the waiting thread is told, not left hanging
    assert mine.state == CANCELLED and mine.ahead() is None
    assert after.ahead() == 1  # the next one moved up straight away
    assert q.snapshot() == {"answering": "x", "waiting": {"bob": 1}}
    hold.release()
    assert after.has_turn
    waiter.join(JOIN_S)


def test_cancelling_the_turn_gives_it_to_the_next():
    q = ModelQueue()
    holder = q.join("ann")
    nxt = q.join("bob")
    holder.start()
    holder.cancel()  # a stop while answering
    assert nxt.has_turn and holder.state == CANCELLED
    holder.release()  # a late release of an ended ticket changes nothing
    assert nxt.has_turn and q.snapshot()["answering"] == "bob"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_question_nobody_looks_after_expires_and_a_turn_not_taken_is_given_on():
    clock = Clock()
    q = ModelQueue(waiting_lease=30, start_within=10, clock=clock)
    holder = q.join("ann")
    holder.start()
    gone = q.join("bob")  # the tab that asked is closed: nobody calls wait() or ahead() on it again
    kept = q.join("cy")
    clock.now += 20
    assert kept.ahead() == 2 and gone.waiting  # looked at: kept alive (and bob's still within its lease)
    clock.now += 20
    assert kept.ahead() == 1 and gone.state == EXPIRED
    clock.now += 1000
    assert holder.state == "answering"  # an answer being written never expires
    holder.release()
    assert kept.has_turn
    clock.now += 11  # the turn came, but nobody started the model call
    later = q.join("dan")
    assert kept.state == EXPIRED and later.has_turn


def test_ollama_down_ends_every_wait_at_once():
    q = ModelQueue()
    holder = q.join("ann")
    waiting = [q.join(p) for p in ("bob", "cy", "bob")]
    results: list[bool] = []
    done = threading.Barrier(len(waiting) + 1)

    def wait(t):
        results.append(t.wait())
        done.wait(JOIN_S)

    for t in waiting:
        threading.Thread(target=wait, args=(t,)).start()
    holder.start()
    holder.report_down()
    done.wait(JOIN_S)
    assert results == [False, False, False]
    assert {t.state for t in waiting + [holder]} == {DOWN}
    assert q.snapshot() == {"answering": None, "waiting": {}}
    assert q.join("dan").has_turn  # the next question tries again (Ollama may be back)
