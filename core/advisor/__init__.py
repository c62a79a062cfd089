"""Should this business add a model of its own on top of looking things up in its documents?

The advisor turns a short questionnaire, plus facts Groundwork measured itself, into one
of four verdicts (codes are for the CLI's ``--json`` only; owners see plain labels):

    rag_only           look things up in the documents; no training now
    rag_then_finetune  look things up now; training for a *named* behaviour becomes worth it
                       once a stated condition is met (e.g. 500 good examples)
    rag_plus_finetune  both now: look facts up, train a model for the behaviour
    finetune_first     the problem is behaviour on a narrow, stable task

and, independently, ``long_context_ok``: could the model simply read all the material with
every question? Size, the owner's need for speed and their volume of questions decide.

Modules, one concern each:

    questions  the questionnaire, as data (ids and values are a contract)
    measure    facts measured from the library, the chat history, the answer style and the
               owner's library check (``load_selftest`` reads ``<data_dir>/selftest.json``)
    resolve    checking answers; every question's value with what it rests on
    facts      what rules look at (the owner's example count and the chat's approved answers
               are kept apart, and added only to count what there is to train on)
    rules      score rules and decision rules, as data
    plan       headline, condition for "later", next steps
    costs      "could the model just read everything?", effort and cost, readiness checklist
    advice     ``advise()``: the ``Advice``
    sections   one description of the advice (``build_sections``) that every renderer draws
    report     Markdown and printable HTML, from those sections
    export     approved answers as training data with a stable held-out split
    figures    sources (with checked links) and the figures used
"""
from core.advisor.advice import Advice, Reason, advise
from core.advisor.export import DEFAULT_SYSTEM_PROMPT, TrainingExport, export_training_data
from core.advisor.facts import CASES, Facts, build_facts
from core.advisor.figures import (
    EXAMPLES_THRESHOLD,
    FINDABILITY_GOOD,
    LARGE_TOKENS,
    LONG_CONTEXT_MONTHLY_READ,
    SOURCES,
    Source,
)
from core.advisor.measure import Measured, StyleState, load_selftest, measure
from core.advisor.questions import DEFAULTS, QUESTION_BY_ID, QUESTIONS, Default, Question
from core.advisor.report import report_html, report_markdown
from core.advisor.resolve import ResolvedAnswer, resolve, validate
from core.advisor.rules import DECISION_BY_ID, DECISIONS, RULE_BY_ID, RULES, VERDICT_LABELS, VERDICTS, Decision, Rule
from core.advisor.sections import STYLE_PAGE, Item, Section, build_sections, section
from core.advisor.words import sentence

__all__ = [
    "Advice", "Reason", "advise", "DEFAULT_SYSTEM_PROMPT", "TrainingExport", "export_training_data", "CASES", "Facts",
    "build_facts", "EXAMPLES_THRESHOLD", "FINDABILITY_GOOD", "LARGE_TOKENS", "LONG_CONTEXT_MONTHLY_READ", "SOURCES",
    "Source", "Measured", "StyleState", "load_selftest", "measure", "DEFAULTS",
    "QUESTION_BY_ID", "QUESTIONS", "Default", "Question", "report_html", "report_markdown", "ResolvedAnswer",
    "resolve", "validate", "DECISION_BY_ID", "DECISIONS", "RULE_BY_ID", "RULES", "VERDICT_LABELS", "VERDICTS",
    "Decision", "Rule", "STYLE_PAGE", "Item", "Section", "build_sections", "section", "sentence",
]
