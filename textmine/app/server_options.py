"""Streamlit server options of the app, in one place: `textmine app` passes them on the command line, so they
hold wherever it runs; `.streamlit/config.toml` in a checkout repeats them for `streamlit run app.py`
(a test keeps the two equal)."""

from __future__ import annotations

STREAMLIT_OPTIONS: dict[str, dict[str, object]] = {
    # Megabytes per uploaded file, for any st.file_uploader (each uploader also names its file types).
    "server": {"maxUploadSize": 20},
    # Viewers see no developer menu items (the "Deploy" button, rerun, clear cache).
    "client": {"toolbarMode": "minimal"},
    # No full garbage collection after every script run: with the models and DuckDB loaded it took ~0.23 s of
    # each ~0.3 s filter change (bench/app_load.py); Python's own generational collection still runs.
    "runner": {"postScriptGC": False},
}


def command_line_flags() -> list[str]:
    """``--section.option value`` pairs for ``streamlit run``."""
    return [item for section, options in STREAMLIT_OPTIONS.items() for name, value in options.items()
            for item in (f"--{section}.{name}", str(value).lower() if isinstance(value, bool) else str(value))]
