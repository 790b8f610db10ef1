"""spaCy language classes that spaCy itself lacks (Kazakh)."""
