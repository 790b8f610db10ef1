"""The Streamlit app over the store: overview, themes, services, quotes, label review, crosstab, discovery.

Start it with ``streamlit run app.py`` from the project root (store: ``$TEXTMINE_STORE`` or
``data/textmine.duckdb``).
"""
