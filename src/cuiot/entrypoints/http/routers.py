"""Every router of /api/v1, in the order the OpenAPI docs show them."""

from __future__ import annotations

from fastapi import APIRouter

from cuiot.entrypoints.http.audit import routes as audit
from cuiot.entrypoints.http.billing import routes as billing
from cuiot.entrypoints.http.care import lifecycle as care_lifecycle
from cuiot.entrypoints.http.care import routes as care
from cuiot.entrypoints.http.identity import auth, users
from cuiot.entrypoints.http.identity import lifecycle as user_lifecycle
from cuiot.entrypoints.http.referrals import routes as referrals
from cuiot.entrypoints.http.reviews import routes as reviews
from cuiot.entrypoints.http.safety import (
    alerts,
    coverage,
    device_commands,
    device_lifecycle,
    devices,
    events,
    rejections,
    sms,
    ws,
)

ROUTERS: list[APIRouter] = [
    auth.router,
    users.router, user_lifecycle.router,
    care_lifecycle.router,  # first: /cared-persons/deactivated is no person's id
    care.cared_persons, coverage.router, care.invitations, care.legal_capacity,
    care.institutions,
    billing.router,
    referrals.router, reviews.router,
    devices.router, device_lifecycle.router, events.device_router, events.router,
    device_commands.router,
    alerts.router, sms.router,
    ws.router, rejections.router,
    audit.router,
]
