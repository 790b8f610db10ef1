"""Opening one of the app's pages in a Streamlit ``AppTest`` (shared by the app's test modules)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash


def open_page(at: AppTest, page: str) -> AppTest:
    """Open the app's page ``page`` (its url path). AppTest can switch only to file pages, so this sets the
    page hash a browser at ``/<page>`` would request (``st.Page`` hashes its url path); private API, pinned
    by these tests."""
    at._page_hash = calc_hash(page)
    at.run()
    assert not at.exception, at.exception
    return at
