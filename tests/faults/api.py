"""``cuiot serve --no-mqtt`` in a process of its own, as one of several API hosts behind a
load balancer: the API, with a scheduler and a dispatcher beside it, on a port of its own.
Its client speaks from an address of the test's choosing (``X-Forwarded-For``: uvicorn
trusts it from loopback), so that one test plays several clients."""

from __future__ import annotations

import httpx

from tests.faults.stream import Worker
from tests.support.servers import free_port, port_answers, wait_for


class ApiServer(Worker):
    def __init__(self, database_url: str, push_url: str, **settings: str) -> None:
        self.port = free_port()
        super().__init__(database_url, "off", push_url, f"cuiot-api-{self.port}", **settings)
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.launch("serve", "--no-mqtt", "--port", str(self.port))
        if not wait_for(lambda: port_answers("127.0.0.1", self.port), timeout=60):
            raise AssertionError(f"the API on port {self.port} did not start:\n{self.log()}")

    def client(self, address: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=30,
                                 headers={"X-Forwarded-For": address})
