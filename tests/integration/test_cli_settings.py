"""Settings and the database as the command line meets them: a bad value of any setting,
a database that does not answer or a SQLite file that is not there ends every command in
one line that names the variable or the path, with a non-zero exit and nothing created."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from click.testing import Result
from typer.testing import CliRunner

from cuiot.entrypoints.cli import app
from cuiot.entrypoints.cli.runtime import set_container
from cuiot.entrypoints.http.asgi import create_app
from cuiot.entrypoints.settings import Settings
from cuiot.entrypoints.settings_errors import env_name

runner = CliRunner()
SECRET = "hunter2"  # never printed back
ID = "00000000-0000-0000-0000-000000000001"

# A value CUIOT cannot use, for every setting that can be wrong.
BAD_VALUES = {
    "database_url": "garbage",
    "database_read_url": f"mysql://cuiot:{SECRET}@replica/cuiot",
    "redis_url": "http://127.0.0.1:6379",
    "mqtt_url": f"tcp://cuiot:{SECRET}@broker:1883",
    "mqtt_shared_group": "cuiot/eu",
    "mqtt_embedded_port": "70000",
    "device_command_timeout_seconds": "0",
    "jwt_secret": SECRET,
    "bcrypt_rounds": "3",
    "access_token_minutes": "0",
    "refresh_token_days": "-1",
    "rate_limit_per_minute": "abc",
    "max_body_bytes": "0",
    "max_mqtt_payload_bytes": "0",
    "worker_metrics_port": "70000",
    "smtp_url": f"mail://cuiot:{SECRET}@smtp.example.com",
    "webhook_secret": SECRET,
    "public_url": "https://cuiot.example.com/?next=/console",
    "sms_inbound_secret": "short",
    "sms_webhook_url": f"ftp://sms.example.com/{SECRET}",
    "push_webhook_url": f"push.example.com/{SECRET}",
    "push_provider": "apns",
    "fcm_url": "fcm.googleapis.com/v1/projects/cuiot/messages:send",
    "notification_timeout_seconds": "nan",
    "dispatch_tick_seconds": "0",
    "escalation_timeouts": "low=5",
    "scheduler_tick_seconds": "-1",
    "timezone": "Mars/Olympus_Mons",
    "cors_origins": "app.example.com",
    "log_format": "xml",
}
ANY_VALUE_WORKS = {"redis_prefix", "mqtt_client_id", "fcm_token", "worker_metrics_host"}

# Arguments that get each command past its own parsing to where it meets the settings.
SAMPLE_ARGS: dict[str, list[str]] = {
    "seed": [], "serve": [], "worker": [], "db upgrade": [], "db current": [],
    "admin create": ["--email", "root@example.com", "--password", "una clave larga"],
    "users list": [], "users grant-role": [ID, "caregiver"],
    "users revoke-role": [ID, "caregiver"], "packages list": [],
    "packages create": ["--type", "basic", "--name", "Básico", "--monthly-cents", "100",
                        "--max-users", "1", "--max-devices", "1", "--max-storage-gb", "1",
                        "--support", "chat"],
    "packages deactivate": [ID], "billing run": [], "referrals expire": [],
    "alerts list": [], "alerts ack": [ID], "alerts resolve": [ID], "devices list": [],
    "devices simulate": [], "commissions list": [], "commissions pay": [ID],
    "devices rejected": [], "devices reactivate": [ID], "devices move": [ID, "--to", ID],
    "devices rotate-key": [ID], "audit list": [],
    "users deactivate": [ID], "users reactivate": [ID], "users erase": [ID, "--yes"],
    "persons deactivated": [], "persons deactivate": [ID], "persons reactivate": [ID],
    "persons erase": [ID, "--yes"],
}
SAMPLE_ARGS["packages update"] = [ID, *SAMPLE_ARGS["packages create"]]
# Commands that never open the database (the simulator only talks MQTT).
WITHOUT_DATABASE = {"devices simulate"}


def command_names(command: Any = None, path: tuple[str, ...] = ()) -> Iterator[str]:
    command = command or typer.main.get_command(app)
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        yield " ".join(path)
        return
    for name, sub in subcommands.items():
        yield from command_names(sub, (*path, name))


@pytest.fixture
def cuiot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The real command line on settings from the environment, in an empty folder."""
    for field in Settings.model_fields:
        monkeypatch.delenv(env_name(field), raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CUIOT_JWT_SECRET", "s" * 40)
    set_container(None)

    def invoke(command: str, env: dict[str, str] | None = None) -> Result:
        try:
            return runner.invoke(app, [*command.split(), *SAMPLE_ARGS.get(command, [])],
                                 env=env)
        finally:
            set_container(None)

    yield invoke
    set_container(None)


def assert_one_line(result: Result, *words: str) -> None:
    assert result.exit_code != 0, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output and SECRET not in result.output
    for word in words:
        assert word in result.stderr


def test_every_setting_that_can_be_wrong_has_a_case():
    assert set(BAD_VALUES) | ANY_VALUE_WORKS == set(Settings.model_fields)


def test_every_command_has_sample_arguments():
    assert set(SAMPLE_ARGS) == set(command_names())


@pytest.mark.parametrize("field", sorted(BAD_VALUES))
def test_a_bad_setting_is_one_line_naming_the_variable(cuiot, field):
    result = cuiot("alerts list", {env_name(field): BAD_VALUES[field]})
    assert_one_line(result, env_name(field), "for example")


@pytest.mark.parametrize("command", sorted(SAMPLE_ARGS))
def test_every_command_checks_the_settings_first(cuiot, tmp_path, command):
    result = cuiot(command, {"CUIOT_LOG_FORMAT": "xml"})
    assert_one_line(result, "CUIOT_LOG_FORMAT='xml'", "'text' or 'json'")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", sorted(set(SAMPLE_ARGS) - WITHOUT_DATABASE - {"db upgrade"}))
def test_a_missing_sqlite_file_is_named_and_not_created(cuiot, tmp_path, command):
    result = cuiot(command)
    assert_one_line(result, f"no database at {tmp_path / 'cuiot.db'}", "cuiot db upgrade")
    assert list(tmp_path.iterdir()) == []


def test_db_upgrade_creates_the_file_and_says_where(cuiot, tmp_path):
    result = cuiot("db upgrade")
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "cuiot.db") in result.stdout
    assert cuiot("db current").exit_code == 0


def test_db_upgrade_refuses_a_folder_that_is_not_there(cuiot, tmp_path):
    missing = tmp_path / "nowhere" / "cuiot.db"
    result = cuiot("db upgrade", {"CUIOT_DATABASE_URL": f"sqlite+aiosqlite:///{missing}"})
    assert_one_line(result, f"no folder {missing.parent}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["alerts list", "db current", "db upgrade", "serve"])
def test_a_postgresql_nothing_listens_on_is_one_line_naming_the_url(cuiot, command):
    url = f"postgresql+asyncpg://cuiot:{SECRET}@127.0.0.1:9/cuiot"  # port 9: discard
    result = cuiot(command, {"CUIOT_DATABASE_URL": url})
    assert_one_line(result, "postgresql+asyncpg://cuiot:***@127.0.0.1:9/cuiot")


def test_a_replica_nothing_listens_on_is_named_as_such(cuiot):
    cuiot("db upgrade")
    url = f"postgresql+asyncpg://cuiot:{SECRET}@127.0.0.1:9/replica"
    result = cuiot("alerts list", {"CUIOT_DATABASE_READ_URL": url})
    assert_one_line(result, "127.0.0.1:9/replica (CUIOT_DATABASE_READ_URL)")


def test_the_readme_escalation_tip_works(cuiot):
    cuiot("db upgrade")
    result = cuiot("db current", {"CUIOT_ESCALATION_TIMEOUTS": "critical=10"})
    assert result.exit_code == 0, result.output


def test_serve_with_workers_checks_the_settings_before_starting_any(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUIOT_")}
    result = subprocess.run(
        [sys.executable, "-m", "cuiot.entrypoints.cli", "serve", "--workers", "2",
         "--port", "9"], env=env | {"CUIOT_RATE_LIMIT_PER_MINUTE": "abc"}, cwd=tmp_path,
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("error: CUIOT_RATE_LIMIT_PER_MINUTE='abc'")
    assert result.stderr.count("\n") == 1 and list(tmp_path.iterdir()) == []


def test_the_asgi_factory_refuses_a_bad_setting_in_one_line(monkeypatch):
    monkeypatch.setenv("CUIOT_LOG_FORMAT", "xml")
    with pytest.raises(SystemExit) as ended:
        create_app()
    message = str(ended.value.code)
    assert message.startswith("error: CUIOT_LOG_FORMAT='xml'") and "\n" not in message


def test_version(cuiot):
    from importlib.metadata import version

    result = cuiot("--version")
    assert result.exit_code == 0 and result.stdout == f"cuiot {version('cuiot')}\n"


def test_flags_show_no_type_in_the_help(cuiot):
    result = cuiot("alerts list --help")
    assert result.exit_code == 0 and "--json" in result.stdout
    assert "<bool>" not in result.stdout
    assert "<int>" in result.stdout  # options that take a value still show it
