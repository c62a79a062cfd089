"""One answer as it streams: a small state machine around ``llm.chat_stream``.

    prepared ──iterate──► streaming ──model done──► finished (result)
        │                     ├──Ollama failed, nothing written──► search-only (result)
        │                     ├──Ollama failed mid-answer──► finished, with a notice
        │                     └──close()──► finished, "stopped" notice
        ├── waits for its turn first, when it has a ticket in the model's queue (``core.model_queue``):
        │     cancelled or expired ──► finished, "stopped" notice;  Ollama found down meanwhile ──► search-only
        └── fixed: decided before any model call (nothing relevant, Ollama down) ──► result

Built with ``AnswerStream.fixed(...)`` or ``AnswerStream.from_model(...)``; ``answer()``
in ``pipeline.py`` decides which.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Generator, Iterator, Optional, Sequence

from core.answer.citations import live_text
from core.answer.repeats import loop_start, without_echo
from core.answer.results import finish, search_only
from core.errors import OllamaError, OllamaNotRunning
from core.llm import not_running_message
from core.types import AnswerResult, Passage, SearchResult


@dataclass
class ModelCall:
    """What to send to Ollama, and what to show instead if it can't answer."""

    llm: Any
    model: str
    messages: list[dict]
    options: dict
    gated: Sequence[SearchResult] = ()  # the relevant passages (shown when no answer can be written)
    closest: Sequence[SearchResult] = ()  # everything found (the nearest, when nothing passed the gate)
    trimmed_sources: int = 0
    timings: dict = field(default_factory=dict)
    ticket: Any = None  # a ``core.model_queue.Ticket``: the call waits for its turn with the model


class AnswerStream:
    """One answer. ``sources`` and ``query`` are ready at once; iterate for the text; then read ``result``.

    Iterating yields the model's raw text pieces (or, when no model answer is
    possible, one message). ``live_text()`` gives the normalised text so far.
    ``result`` is filled when iteration ends; reading it earlier finishes the
    answer first (or, after ``close()``, reports the partial answer).
    """

    def __init__(self, question: str, query: str, sources: Sequence[Passage], *,
                 call: Optional[ModelCall] = None, fixed: Optional[tuple[str, AnswerResult]] = None,
                 timings: Optional[dict] = None, started_at: Optional[float] = None):
        if (call is None) == (fixed is None):
            raise ValueError("an AnswerStream needs either a model call or a fixed answer")
        self.question = question
        self.query = query
        self.sources = list(sources)
        self._call = call
        self._fixed = fixed
        self.timings = dict(timings or (call.timings if call else {}))
        self._received: list[str] = []
        self._chat: Optional[Generator[str, None, None]] = None
        self._looped = False  # the model began repeating itself and was stopped there
        self._iterator: Optional[Generator[str, None, None]] = None
        self._result: Optional[AnswerResult] = None
        self._started_at = time.perf_counter() if started_at is None else started_at

    @classmethod
    def fixed(cls, question: str, query: str, text: str, result: AnswerResult, *,
              sources: Sequence[Passage] = (), timings: Optional[dict] = None) -> "AnswerStream":
        """An answer decided without asking the model: iterating yields ``text`` once."""
        return cls(question, query, sources, fixed=(text, result), timings=timings)

    @classmethod
    def from_model(cls, question: str, query: str, sources: Sequence[Passage], call: ModelCall, *,
                   started_at: Optional[float] = None) -> "AnswerStream":
        """An answer the model writes from ``sources`` (the numbered passages in ``call.messages``)."""
        return cls(question, query, sources, call=call, started_at=started_at)

    # -- what was sent

    @property
    def messages(self) -> list[dict]:
        return self._call.messages if self._call else []

    @property
    def options(self) -> dict:
        return self._call.options if self._call else {}

    @property
    def trimmed_sources(self) -> int:
        return self._call.trimmed_sources if self._call else 0

    @property
    def ticket(self):
        """This answer's place in the model's queue (None when it needs no model, or no queue was given)."""
        return self._call.ticket if self._call else None

    # -- streaming

    def __iter__(self) -> Iterator[str]:
        if self._iterator is None:
            self._iterator = self._run()
            return self._iterator
        return iter(())  # already iterated: the text is in result.answer

    def _run(self) -> Generator[str, None, None]:
        if self._fixed is not None:
            text, self._result = self._fixed
            yield text
            return
        call = self._call
        assert call is not None  # without a fixed reply there is always a model call (see __init__)
        failure: Optional[OllamaError] = None
        ticket = call.ticket
        if ticket is not None:
            waited = time.perf_counter()
            turn = ticket.wait()  # another thread may cancel it meanwhile (``ticket.cancel()``)
            self.timings["queue_wait_ms"] = round((time.perf_counter() - waited) * 1000, 2)
            if not turn:  # cancelled, expired, or Ollama was found down while this one waited
                if ticket.state == "down":
                    down = OllamaNotRunning(not_running_message(getattr(call.llm, "host", "")))
                    message, self._result = search_only(down, call.gated, call.closest, self.query)
                    yield message
                    return
                self._finish(None, stopped=True)
                return
            ticket.start()
        chat = self._chat = call.llm.chat_stream(call.model, call.messages, call.options)  # sends nothing yet
        try:
            for piece in chat:
                if not self._received:
                    self.timings["first_token_ms"] = round((time.perf_counter() - self._started_at) * 1000, 2)
                self._received.append(piece)
                if any(c in piece for c in ".!?\n") and self._cut_loop():
                    break
                yield piece
        except OllamaError as exc:
            failure = exc
        except GeneratorExit:
            self._finish(None, stopped=True)
            raise
        finally:
            chat.close()
            if ticket is not None:  # the next question's turn (Ollama down: nobody waits for nothing)
                if isinstance(failure, OllamaNotRunning) and not self._received:
                    ticket.report_down()
                else:
                    ticket.release()
        if failure is not None and not "".join(self._received).strip():
            message, self._result = search_only(failure, call.gated, call.closest, self.query)
            yield message
            return
        self._finish(failure)

    def _cut_loop(self) -> bool:
        """When the text so far has started looping, keep it up to the loop and say so (True)."""
        text = "".join(self._received)
        cut = loop_start(text)
        if cut is None:
            return False
        self._received = [text[:cut].rstrip()]
        self._looped = True
        return True

    def live_text(self) -> str:
        """The answer so far, citations as final ``[n]`` numbers (an unfinished marker is held back)."""
        return live_text("".join(self._received), len(self.sources))

    def display(self) -> Iterator[str]:
        """Iterate the answer as the person should see it: pieces of the normalised text.

        Citations come out already as ``[n]`` with their final numbers (so they match
        ``result.citations`` while streaming); a marker is held back until it is
        complete, and so is trailing whitespace (a dropped marker takes the space
        before it), and so is a sentence that so far only points somewhere ("Also see"),
        which a made-up number would leave empty. ``"".join(stream.display()) ==
        stream.result.answer`` apart from the rare rewrite of a "General knowledge:"
        label, or a pointer after a claim (", as stated in [99]") that the finished
        answer drops.
        """
        emitted = ""
        for piece in self:
            if not self._received or (self._result is not None and self._result.mode == "search_only"):
                yield piece  # a message from us, not the model's text
                continue
            now = without_echo(self.live_text()).rstrip()
            if len(now) > len(emitted) and now.startswith(emitted):
                yield now[len(emitted):]
                emitted = now
        final = self.result.answer if self.result.mode == "llm" and self._received else ""
        if len(final) > len(emitted) and final.startswith(emitted):
            yield final[len(emitted):]

    def close(self) -> None:
        """Stop the answer (drops the connection to Ollama, or leaves the queue); ``result`` then describes
        the partial answer."""
        if self.ticket is not None:
            self.ticket.cancel()  # waiting: leave the queue now; answering: the turn passes on
        if self._iterator is not None:
            self._iterator.close()
        if self._result is None:
            if self._fixed is not None:
                self._result = self._fixed[1]
            else:
                self._finish(None, stopped=True)

    @property
    def result(self) -> AnswerResult:
        if self._result is None:
            if self._iterator is None:
                for _ in self:
                    pass
            else:
                self.close()
        assert self._result is not None
        return self._result

    def _finish(self, failure: Optional[OllamaError], stopped: bool = False) -> None:
        if self._result is not None:
            return
        self._result = finish("".join(self._received), self.sources, query=self.query,
                              num_ctx=self.options.get("num_ctx"), trimmed=self.trimmed_sources,
                              failure=failure, stopped=stopped, looped=self._looped)
        self.timings["total_ms"] = round((time.perf_counter() - self._started_at) * 1000, 2)
