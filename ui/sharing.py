"""Setup's "Let my staff use Groundwork from their computers": the switch, the address, the QR code.

Thin: ``core.sharing.switch`` turns sharing on (only with an owner account) and off, and says what to
type; the keeper (``runtime.get_sharing``, started by app.py) opens and closes the office listener. The
switch applies the change at once (it asks the keeper to look now) rather than within the second the
keeper takes to notice a change made with ``python -m core share``.
"""
from __future__ import annotations

import streamlit as st

from core import runtime
from core.errors import AppError
from core.sharing.switch import FIRST_VISIT, NO_OWNER_HERE, describe, qr_png, turn_off, turn_on
from ui import webguard

KEY = "setup_sharing"
TITLE = "Let my staff use Groundwork from their computers"


def _keeper():
    try:
        return runtime.get_sharing(webguard.set_sharing_hosts)
    except Exception:  # the page still shows the switch; app.py logged the details
        return None


def _flip() -> None:
    settings = runtime.get_settings()
    try:
        if st.session_state.get(KEY):
            turn_on(settings, NO_OWNER_HERE)
        else:
            turn_off(settings)
    except AppError as exc:  # no owner account yet: the switch stays off and says why
        st.session_state[KEY] = False
        st.session_state.setup_sharing_problem = exc.user_message
        return
    st.session_state.setup_sharing_problem = None
    keeper = _keeper()
    if keeper is not None:
        keeper.apply()  # open or close the office listener now, before the page is drawn again


def sharing_section() -> None:
    settings = runtime.get_settings()
    st.subheader("👥 " + TITLE)
    st.session_state[KEY] = settings.sharing  # the switch shows the setting, however it was last changed
    st.toggle("Share Groundwork on the office network", key=KEY, on_change=_flip)
    problem = st.session_state.pop("setup_sharing_problem", None)  # said once, next to the switch
    if not settings.sharing:
        if problem:
            st.warning(problem, icon="👤")
        st.caption("Off: Groundwork can be opened only on this computer, without signing in. On: the people you "
                   "add in People sign in from their own computers on the office network, and so do you.")
        return
    keeper = _keeper()
    status = keeper.status() if keeper is not None else None
    if status is not None and status.error:
        st.error(status.error)
        return
    shared = describe(settings)
    if not shared.addresses:
        st.warning("Groundwork couldn't find this computer's address on the office network; check that it is "
                   "connected to the network, then open Setup again.")
        return
    if status is not None and status.serving:
        st.success("Your staff can use Groundwork now: everyone signs in with the name and password you gave them.",
                   icon="🟢")
    else:
        st.info("Groundwork is starting its office-network connection; this takes a second or two.")
    main, *others = shared.addresses
    left, right = st.columns([3, 1], vertical_alignment="center")
    with left:
        st.markdown("**On another computer in the office, type this address in the browser:**")
        st.code(main, language=None)
        if others:
            st.caption("It also works as " + ", ".join(f"`{o}`" for o in others) + ".")
        st.caption(FIRST_VISIT)
        st.caption("Staff can connect while Groundwork runs on this computer and has been opened here once since "
                   "it was started. Turning this off disconnects everyone using this address at once.")
    with right:
        st.image(qr_png(main), caption="Or scan this with a phone or tablet on the office Wi-Fi.", width=170)
