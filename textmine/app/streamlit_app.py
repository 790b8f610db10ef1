"""The Streamlit script that ``textmine app`` runs: shipped inside the package, so the app starts from any
install (``streamlit run app.py`` in a checkout does the same)."""

from textmine.app.main import main

main()
