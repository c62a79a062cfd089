"""Errors a person may see.

Every error that reaches a page or the CLI is an ``AppError``; its
``user_message`` is one calm sentence that says what happened and what to do.
Anything else is a bug.

    AppError
    ├── BadFileError          a file we cannot read (one file; the batch goes on)
    ├── LibraryError          the library store refused an operation
    ├── NotFoundError         a named document / conversation does not exist
    ├── UsageError            bad input to the CLI or advisor (exit code 1)
    └── OllamaError           talking to the local model failed
        ├── OllamaNotRunning  nothing answers at OLLAMA_HOST
        ├── ModelMissing      the model is not downloaded
        ├── OllamaTimeout     no answer in time
        └── StreamBroken      the answer stopped half way (partial text kept)
"""
from __future__ import annotations


class AppError(Exception):
    """An error whose message will be displayed to the user."""

    def __init__(self, user_message: str):
        super().__init__(user_message)
        self.user_message = user_message


class BadFileError(AppError):
    """A file could not be read; the message says why and what to do."""


class LibraryError(AppError):
    """The document library could not complete an operation."""


class NotFoundError(AppError):
    """Something named by the user does not exist."""


class UsageError(AppError):
    """Input to a command or the advisor was not valid."""


class OllamaError(AppError):
    """Talking to Ollama failed."""


class OllamaNotRunning(OllamaError):
    """Nothing answers at the Ollama address."""


class ModelMissing(OllamaError):
    """The requested model is not downloaded in Ollama."""

    def __init__(self, user_message: str, model: str = ""):
        super().__init__(user_message)
        self.model = model


class OllamaTimeout(OllamaError):
    """Ollama did not answer in time."""


class StreamBroken(OllamaError):
    """The answer stream stopped before the model finished."""

    def __init__(self, user_message: str, partial: str = ""):
        super().__init__(user_message)
        self.partial = partial
