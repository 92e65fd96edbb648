"""Every router of /api/v1, in the order the OpenAPI docs show them."""

from __future__ import annotations

from fastapi import APIRouter

from cuiot.entrypoints.http.routes import (
    alerts,
    auth,
    billing,
    care,
    device_commands,
    devices,
    referrals,
    reviews,
    users,
    ws,
)

ROUTERS: list[APIRouter] = [
    auth.router,
    users.router,
    care.cared_persons, care.legal_capacity, care.institutions,
    billing.router,
    referrals.router, reviews.router,
    devices.router, devices.events_router, device_commands.router, alerts.router,
    ws.router,
]
