"""``selftest``: "check my library" without the browser -- how findable are the documents?"""
from __future__ import annotations

from core.cli.common import emit, library_from, settings_from, stderr_progress


def _model(args, settings):
    """The Ollama client and model when Ollama is running and the model is downloaded; else (None, None)."""
    if args.no_model:
        return None, None
    from core.llm import OllamaService

    llm = OllamaService.from_settings(settings)
    try:
        if llm.status().running and llm.has_model(settings.model):
            return llm, settings.model
    except Exception:  # any trouble asking: questions are written from the text instead
        pass
    return None, None


def cmd_selftest(args) -> int:
    from core.errors import UsageError
    from core.selftest import run, save

    if args.questions < 1:
        raise UsageError("--questions must be 1 or more.")
    settings = settings_from(args)
    lib = library_from(args)
    llm, model = _model(args, settings)
    report = run(lib, llm=llm, model=model, limit=args.questions, progress=stderr_progress(args))
    save(report, settings.data_dir)

    def human(payload):
        lines = [report.sentence(), f"Findability: {round(payload['findability'] * 100)} out of 100."]
        for d in payload["documents"]:
            if d["hard"]:
                lines.append(f"Hard to find: {d['file']}. " + " ".join(d["reasons"]))
        if not payload["hard_documents"] and payload["questions"]:
            lines.append("No document stood out as hard to find.")
        return "\n".join(lines)

    emit(args, report.as_dict(), human)
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("selftest", parents=[common], help="check how findable your documents are")
    p.add_argument("--questions", type=int, default=60, help="how many questions to write (default 60)")
    p.add_argument("--no-model", action="store_true", help="write questions from the text even if Ollama is running")
    p.set_defaults(func=cmd_selftest)
