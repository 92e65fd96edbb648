"""The servers the test command starts where none answers: a PostgreSQL cluster and a
Redis of their own, on loopback ports, gone afterwards."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import redis
from sqlalchemy.engine import make_url

from tests.support.redis_server import throwaway_redis
from tests.support.servers import port_answers, throwaway_postgres


def test_a_throwaway_postgres_starts_answers_and_is_removed():
    with throwaway_postgres() as url:
        parsed = make_url(url)
        dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)

        async def ask() -> tuple[int, str]:
            conn = await asyncpg.connect(dsn)
            try:
                return await conn.fetchval("SELECT 1"), await conn.fetchval(
                    "SELECT current_setting('data_directory')")
            finally:
                await conn.close()

        with ThreadPoolExecutor(1) as pool:
            one, data_dir = pool.submit(asyncio.run, ask()).result()
        assert one == 1 and parsed.host == "127.0.0.1" and parsed.port != 5432
        owner = Path(data_dir).stat().st_uid
        assert os.geteuid() != 0 or owner != 0  # the server never runs as root
    assert not port_answers("127.0.0.1", parsed.port)
    assert not Path(data_dir).exists()


def test_a_throwaway_redis_starts_answers_and_stops():
    with throwaway_redis() as url:
        client = redis.Redis.from_url(url)
        assert client.ping() and client.connection_pool.connection_kwargs["port"] != 6379
        port = client.connection_pool.connection_kwargs["port"]
        client.close()
    assert not port_answers("127.0.0.1", port)
