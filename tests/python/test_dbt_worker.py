"""The dbt process a guarded build starts ahead of each dbt step (cx_metrics.dbt_worker):
it runs the one command it is sent as dbt's command line does, with the same exit codes,
and a worker that is sent nothing runs nothing."""

from __future__ import annotations

from pathlib import Path

from cx_metrics.dbt import DbtWorker, dbt_command


def test_a_worker_runs_the_command_it_is_sent_with_its_variables(tmp_path: Path) -> None:
    worker = DbtWorker()
    target = tmp_path / "target"
    command = dbt_command(["parse"], target="duckdb", target_path=target, log_path=tmp_path / "logs")
    output = "".join(worker.run(command, {"CX_DUCKDB_PATH": str(tmp_path / "wh.duckdb")}))
    assert worker.returncode == 0, output
    # dbt's own output, passed through, and its files where the command put them
    assert "Performance info" in output
    assert (target / "manifest.json").exists()
    # the profile read the variable sent with the command: the relations' database is the file's
    assert '"database": "wh"' in (target / "manifest.json").read_text()


def test_a_worker_exits_as_dbt_does_on_an_error(tmp_path: Path) -> None:
    worker = DbtWorker()
    command = dbt_command(["build"], target="no_such_target", log_path=tmp_path / "logs")
    output = "".join(worker.run(command, {}))
    assert worker.returncode == 2
    assert "no_such_target" in output


def test_a_worker_sent_nothing_runs_nothing() -> None:
    worker = DbtWorker()
    worker.cancel()
    assert worker.proc.returncode == 0


def test_a_worker_that_ended_early_reports_its_exit_code(tmp_path: Path) -> None:
    """A worker that died before its command (here killed) raises nothing when sent one: the
    step reads its exit code, and run_dbt_build reports it with the output's tail."""
    worker = DbtWorker()
    worker.proc.kill()
    worker.proc.wait()
    command = dbt_command(["parse"], target="duckdb", log_path=tmp_path / "logs")
    assert list(worker.run(command, {})) == []
    assert worker.returncode == -9
