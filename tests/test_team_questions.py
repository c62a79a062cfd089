"""Whose is what: conversations per person, the team-questions log, its owner page, the advisor's figures,
and "Only me" on the Documents page (real SQLite and library, real pages through AppTest)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from streamlit.testing.v1 import AppTest

from core import team_questions
from core.access import OWNER_HERE, Access
from core.history import History
from core.types import AnswerResult
from tests.conftest import ROOT

SAM, ALEX = Access("Sam", "staff"), Access("Alex", "staff")
MARIA = Access("Maria", "owner")


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_streamlit_cache):
    yield


# -- conversations per person --------------------------------------------------------------------


def test_each_person_lists_and_opens_only_their_own_conversations(settings):
    from core.errors import NotFoundError
    from core.exports import conversation_markdown

    history = History(settings.db_path)
    sams = history.new_conversation(access=SAM)
    history.add_message(sams, "user", "Who has the alarm code?")
    alexs = history.new_conversation(access=ALEX)
    history.add_message(alexs, "user", "What is the deposit on a celebration cake?")
    owners = history.new_conversation()  # the owner on this computer, sharing off
    history.add_message(owners, "user", "What does the lease say about notice?")

    assert [c["id"] for c in history.conversations(SAM)] == [sams]
    assert [c["id"] for c in history.conversations(Access("sam", "staff"))] == [sams]  # names are any case
    assert [c["id"] for c in history.conversations(ALEX)] == [alexs]
    assert [c["id"] for c in history.conversations(OWNER_HERE)] == [owners]
    assert [c["id"] for c in history.conversations(MARIA)] == [owners]  # signed in by name, still theirs
    for who, other in ((SAM, alexs), (ALEX, sams), (SAM, owners), (OWNER_HERE, sams), (MARIA, alexs)):
        with pytest.raises(NotFoundError):
            history.conversation(other, who)
    mine = history.conversation(sams, SAM)
    export = conversation_markdown(mine, history.messages(sams))
    assert "alarm code" in export and "cake" not in export and "lease" not in export


# -- the log ---------------------------------------------------------------------------------------


def test_outcomes_are_read_from_the_answer():
    from core.answer.results import STOPPED_NOTICE

    assert team_questions.outcome_of(AnswerResult(answer="25 days [1].", found=True)) == "answered"
    assert team_questions.outcome_of(AnswerResult(answer="I couldn't find this.", found=False)) == "not_found"
    assert team_questions.outcome_of(AnswerResult(found=False, error_kind="not_running")) == "failed"
    assert team_questions.outcome_of(AnswerResult(answer="Half", found=True, notice=STOPPED_NOTICE)) == "cancelled"
    assert team_questions.outcome_of(AnswerResult(found=True), cancelled=True) == "cancelled"


def test_only_staff_questions_are_logged_and_counted(settings):
    from core.db import Database

    db = Database(settings.db_path)
    now = datetime.now(timezone.utc)
    assert team_questions.record(db, SAM, "Who has the alarm code?", "not_found") is True
    assert team_questions.record(db, ALEX, "Cake deposit?", "answered") is True
    assert team_questions.record(db, SAM, "Opening hours on Sunday?", "failed") is True
    assert team_questions.record(db, SAM, "Old question", "answered", at=now - timedelta(days=45)) is True
    assert team_questions.record(db, MARIA, "Payroll for March?", "answered") is False  # the owner's are their own
    assert team_questions.record(db, OWNER_HERE, "Lease notice?", "answered") is False
    assert team_questions.record(db, None, "Nobody signed in", "answered") is False
    conn = db.conn()
    assert [q.question for q in team_questions.recent(conn)] == [
        "Opening hours on Sunday?", "Cake deposit?", "Who has the alarm code?", "Old question"]
    assert [q.question for q in team_questions.recent(conn, only_unanswered=True)] == [
        "Opening hours on Sunday?", "Who has the alarm code?"]
    f = team_questions.figures(conn)
    assert (f.asked, f.answered, f.not_found, f.failed, f.unanswered, f.people) == (3, 1, 1, 1, 2, 2)
    assert "Payroll" not in str(conn.execute("SELECT * FROM team_questions").fetchall())


def test_the_advisor_reads_the_teams_figures():
    from core.advisor import advise, measure

    figures = team_questions.TeamFigures(asked=14, answered=9, not_found=4, failed=1, people=3)
    measured = measure(None, None, team=figures)
    assert measured["team_questions"].label == (
        "measured from Questions from the team: 14 questions from 3 people in the last 30 days, 5 of them not "
        "answered by your documents")
    advice = advise({}, measured)
    assert any(step.startswith("Open Questions from the team: 5 of your staff's questions") for step in advice.next_steps)
    assert advice.facts["team_questions_basis"] == measured["team_questions"].label
    assert "team_questions" not in measure(None, None, team=team_questions.TeamFigures())


# -- the owner's page --------------------------------------------------------------------------------


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def test_questions_from_the_team_page(settings):
    from core.db import Database

    at = AppTest.from_file(str(ROOT / "pages" / "team.py"), default_timeout=60).run()
    assert not at.exception
    assert "No questions from your team yet" in texts(at)

    db = Database(settings.db_path)
    team_questions.record(db, SAM, "Who has the alarm code?", "not_found")
    team_questions.record(db, ALEX, "What is the deposit on a celebration cake?", "answered")
    at.run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["When", "Who", "Question", "Result"]
    assert list(frame["Who"]) == ["Alex", "Sam"] and list(frame["Result"]) == ["Answered", "Not found"]
    assert [m.value for m in at.metric] == ["2", "1", "1"]
    assert "answers themselves stay in each person's own conversations" in texts(at)
    at.toggle(key="team_only_open").set_value(True).run()
    assert list(at.dataframe[0].value["Question"]) == ["Who has the alarm code?"]


def test_the_team_page_is_the_owners_only(settings, monkeypatch):
    """With sharing on and nobody signed in (AppTest sends no cookie), the page shows one sentence, no log."""
    from core.db import Database
    from core.settings import save_setting

    team_questions.record(Database(settings.db_path), SAM, "Who has the alarm code?", "not_found")
    save_setting(settings, "sharing", True)
    at = AppTest.from_file(str(ROOT / "pages" / "team.py"), default_timeout=60).run()
    assert not at.exception
    from ui.roles import NOT_SIGNED_IN

    assert [i.value for i in at.info] == [NOT_SIGNED_IN]
    assert not at.dataframe and "alarm code" not in texts(at) and not at.title[0].value.startswith("👥")
