"""Whose turn it is with the model: a fair queue for the one model that answers one question at a time.

Several people ask at once (issue 20: staff on their own computers). Searching and building the
prompt need no turn; only the model call does. Turns go round robin between people and first come,
first served within a person: someone with five questions waiting doesn't make everyone else wait
for all five. With sharing off there is one person (the owner, ``''``), so the queue is plain FIFO.

    join(person) ──► waiting ──its turn──► turn ──start()──► answering ──release()──► done
                        │                    │
                        ├── cancel() ────────┴──► cancelled   (leaves the queue at once)
                        ├── not kept alive ─────► expired     (the page that asked was closed)
                        └── report_down() ──────► down        (Ollama isn't running: nobody waits for nothing)

A ticket is kept alive by whoever waits on it (``wait`` and ``ahead`` do it). A waiting ticket
nobody has looked at for ``waiting_lease`` seconds, and a turn not started within ``start_within``
seconds, end as ``expired``, so a closed browser tab never holds the model. Nothing runs in the
background: the checks happen whenever anyone asks the queue anything (and waiters ask at least
every ``POLL_S`` seconds), which is exactly when it matters.

``ahead()`` is how many questions will be answered before this one if nobody else asks: the one
being answered now, plus those waiting that the round robin takes first. It can grow by one when
someone with nothing waiting asks (they take their place in the round), which is the fairness.
No streamlit here (pages show the place; ``core.runtime`` keeps one queue per Ollama address).
"""
from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from typing import Callable, Optional

WAITING = "waiting"
TURN = "turn"
ANSWERING = "answering"
DONE = "done"
CANCELLED = "cancelled"
EXPIRED = "expired"
DOWN = "down"
ENDED = frozenset({DONE, CANCELLED, EXPIRED, DOWN})

POLL_S = 1.0  # the longest a waiter sleeps before looking again (expiry checks ride on it)
# A waiting page looks every half second; a browser tab out of sight for minutes may look only once a minute
# (browsers slow the timers of hidden tabs), so a waiting question keeps its place for 90 seconds unseen.
WAITING_LEASE_S = 90.0
# A turn nobody starts is given on after 20 seconds: long enough for a slowed tab, short enough that a closed
# one doesn't keep everyone waiting.
START_WITHIN_S = 20.0


class Ticket:
    """One question's place in the queue. Thread-safe; every method may be called from any thread."""

    def __init__(self, queue: "ModelQueue", number: int, person: str, now: float):
        self._queue = queue
        self.number = number
        self.person = person
        self.state = WAITING
        self.joined_at = now
        self.seen_at = now  # kept alive by waiters
        self.turn_at: Optional[float] = None

    # -- reading

    @property
    def has_turn(self) -> bool:
        return self.state in (TURN, ANSWERING)

    @property
    def waiting(self) -> bool:
        return self.state == WAITING

    @property
    def ended(self) -> bool:
        return self.state in ENDED

    def ahead(self) -> Optional[int]:
        """Questions to be answered before this one (None once it isn't waiting); keeps it alive."""
        return self._queue._ahead(self)

    # -- acting

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until it is this ticket's turn (True), or it ended, or ``timeout`` seconds passed (False)."""
        return self._queue._wait(self, timeout)

    def start(self) -> None:
        """The model call begins: the turn is now held until ``release`` (no start deadline any more)."""
        self._queue._start(self)

    def release(self) -> None:
        """The model call is over: the next question gets its turn."""
        self._queue._end(self, DONE)

    def cancel(self) -> None:
        """Leave the queue now (or give the turn back, when it was held)."""
        self._queue._end(self, CANCELLED)

    def report_down(self) -> None:
        """The model call found Ollama not running: end this turn and every waiting ticket as ``down``."""
        self._queue._report_down(self)

    def __repr__(self) -> str:
        return f"Ticket(#{self.number}, person={self.person!r}, state={self.state})"


class ModelQueue:
    """The queue for one model server. ``clock`` (monotonic seconds) can be replaced in tests."""

    def __init__(self, *, waiting_lease: float = WAITING_LEASE_S, start_within: float = START_WITHIN_S,
                 clock: Callable[[], float] = time.monotonic):
        self.waiting_lease = waiting_lease
        self.start_within = start_within
        self._clock = clock
        self._cond = threading.Condition()
        self._waiting: dict[str, deque[Ticket]] = {}  # person -> their waiting tickets, oldest first
        self._rotation: deque[str] = deque()  # people with waiting tickets, whose turn comes first first
        self._holder: Optional[Ticket] = None
        self._numbers = itertools.count(1)

    # -- public

    def join(self, person: str) -> Ticket:
        """A new question from ``person`` takes its place; it has the turn at once when the model is free."""
        with self._cond:
            self._expire()
            ticket = Ticket(self, next(self._numbers), person, self._clock())
            if person not in self._waiting:
                self._waiting[person] = deque()
                self._rotation.append(person)
            self._waiting[person].append(ticket)
            self._grant()
            return ticket

    def snapshot(self) -> dict:
        """What the queue holds now: ``{"answering": person or None, "waiting": {person: count}}``."""
        with self._cond:
            self._expire()
            return {"answering": self._holder.person if self._holder else None,
                    "waiting": {p: len(self._waiting[p]) for p in self._rotation}}

    def wait_until(self, predicate: Callable[[dict], bool], timeout: Optional[float] = None) -> bool:
        """Block until ``predicate(snapshot())`` holds (True) or ``timeout`` passes (False). For tests and tools."""
        end = None if timeout is None else self._clock() + timeout
        with self._cond:
            while True:
                self._expire()
                snap = {"answering": self._holder.person if self._holder else None,
                        "waiting": {p: len(self._waiting[p]) for p in self._rotation}}
                if predicate(snap):
                    return True
                left = None if end is None else end - self._clock()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(POLL_S if left is None else min(POLL_S, left))

    # -- for Ticket (all under the one lock)

    def _ahead(self, ticket: Ticket) -> Optional[int]:
        with self._cond:
            self._expire()
            if ticket.state != WAITING:
                return None
            ticket.seen_at = self._clock()
            mine = self._waiting[ticket.person]
            index = list(mine).index(ticket)
            count = index + (1 if self._holder is not None else 0)  # my own earlier ones, and the one being answered
            before = True  # people before me in this round also go once more in the round I'm served in
            for person in self._rotation:
                if person == ticket.person:
                    before = False
                    continue
                count += min(len(self._waiting[person]), index + (1 if before else 0))
            return count

    def _wait(self, ticket: Ticket, timeout: Optional[float]) -> bool:
        end = None if timeout is None else self._clock() + timeout
        with self._cond:
            while True:
                self._expire()
                if ticket.state == WAITING:
                    ticket.seen_at = self._clock()
                if ticket.has_turn:
                    return True
                if ticket.ended:
                    return False
                left = None if end is None else end - self._clock()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(POLL_S if left is None else min(POLL_S, left))

    def _start(self, ticket: Ticket) -> None:
        with self._cond:
            if ticket.state == TURN:
                ticket.state = ANSWERING

    def _end(self, ticket: Ticket, state: str) -> None:
        with self._cond:
            if ticket.ended:
                return
            self._drop(ticket, state)
            self._grant()
            self._cond.notify_all()

    def _report_down(self, ticket: Ticket) -> None:
        with self._cond:
            if not ticket.ended:
                self._drop(ticket, DOWN)
            for person in list(self._rotation):
                for waiting in list(self._waiting.get(person, ())):
                    self._drop(waiting, DOWN)
            self._cond.notify_all()

    # -- inside the lock

    def _drop(self, ticket: Ticket, state: str) -> None:
        if ticket is self._holder:
            self._holder = None
        elif ticket.state == WAITING:
            mine = self._waiting[ticket.person]
            mine.remove(ticket)
            if not mine:
                del self._waiting[ticket.person]
                self._rotation.remove(ticket.person)
        ticket.state = state

    def _grant(self) -> None:
        """When the model is free, the next person in the round gets the turn for their oldest question."""
        if self._holder is not None or not self._rotation:
            return
        person = self._rotation.popleft()
        mine = self._waiting[person]
        ticket = mine.popleft()
        if mine:
            self._rotation.append(person)  # their next question waits for everyone else's turn in this round
        else:
            del self._waiting[person]
        ticket.state = TURN
        ticket.turn_at = ticket.seen_at = self._clock()
        self._holder = ticket
        self._cond.notify_all()

    def _expire(self) -> None:
        now = self._clock()
        changed = False
        holder = self._holder
        if holder is not None and holder.state == TURN and now - holder.seen_at > self.start_within:
            self._drop(holder, EXPIRED)
            changed = True
        for person in list(self._rotation):
            for ticket in list(self._waiting.get(person, ())):
                if now - ticket.seen_at > self.waiting_lease:
                    self._drop(ticket, EXPIRED)
                    changed = True
        if changed:
            self._grant()
            self._cond.notify_all()
