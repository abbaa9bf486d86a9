"""A dbt process started before its step: `python -m cx_metrics.dbt_worker`.

Importing dbt and its DuckDB adapter takes seconds of CPU before dbt reads its
project. The guarded build starts this process ahead of each dbt step, while it
copies the warehouse file or runs the checks of the layer before, and sends it
the step's command once that is known: one JSON line on stdin,
{"args": [dbt's command-line arguments], "env": {variables to set first}}. The
process then runs dbt as its command line does (same output, same exit code:
0 success, 1 failing nodes, 2 an error) and exits. End of input instead of a
command: it exits with 0 having run nothing (a build that stopped earlier).

The warehouse file is opened only once the command runs, so the worker can start
before the file it will build exists (cx_metrics.pipeline, `DbtWorker`).
"""

from __future__ import annotations

import json
import os
import sys


def main() -> int:
    import dbt.adapters.duckdb  # noqa: F401  (the adapter's import is part of the start-up)
    from dbt.cli.main import dbtRunner

    line = sys.stdin.readline()
    if not line.strip():
        return 0
    command = json.loads(line)
    os.environ.update(command.get("env", {}))
    result = dbtRunner().invoke(command["args"])
    if result.success:
        return 0
    return 2 if result.exception is not None else 1


if __name__ == "__main__":
    sys.exit(main())
