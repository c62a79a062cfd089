"""The official ``ollama`` client as Groundwork builds it, and how its failures read to an owner.

- ``make_client``: the client for one Ollama address, never through a proxy and never redirected.
- ``OLLAMA_FAILURES``: what the client and ``httpx`` raise when talking to Ollama fails. Only these are
  caught: a bug in Groundwork's own code (an AttributeError, say) keeps its own type and traceback.
- ``translate``: one of those failures as an ``OllamaError`` subclass (``core/errors.py``) whose
  ``user_message`` is one calm sentence:

  - nothing listens at the address          -> ``OllamaNotRunning``
  - the model is not downloaded (HTTP 404)  -> ``ModelMissing``
  - no answer in time                       -> ``OllamaTimeout``
  - the answer stream breaks part-way       -> ``StreamBroken`` (keeps the partial text)
  - anything else Ollama reports            -> ``OllamaError`` (memory gets its own sentence)

Over HTTP, "Ollama is not installed" looks exactly like "Ollama is not running" (nothing listens),
so the messages cover both. ``core.llm.OllamaService`` is the one user of ``translate``.
"""
from __future__ import annotations

from typing import Any, Optional

import httpx
import ollama

from core.errors import ModelMissing, OllamaError, OllamaNotRunning, OllamaTimeout, StreamBroken

# Connection attempts should fail fast (Ollama is local, or on the local network);
# reading may legitimately wait a long time while Ollama loads a model from disk.
CONNECT_TIMEOUT_S = 5.0
# Quick calls (status, model list, model details) never need the long read timeout.
QUICK_TIMEOUT_S = 10.0

# What the ollama client and httpx raise when talking to Ollama fails (a refused connection, an HTTP
# error, a timeout, an address httpx can't use, a reply that isn't the JSON Ollama writes).
OLLAMA_FAILURES: tuple[type[BaseException], ...] = (
    ConnectionError, httpx.HTTPError, httpx.InvalidURL, ollama.ResponseError, ollama.RequestError, ValueError)

# Nothing listening (or the address is unreachable). The client raises ConnectionError for plain
# calls, but with stream=True httpx.ConnectError escapes on the first iteration.
NOT_LISTENING: tuple[type[BaseException], ...] = (ConnectionError, httpx.ConnectError, httpx.ConnectTimeout)

MEMORY_HINTS = ("requires more system memory", "out of memory", "not enough memory", "insufficient memory",
                "cudamalloc failed", "unable to allocate")

STREAM_BROKEN = ("The answer stopped part-way because the connection to Ollama dropped. "
                 "Ask again to get the full answer.")
STREAM_BROKEN_EARLY = ("The connection to Ollama dropped before the answer started; "
                       "check that Ollama is still running and ask again.")


def make_client(host: str, timeout: Any) -> ollama.Client:
    """The official client for the Ollama at ``host``, talking to that address and nowhere else.

    - ``trust_env=False``: proxies configured on this computer (``HTTP_PROXY``, ``HTTPS_PROXY``,
      ``ALL_PROXY``, the system's) are never used, so a question and its passages can't pass through
      a proxy the owner never chose for Ollama (``NO_PROXY`` only covers loopback names).
    - ``follow_redirects=False``: a reply that points somewhere else is not followed (a redirect would
      send the question on to another address); it counts as "doesn't look like Ollama".
    """
    return ollama.Client(host=host, timeout=timeout, trust_env=False, follow_redirects=False)


def not_running_message(host: str) -> str:
    return (f"Ollama isn't running at {host}; open the Ollama app and try again "
            "(if it isn't installed yet, the Setup page shows how).")


def _reason(text: Any) -> str:
    """Ollama's error text as a clause: first line, no trailing full stop."""
    text = str(text or "").strip().splitlines()[0] if str(text or "").strip() else "no reason given"
    return text.rstrip(". ")


def translate(exc: BaseException, *, host: str, timeout: float, model: Optional[str] = None,
              partial: Optional[str] = None, during: str = "chat") -> OllamaError:
    """A failure from the ollama client / httpx (one of ``OLLAMA_FAILURES``) talking to ``host`` (read
    timeout ``timeout`` seconds) as an ``OllamaError``. ``during`` is "chat" or "pull"; ``partial`` is the
    text a broken answer stream had already given (None outside a stream)."""
    if isinstance(exc, OllamaError):
        return exc
    if isinstance(exc, NOT_LISTENING):
        return OllamaNotRunning(not_running_message(host))
    if isinstance(exc, httpx.TimeoutException):
        if during == "pull":
            return OllamaTimeout(
                f"The download of '{model}' stalled for more than {timeout:g} seconds. "
                "Check your internet connection and try again.")
        return OllamaTimeout(
            f"Ollama didn't answer within {timeout:g} seconds; it may still be loading the model, "
            "so wait a moment and ask again.")
    if isinstance(exc, ollama.ResponseError):
        return _from_response(exc, host=host, model=model, during=during)
    if isinstance(exc, (httpx.HTTPError, ValueError)):
        # RemoteProtocolError ("incomplete chunked read", "server disconnected"), ReadError,
        # or a half-written JSON line: the connection dropped part-way.
        if during == "pull":
            return OllamaError(
                "The download stopped because the connection to Ollama dropped; "
                "check that Ollama is still running and try again.")
        if partial is not None:
            return StreamBroken(STREAM_BROKEN if partial else STREAM_BROKEN_EARLY, partial=partial)
        return OllamaError("The connection to Ollama dropped; check that Ollama is still running and try again.")
    # ollama.RequestError (the client refused the request before sending it)
    return OllamaError(f"Talking to Ollama failed unexpectedly ({type(exc).__name__}); try again.")


def _from_response(exc: ollama.ResponseError, *, host: str, model: Optional[str], during: str) -> OllamaError:
    """An error Ollama itself reported (an HTTP status and its text)."""
    text = _reason(exc.error)
    lowered = text.lower()
    if any(hint in lowered for hint in MEMORY_HINTS):
        return OllamaError(
            f"Your computer doesn't have enough free memory for '{model or 'this model'}'. "
            "Close other programs or pick a smaller model on the Setup page.")
    if during == "pull":
        if exc.status_code == 404 or "file does not exist" in lowered or "not found" in lowered:
            return OllamaError(
                f"Ollama's library has no model called '{model}'; check the name and try again.")
        return OllamaError(f"The download stopped: {text}. Check your internet connection and try again.")
    if exc.status_code == 404 and not model:  # e.g. /api/tags missing: not an Ollama server
        return OllamaError(
            f"Something at {host} answered, but it doesn't look like Ollama; "
            "check the Ollama address on the Setup page.")
    if exc.status_code == 404:
        return ModelMissing(
            f"The model '{model}' isn't downloaded yet. Download it on the Setup page.", model=model or "")
    return OllamaError(f"Ollama couldn't answer: {text}. Try again, or restart the Ollama app if it keeps happening.")
