"""Run real `textmine` CLI commands in forked children of one warm process, so tests can SIGKILL many runs.

A fresh interpreter spends seconds importing the package before a command does any work; this server
imports it once and forks a child per command (the child runs the Typer app exactly as the
``textmine`` script does, with its output sent to /dev/null). Protocol on stdin/stdout, one line each:
the test sends a JSON list of CLI arguments, the server answers the child's pid, then its exit status
(as ``os.waitpid`` gives it) once the child ends. Start it with ``python -m fuzz.killable`` from ``tests/``.
"""

from __future__ import annotations

import json
import os
import sys


def serve() -> None:
    """Answer commands from stdin until it closes."""
    import textmine.ingest.table  # noqa: F401  (the imports a command pays for, paid once here)
    import textmine.pipeline  # noqa: F401
    from textmine.cli import app

    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            code = 1  # an uncaught error in the command exits 1, as it would in the script
            try:
                app(json.loads(line), prog_name="textmine")
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
            finally:
                os._exit(code)
        print(pid, flush=True)
        print(os.waitpid(pid, 0)[1], flush=True)


if __name__ == "__main__":
    serve()
