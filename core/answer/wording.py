"""What the owner reads about how an answer went: one calm sentence each, never a model's words.

The words given to the model (rules, reminders) live in ``prompt.py``.
"""
from __future__ import annotations

NOTHING_FOUND = "I couldn't find this in your documents."
EMPTY_LIBRARY = "Your library has no documents yet. Add some on the Documents page, then ask again."

SEARCH_ONLY = {
    "not_running": ("Ollama isn't running, so here are the passages that best match your question; "
                    "start Ollama to get a written answer."),
    "model_missing": ("The answer model isn't downloaded yet, so here are the passages that best match your "
                      "question; download it on the Setup page to get a written answer."),
    "timeout": ("Ollama didn't answer in time, so here are the passages that best match your question; "
                "ask again in a moment to get a written answer."),
    "stream_broken": ("The connection to Ollama dropped before the answer started, so here are the passages that "
                      "best match your question; ask again to get a written answer."),
    "other": ("Ollama couldn't write an answer, so here are the passages that best match your question."),
}
TRIMMED_NOTICE = ("Some less relevant passages were left out so the question fits in what the model can read at "
                  "once; a model with a larger context window would see them all.")
STOPPED_NOTICE = "The answer was stopped before it finished."
STOPPED_BEFORE_NOTICE = "This question was stopped before its answer began; ask it again to get one."
ECHO_NOTICE = ("The model repeated Groundwork's instructions instead of answering, so here are the closest "
               "passages; ask again, or pick a larger model on the Setup page.")
LOOP_NOTICE = ("The model began repeating itself, so Groundwork stopped the answer there; ask again, or pick a "
               "larger model on the Setup page.")
EMPTY_REPLY_NOTICE = "The model sent back an empty answer; ask again, or pick another model on the Setup page."
