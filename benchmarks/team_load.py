"""Ten people at once: a real ``streamlit run`` server, ten real browser sessions over its websocket, one model.

What runs: the app itself (``streamlit run app.py`` in a child process, sharing on, a data folder holding the
sample library), and the stand-in Ollama (``tests/ollama_standin.py``, real HTTP on loopback) answering at a
laptop's speed. Each session is a real Streamlit session over the websocket (``tests/webclient.py``: the same
protobuf messages the page's JavaScript sends), signed in as its own staff member with its own session cookie,
so the model's queue sees ten different people (each signed in through the sign-in page with their own password,
as their browser would). Each session opens the chat page, then all ten ask their
question at the same moment (a barrier). A waiting page refreshes its place with a fragment the browser
re-runs on a timer; the sessions here do what the browser does with the server's ``auto_rerun`` message.

The model's speed: a 3B model (llama3.2:3b, Q4_K_M, the recommended one) on a laptop's CPU writes about
``--token-rate`` 15 tokens a second and reads the prompt at about ``--prompt-rate`` 150 tokens a second (a
Raspberry Pi 5 class CPU writes 5-6 a second; a recent laptop CPU without a usable GPU 12-25). So the
stand-in waits (prompt tokens / prompt rate) before its first piece, and 1/token-rate seconds before each
piece, one piece being one word-sized token.

Measured per person, from sending the question: seconds to the first word of their answer on their screen,
and to the end (the answer saved and shown). Checked: every answer delivered, and each session shows the
answer to its own question (the one the stand-in wrote for that session's prompt), saved in its own
conversation. The server's peak memory is its process tree's resident memory (streamlit and any child
process), sampled every 50 ms. Baseline, in the same run and the same server: one person asking alone.

Prints one JSON object on stdout; progress on stderr. No network beyond loopback.
Run: ``python benchmarks/team_load.py [--people 10] [--token-rate 15] [--prompt-rate 150]``
"""
from __future__ import annotations

import argparse
import re
import secrets
import sqlite3
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402 — found through the sys.path line above; it switches telemetry off first
from common import log  # noqa: E402

MODEL = "llama3.2:3b"
OPENING = "Per the documents,"  # every stand-in answer starts so: its first word on screen is easy to spot
QUESTIONS = [
    "How often do we get paid, and on which day of the week?",
    "How many days of vacation does a full-time employee get each year?",
    "How much does a basic tune-up cost?",
    "What is the security deposit for renting an e-bike?",
    "Can a customer return a bike after 45 days?",
    "What time does the Eastbridge store close on Thursdays?",
    "What discount do employees get when they buy a new bike?",
    "How long does it take to charge a Volt battery?",
    "What happens if I bring my rental back two hours late?",
    "What is the warranty on an e-bike battery?",
    "Who do I call when the alarm goes off at night?",
    "How much is a spare Volt battery?",
]


# --------------------------------------------------------------------------- the model, at a laptop's speed


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def answer_for(request: dict) -> str:
    """What the stand-in answers: the first full sentence of source 1, cited (each question's own)."""
    from tests.prompts import sources_in

    first = " ".join(sources_in(request)[0]["text"].split())
    sentence = next((s for s in re.split(r"(?<=[.!?])\s+", first) if len(s.split()) > 6), first).rstrip(".")
    return f"{OPENING} {sentence[:1].lower()}{sentence[1:]} [1]."


MODEL_SECONDS: dict[str, float] = {}  # question -> how long the stand-in took to answer it (reading + writing)


def laptop_reply(prompt_rate: float, token_rate: float):
    from tests.ollama_standin import Delay, Reply

    def reply(request: dict):
        text = answer_for(request)
        prompt_tokens = sum(len(str(m.get("content", ""))) for m in request["messages"]) / 4
        tokens = re.findall(r"\S+\s*", text)  # about one token a word
        question = next((q for q in QUESTIONS if q in request["messages"][-1]["content"]), "")
        MODEL_SECONDS[question] = prompt_tokens / prompt_rate + len(tokens) / token_rate
        return Delay(prompt_tokens / prompt_rate, Reply(tokens, piece_delay=1.0 / token_rate))

    return reply


# --------------------------------------------------------------------------- the app's data folder


def prepare(data_dir: Path, people: int) -> dict[str, str]:
    """The sample library, sharing on, an owner and a staff account per person: name -> password."""
    from core.accounts import People
    from core.db import Database
    from core.ingest import add_files
    from core.library import Library
    from core.samples import sample_items
    from core.settings import save_setting

    settings = common.groundwork_settings(data_dir)
    library = Library(settings)
    add_files(library, sample_items())
    save_setting(settings, "sharing", True)
    accounts = People(Database(settings.db_path))
    accounts.add("owner", "owner", secrets.token_urlsafe(16))
    passwords = {}
    for i in range(people + 2):  # one to warm up, one alone (the baseline), then the crowd
        name = f"staff{i:02d}"
        passwords[name] = secrets.token_urlsafe(16)
        accounts.add(name, "staff", passwords[name])
    return passwords


def sign_in_all(url: str, passwords: dict[str, str]) -> dict[str, str]:
    """Each person signs in through the sign-in page (as their browser would): name -> their session cookie."""
    from tests.webclient import Session, session_cookie, sign_in

    with Session(url) as first:  # the first run of app.py puts the sign-in guard in front of the server
        first.run()
    cookies = {}
    for name, password in passwords.items():
        reply = sign_in(url, name, password)
        if reply.status >= 400:
            raise SystemExit(f"{name} could not sign in (HTTP {reply.status})")
        cookies[name] = session_cookie(reply)
    return cookies


# --------------------------------------------------------------------------- one person in a browser session


def card_text(body: str) -> str:
    """The finished answer's markdown as a reader sees it: each citation chip as its number, tooltips left out."""
    import html

    body = re.sub(r"<span class='gw-tip'[^>]*>.*?</span></a>", "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


class Person(threading.Thread):
    """One browser session: open the chat page, wait for everyone, ask, keep the page's timers, read the answer."""

    def __init__(self, url: str, cookie: str, question: str, start: threading.Barrier):
        super().__init__(daemon=True)
        self.url, self.cookie, self.question, self.start_line = url, cookie, question, start
        self.asked = self.first_word = self.done = None
        self.shown = ""  # the finished answer on this session's screen
        self.error = ""
        self.places: list[str] = []  # "n questions ahead of yours" as shown

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # reported in the JSON (an answer not delivered), never hidden
            self.error = f"{type(exc).__name__}: {exc}"
            try:
                self.start_line.abort()
            except threading.BrokenBarrierError:
                pass

    def _run(self) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        from tests.webclient import Session

        session = Session(self.url, self.cookie)
        ids = {}
        for msg in session.run(""):
            if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                kind = element.WhichOneof("type")
                if kind == "chat_input" or (kind == "button" and element.button.id.endswith("chat_new")):
                    ids[kind] = getattr(element, kind).id
        if set(ids) != {"chat_input", "button"}:
            raise RuntimeError("the chat page drew no question box or no New conversation button")
        new = BackMsg()  # "New conversation" first: each person's question starts a conversation of its own
        new.rerun_script.page_name = ""
        click = new.rerun_script.widget_states.widgets.add()
        click.id, click.trigger_value = ids["button"], True
        session.ws.send(new.SerializeToString())
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(session.ws.recv(timeout=300))
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                break
        chat_id = ids["chat_input"]
        self.start_line.wait(600)
        back = BackMsg()
        back.rerun_script.page_name = ""
        state = back.rerun_script.widget_states.widgets.add()
        state.id = chat_id
        state.chat_input_value.data = self.question
        self.asked = time.perf_counter()
        session.ws.send(back.SerializeToString())
        timer: tuple[str, float] | None = None  # the waiting fragment's id and interval
        next_tick = 0.0
        running = True
        while self.done is None:
            wait = 600.0 if timer is None or running else max(0.01, next_tick - time.perf_counter())
            try:
                raw = session.ws.recv(timeout=wait)
            except TimeoutError:
                fragment = BackMsg()
                fragment.rerun_script.page_name = ""
                fragment.rerun_script.fragment_id = timer[0]
                fragment.rerun_script.is_auto_rerun = True
                session.ws.send(fragment.SerializeToString())
                running = True
                continue
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "auto_rerun":
                timer = (msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
            elif kind == "stop_auto_rerun":
                timer = None
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                body = element.markdown.body if element.WhichOneof("type") == "markdown" else ""
                if element.WhichOneof("type") == "alert" and "ahead of yours" in element.alert.body:
                    self.places.append(element.alert.body.split(".")[0])
                if element.WhichOneof("type") == "exception" or (
                        element.WhichOneof("type") == "alert" and "went wrong" in element.alert.body):
                    raise RuntimeError(f"the page failed: {element}")
                if body.startswith(OPENING.split()[0]):
                    if self.first_word is None:
                        self.first_word = time.perf_counter()  # the first words streaming in
                    if "gw-cite" in body:
                        self.shown = card_text(body)  # the answer as kept and shown, its [1] chip drawn
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the next run starts at once
                running = False
                if timer is not None:
                    next_tick = time.perf_counter() + timer[1]
                if self.first_word is not None and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    self.done = time.perf_counter()  # the run after saving: the answer shown as kept
        session.close()


# --------------------------------------------------------------------------- the server's memory


class ServerMemory(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            tree = [self.pid, *common._descendants(self.pid)]
            self.peak_kib = max(self.peak_kib, sum(common._rss_kib(p) for p in tree))
            self.stop.wait(0.05)

    @property
    def mb(self) -> float:
        return round(self.peak_kib / 1024.0, 1)


# --------------------------------------------------------------------------- the run


def round_trip(url: str, cookies: dict[str, str], names: list[str], questions: list[str]) -> list[Person]:
    start = threading.Barrier(len(names))
    people = [Person(url, cookies[n], q, start) for n, q in zip(names, questions)]
    for p in people:
        p.start()
    for p in people:
        p.join(1800)
    return people


def summary(people: list[Person]) -> dict:
    delivered = [p for p in people if p.done is not None and not p.error]
    first = [p.first_word - p.asked for p in delivered]
    end = [p.done - p.asked for p in delivered]

    def stats(xs):
        if not xs:
            return None
        return {"p50": round(common.percentile(xs, 50), 2), "p95": round(common.percentile(xs, 95), 2),
                "max": round(max(xs), 2)}

    return {"asked": len(people), "delivered": len(delivered), "first_word_s": stats(first), "end_s": stats(end),
            "errors": [p.error for p in people if p.error]}


def check_own_answers(people: list[Person], bodies: list[dict], db_path: Path) -> dict:
    """Each session showed the stand-in's answer to its own prompt, and kept it in a conversation of its own."""
    expected = {}
    for body in bodies:
        question = next(q for q in QUESTIONS if q in body["messages"][-1]["content"])
        expected[question] = words(answer_for(body))
    shown_right = 0
    for p in people:
        if p.shown and words(p.shown) == expected.get(p.question):
            shown_right += 1
        else:
            log(f"not shown as written: {p.question!r}\n  shown:    {p.shown!r}\n  expected: {expected.get(p.question)}")
    distinct = len({tuple(v) for v in expected.values()}) == len(expected)
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT conversation_id, role, content FROM messages ORDER BY id").fetchall()
    conn.close()
    by_conv: dict[int, list] = {}
    for conv, role, content in rows:
        by_conv.setdefault(conv, []).append((role, content))
    kept_right = sum(1 for msgs in by_conv.values()
                     if len(msgs) == 2 and msgs[0][0] == "user" and words(msgs[1][1]) == expected.get(msgs[0][1]))
    return {"model_calls": len(bodies), "shown_own_answer": shown_right, "kept_in_own_conversation": kept_right,
            "answers_all_different": distinct, "conversations": len(by_conv)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--token-rate", type=float, default=15.0, help="tokens a second the model writes")
    parser.add_argument("--prompt-rate", type=float, default=150.0, help="prompt tokens a second the model reads")
    args = parser.parse_args()
    common.block_network()
    from tests.browser import streamlit_app
    from tests.ollama_standin import OllamaStandin

    if args.people > len(QUESTIONS) - 2:
        raise SystemExit(f"at most {len(QUESTIONS) - 2} people (one question each; two more warm up and go alone)")
    with common.temp_dir("groundwork-team-load-") as tmp:
        data_dir = tmp / "data"
        log("preparing the sample library and the staff accounts ...")
        passwords = prepare(data_dir, args.people)
        with OllamaStandin(models={MODEL: 2_019_393_189},
                           default_reply=laptop_reply(args.prompt_rate, args.token_rate)) as ollama:
            env = {"GROUNDWORK_DATA_DIR": str(data_dir), "OLLAMA_HOST": ollama.host, "GROUNDWORK_MODEL": MODEL}
            with streamlit_app(env) as url:
                tokens = sign_in_all(url, passwords)
                pid = server_pid(url)
                memory = ServerMemory(pid)
                memory.start()
                idle_mb = round(sum(common._rss_kib(p) for p in [pid, *common._descendants(pid)]) / 1024.0, 1)
                log("warming up (the first search loads the search model) ...")
                warm = round_trip(url, tokens, ["staff00"], [QUESTIONS[-1]])
                log("baseline: one person alone ...")
                alone = round_trip(url, tokens, ["staff01"], [QUESTIONS[-2]])
                alone_mb = memory.mb
                names = [f"staff{i:02d}" for i in range(2, args.people + 2)]
                log(f"{args.people} people at once ...")
                started = time.perf_counter()
                crowd = round_trip(url, tokens, names, QUESTIONS[:args.people])
                wall = time.perf_counter() - started
                memory.stop.set()
                memory.join()
                checks = check_own_answers(warm + alone + crowd, ollama.bodies("/api/chat"), data_dir / "groundwork.db")
    result = {
        "setup": {"people": args.people, "model_speed": {"tokens_per_s": args.token_rate,
                                                          "per_token_delay_s": round(1 / args.token_rate, 4),
                                                          "prompt_tokens_per_s": args.prompt_rate},
                  "sessions": "real streamlit run server, one websocket session per person, each signed in through "
                              "the sign-in page as its own staff member"},
        "together": {**summary(crowd), "wall_s": round(wall, 2),
                     "model_busy_s": round(sum(MODEL_SECONDS.get(p.question, 0.0) for p in crowd), 2),
                     "places_seen": sorted({p for person in crowd for p in person.places})[:12]},
        "alone_baseline": {**summary(alone), "model_busy_s": round(MODEL_SECONDS.get(alone[0].question, 0.0), 2)},
        "server_memory_mb": {"idle": idle_mb, "peak_alone": alone_mb, "peak_together": memory.mb},
        "checks": checks,
        "targets": {"every_answer_delivered": summary(crowd)["delivered"] == args.people,
                    "nothing_crossed": checks["shown_own_answer"] == args.people + 2
                    and checks["kept_in_own_conversation"] == args.people + 2},
    }
    common.emit(result)


def server_pid(url: str) -> int:
    """The pid of the process listening on the server's port (the ``streamlit run`` child)."""
    import os

    port = int(url.rsplit(":", 1)[1])
    inodes = set()
    with open("/proc/net/tcp", encoding="ascii") as f:
        for line in list(f)[1:]:
            parts = line.split()
            if int(parts[1].split(":")[1], 16) == port and parts[3] == "0A":
                inodes.add(parts[9])
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(pid)
        except OSError:
            continue
    raise SystemExit("could not find the server's process")


if __name__ == "__main__":
    main()
