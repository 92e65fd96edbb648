"""Ingest throughput: normal readings through the real use case and unit of work (one
transaction per message, as the MQTT consumer commits before acknowledging) against a
baseline measured in the same run — a raw insert of the same event and message rows,
one transaction per message and then in one batch.

    .venv/bin/python bench/ingest.py [--messages 500] [--postgres URL]

Without --postgres it uses the PostgreSQL on 127.0.0.1:5432 when one answers (a database
made for the run and dropped), and SQLite in a temp dir always. Prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from cuiot.adapters.memory.system import FixedClock, PlainPasswordHasher  # noqa: E402
from cuiot.adapters.persistence.database import create_engine  # noqa: E402
from cuiot.adapters.persistence.migrate import upgrade  # noqa: E402
from cuiot.adapters.persistence.tables.safety import device_messages, events  # noqa: E402
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork  # noqa: E402
from cuiot.adapters.system import SecretsRandomSource, Uuid4IdGenerator  # noqa: E402
from cuiot.application.care import AddCaredPerson, AddCaredPersonCommand  # noqa: E402
from cuiot.application.devices import RegisterDevice, RegisterDeviceCommand  # noqa: E402
from cuiot.application.ingest import IngestReading, IngestReadingCommand  # noqa: E402
from cuiot.application.users import RegisterUser, RegisterUserCommand  # noqa: E402
from cuiot.domain.policy import DEFAULT_POLICY  # noqa: E402
from tests.support.servers import fresh_postgres_database, port_answers  # noqa: E402

NOW = datetime.now(timezone.utc)
READING = {"systolic": 122, "diastolic": 79, "pulse": 71}


async def _setup(engine, clock, ids):  # noqa: ANN001, ANN202
    uow = lambda: SqlAlchemyUnitOfWork(engine)  # noqa: E731
    user = await RegisterUser(uow(), clock, ids, PlainPasswordHasher(), DEFAULT_POLICY)(
        RegisterUserCommand("bench@example.com", "una clave larga", "B", "E",
                            date_of_birth=date(1970, 1, 1)))
    person = await AddCaredPerson(uow(), clock, ids, DEFAULT_POLICY)(
        AddCaredPersonCommand(user.id, "R", "F", date_of_birth=date(1940, 1, 1)))
    registered = await RegisterDevice(uow(), clock, ids, SecretsRandomSource(), DEFAULT_POLICY)(
        RegisterDeviceCommand(user.id, "bench-bp", "BP", "blood_pressure", person.id))
    return registered.device, person


async def _through_use_case(engine, clock, ids, n: int) -> float:  # noqa: ANN001
    started = time.perf_counter()
    for i in range(n):
        await IngestReading(SqlAlchemyUnitOfWork(engine), clock, ids, DEFAULT_POLICY)(
            IngestReadingCommand("bench-bp", f"uc-{i}", "blood_pressure", READING,
                                 ts=NOW - timedelta(seconds=n - i)))
    return time.perf_counter() - started


def _rows(device, person, n: int, tag: str):  # noqa: ANN001, ANN202
    for i in range(n):
        event_id, ts = uuid.uuid4(), NOW - timedelta(seconds=n - i)
        yield ({"id": event_id, "timestamp": ts, "device_pk": device.id,
                "cared_person_id": person.id, "event_type": "blood_pressure", "severity": "low",
                "received_at": NOW, "sensor_data": READING, "msg_id": f"{tag}-{i}",
                "size_bytes": len(json.dumps(READING)), "alert_id": None},
               {"device_pk": device.id, "msg_id": f"{tag}-{i}", "event_id": event_id,
                "event_timestamp": ts})


async def _raw_one_by_one(engine, device, person, n: int) -> float:  # noqa: ANN001
    started = time.perf_counter()
    for event_row, message_row in _rows(device, person, n, "raw1"):
        async with engine.begin() as conn:
            await conn.execute(insert(events), [event_row])
            await conn.execute(insert(device_messages), [message_row])
    return time.perf_counter() - started


async def _raw_batch(engine, device, person, n: int) -> float:  # noqa: ANN001
    rows = list(_rows(device, person, n, "rawb"))
    started = time.perf_counter()
    async with engine.begin() as conn:
        await conn.execute(insert(events), [e for e, _ in rows])
        await conn.execute(insert(device_messages), [m for _, m in rows])
    return time.perf_counter() - started


async def measure(url: str, n: int) -> dict[str, float]:
    engine = create_engine(url)
    clock, ids = FixedClock(NOW), Uuid4IdGenerator()
    try:
        device, person = await _setup(engine, clock, ids)
        return {"use case, a commit per message": n / await _through_use_case(engine, clock, ids, n),
                "raw insert, a commit per message": n / await _raw_one_by_one(engine, device, person, n),
                "raw insert, one batch": n / await _raw_batch(engine, device, person, n)}
    finally:
        await engine.dispose()


def _run(url: str, n: int) -> dict[str, float]:
    with ThreadPoolExecutor(1) as pool:
        pool.submit(upgrade, url).result()
        return pool.submit(asyncio.run, measure(url, n)).result()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--postgres", help="a server URL (postgresql+asyncpg://…/postgres)")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    workdir = Path(tempfile.mkdtemp(prefix="cuiot-bench-"))
    try:
        results["sqlite"] = _run(f"sqlite+aiosqlite:///{workdir / 'bench.db'}", args.messages)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    server = args.postgres or ("postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
                               if port_answers("127.0.0.1", 5432) else None)
    if server:
        with fresh_postgres_database(server) as url:
            results["postgresql"] = _run(url, args.messages)
    print(f"ingest of {args.messages} normal blood-pressure readings (messages per second)")
    print(f"{'database':<12}{'path':<36}{'msg/s':>10}{'vs raw, same commits':>24}")
    for database, figures in results.items():
        baseline = figures["raw insert, a commit per message"]
        for path, rate in figures.items():
            print(f"{database:<12}{path:<36}{rate:>10.0f}{rate / baseline:>23.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
