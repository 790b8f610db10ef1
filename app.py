"""textmine's Streamlit app: `streamlit run app.py` (store: $TEXTMINE_STORE or data/textmine.duckdb)."""

from textmine.app.main import main

main()
