"""Groundwork: ask your company's documents, privately, on this computer.

Navigation, the sidebar status and the one error boundary; every page lives in pages/
(each page's first call, ``runtime.page_setup()``, makes a page address opened as the
first visit still go through this file).
"""
from pathlib import Path

import streamlit as st

from core import runtime
from core.errors import AppError
from core.render import literal_markdown
from ui import style

st.set_page_config(page_title="Groundwork", page_icon="📚", layout="wide")

HERE = Path(__file__).parent
PAGES = [
    ("pages/chat.py", "Ask your documents", "💬", True),
    ("pages/documents.py", "Documents", "📄", False),
    ("pages/find.py", "Find in my documents", "🔎", False),
    ("pages/selftest.py", "Check my library", "✅", False),
    ("pages/advisor.py", "Fine-tuning advisor", "🧭", False),
    ("pages/style.py", "Answer style", "✍️", False),
    ("pages/setup.py", "Setup", "⚙️", False),
]

nav = st.navigation(
    [
        st.Page(str(HERE / path), title=title, icon=icon, default=default)
        for path, title, icon, default in PAGES
        if (HERE / path).exists()
    ]
)

style.inject()

with st.sidebar:
    st.markdown("### 📚 Groundwork")
    st.caption("Private: your files and questions stay on this computer.")
    try:
        stats = runtime.get_library().stats()
        if stats.documents:
            st.markdown(
                f"**Library:** {stats.documents} document{'s' if stats.documents != 1 else ''}, "
                f"{stats.pages:,} pages"
            )
        else:
            st.markdown("**Library:** empty — add files on the Documents page.")
    except Exception:  # the page itself explains library problems
        st.markdown("**Library:** not available right now.")
    settings = runtime.get_settings()
    try:
        status = runtime.ollama_status(settings.ollama_host)
        if not status["running"]:
            st.markdown("🔴 **Model:** Ollama isn't running — see Setup.")
        elif runtime.model_downloaded(status, settings.model) is False:
            st.markdown(f"🟡 **Model:** {literal_markdown(settings.model)} isn't downloaded yet — see Setup.")
        else:
            st.markdown(f"🟢 **Model:** {literal_markdown(settings.model)}")
    except ImportError:
        pass

try:
    nav.run()
except AppError as exc:  # the one error boundary: pages handle only what they can recover from
    st.error(exc.user_message)
