"""Accounts and signing in (issue 20): the people who may use Groundwork when it is shared with staff.

- ``passwords``: argon2id hashing (argon2-cffi) and the rules a new password and name follow.
- ``people``: the owner's list: add, disable, enable, remove, reset a password, unlock.
- ``signin``: signing in (with wrong passwords slowing down, then a pause), sessions, signing out.
- ``web``: the sign-in and sign-out pages the web guard serves itself (no Streamlit).

Sessions are rows in ``login_sessions``: the browser holds a random token in an HttpOnly, SameSite=Strict
cookie; the database keeps only its sha256, so a copy of the database file signs nobody in. Ending a
session is deleting its row: every page run and every new connection looks the row up again, so a
sign-out, a password change, a disabled or removed account takes effect at the next click.
"""
from core.accounts.people import Person, People
from core.accounts.signin import SESSION_HOURS, SignIn, SignInResult

__all__ = ["People", "Person", "SignIn", "SignInResult", "SESSION_HOURS"]
