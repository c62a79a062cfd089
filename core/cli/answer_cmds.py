"""``ask`` and ``advise``: a cited answer from the local model, and the fine-tuning advice."""
from __future__ import annotations

import json
from pathlib import Path

from core.cli.common import add_as_option, emit, library_from, readable_library_from, settings_from
from core.errors import UsageError


def cmd_ask(args) -> int:
    from core import team_questions
    from core.answer import answer, strip_markers
    from core.llm import OllamaService

    settings = settings_from(args)
    lib, access = readable_library_from(args)
    if args.file:
        lib.document(args.file)
    llm = OllamaService(settings.ollama_host, settings.ollama_timeout_s)
    stream = answer(args.question, library=lib, llm=llm, settings=settings, files=[args.file] if args.file else None)
    for piece in stream.display():  # citation numbers already as finally shown
        if not args.json:
            print(piece, end="", flush=True)
    result = stream.result
    team_questions.record_answer(lib.db, access, args.question, result)
    if args.json:
        emit(args, result.as_dict(), lambda p: "")
    else:
        print()
        if result.notice:
            print(f"\n{result.notice}")
        for c in result.citations:
            matched = " (source matched by Groundwork)" if c.matched_by_groundwork else ""
            print(f"[{c.n}] {c.file}, {c.place.label()}{matched}")
            if c.quote:
                print(f"    \"{c.quote}\"")
        for sentence in result.unsupported:
            print(f"\nNot clearly supported by your documents: {strip_markers(sentence)}")
        for sentence in result.says_nothing:
            print(f"\nStates nothing specific Groundwork could check against the cited page: {strip_markers(sentence)}")
    return 0


def cmd_advise(args) -> int:
    from core import advisor

    try:
        answers = json.loads(Path(args.answers).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"Groundwork couldn't open '{args.answers}'; check the path and try again.") from exc
    except ValueError as exc:
        raise UsageError(f"'{args.answers}' is not valid JSON; fix it and try again.") from exc
    if not isinstance(answers, dict):
        raise UsageError("The answers file must hold one JSON object of question ids and values.")
    settings = settings_from(args)
    library_stats = usage = imported = team = None
    if settings.db_path.exists():
        from core.advisor.example_store import PastExamples
        from core.history import History

        lib = library_from(args)
        library_stats = lib.stats()
        style_since = settings.answer_style_changed_at if settings.answer_style else ""
        usage = History(settings.db_path).usage_stats(style_since=style_since)
        imported = PastExamples(settings.db_path).count()
        from core.team_questions import figures

        team = figures(lib.db.conn())
    measured = advisor.measure(library_stats, usage, advisor.load_selftest(settings), imported, team)
    advice = advisor.advise(answers, measured)
    payload = advice.as_dict()

    def human(p):
        """Plain words only: the codes are for --json."""
        lines = [p["verdict_label"], p["headline"], "", "Why:"]
        lines += [f"- {r}" for r in p["reasons"]]
        lines += ["", "Next steps:"] + [f"{i}. {s}" for i, s in enumerate(p["next_steps"], 1)]
        lines += ["", "Could the model just read everything?", p["long_context"]]
        return "\n".join(lines)

    emit(args, payload, human)
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("ask", parents=[common], help="ask a question; cited answer from the local model")
    p.add_argument("question")
    p.add_argument("--file", help="only use this document")
    add_as_option(p)
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("advise", parents=[common], help="look things up or train a model? advice from a JSON file of answers")
    p.add_argument("answers")
    p.set_defaults(func=cmd_advise)
