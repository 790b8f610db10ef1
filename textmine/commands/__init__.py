"""Command-line commands kept out of ``textmine.cli``, each module registering its own on the app."""
