"""HTTP load for the read benchmark: ``wrk`` when it is installed (or installable), else
an async httpx generator in a process of its own; and a steady stream of logins.

Both generators answer a ``Load``: requests/s, p50 and p99 latency, and how many
answers were not 2xx (or failed outright).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from bench.common import percentile

WRK_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Load:
    requests: int
    requests_per_second: float
    p50_ms: float | None
    p99_ms: float | None
    failed: int  # non-2xx answers and requests that got no answer


def find_wrk() -> str | None:
    """wrk's path; installed with apt when missing and we may (as the test command does)."""
    if shutil.which("wrk") is None:
        from tests.support.servers import _apt_install

        with contextlib.suppress(RuntimeError, subprocess.CalledProcessError, OSError):
            _apt_install("wrk")
    return shutil.which("wrk")


def run_load(wrk: str | None, url: str, headers: dict[str, str], *, connections: int,
             seconds: float) -> Load:
    """``connections`` clients asking ``url`` for ``seconds``, with wrk or httpx."""
    if wrk is not None:
        return _wrk(wrk, url, headers, connections, seconds)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_httpx_load, (url, headers, connections, seconds))


def _wrk(wrk: str, url: str, headers: dict[str, str], connections: int,
         seconds: float) -> Load:
    argv = [wrk, "--latency", "--timeout", "10s", "-t", "2", "-c", str(connections),
            "-d", f"{max(1, round(seconds))}s"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    out = subprocess.run([*argv, url], check=True, capture_output=True, text=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(
        r"(?:Non-2xx or 3xx responses|connect|read|write|timeout):? (\d+)", out))
    return Load(requests, float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
                _wrk_latency(out, "50"), _wrk_latency(out, "99"), errors)


def _wrk_latency(out: str, percent: str) -> float | None:
    found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    return float(found.group(1)) * WRK_UNITS[found.group(2)] if found else None


def _httpx_load(url: str, headers: dict[str, str], connections: int, seconds: float) -> Load:
    """The fallback generator (run in a spawned process: the benchmark's loop is not ours)."""
    return asyncio.run(_httpx_clients(url, headers, connections, seconds))


async def _httpx_clients(url: str, headers: dict[str, str], connections: int,
                         seconds: float) -> Load:
    latencies: list[float] = []
    failed = 0
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as client:
        deadline = time.perf_counter() + seconds

        async def one_client() -> None:
            nonlocal failed
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    ok = (await client.get(url)).is_success
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - started) * 1000)
                failed += not ok

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    return Load(len(latencies), len(latencies) / elapsed, percentile(latencies, 50),
                percentile(latencies, 99), failed)


@dataclass
class Logins:
    """What the login stream did: how many were sent, answered 200, and the rate."""

    sent: int = 0
    ok: int = 0
    seconds: float = 0.0


@contextlib.contextmanager
def login_stream(base: str, body: dict[str, str], per_second: float) -> Iterator[Logins]:
    """``POST /api/v1/auth/login`` at ``per_second`` (each in flight on its own, so a slow
    one never delays the next) on a thread, until the ``with`` block ends."""
    logins, stop = Logins(), threading.Event()

    async def send() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            async def one() -> None:
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.post("/api/v1/auth/login", json=body)).status_code == 200:
                        logins.ok += 1
            started, pending = time.perf_counter(), []
            while not stop.is_set():
                pending.append(asyncio.create_task(one()))
                logins.sent += 1
                await asyncio.sleep(max(0.0, started + logins.sent / per_second
                                        - time.perf_counter()))
            logins.seconds = time.perf_counter() - started
            await asyncio.gather(*pending)

    thread = threading.Thread(target=asyncio.run, args=(send(),), daemon=True)
    thread.start()
    try:
        yield logins
    finally:
        stop.set()
        thread.join()
