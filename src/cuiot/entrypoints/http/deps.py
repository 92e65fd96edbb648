"""FastAPI dependencies: the container, use cases built from it, the current user."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.views.identity import SqlPrincipalViews
from cuiot.application.identity.queries.authenticate import (
    Authenticate,
    AuthenticateQuery,
)
from cuiot.application.identity.queries.authenticate import Principal as AuthPrincipal
from cuiot.application.shared.queries import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
from cuiot.domain.errors import Forbidden, Unauthenticated
from cuiot.domain.users import Role
from cuiot.entrypoints.container import Container, use_case

T = TypeVar("T")

bearer = HTTPBearer(auto_error=False, description="The access token from /auth/login")


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def use(cls: type[T]) -> Callable[[Request], Awaitable[T]]:
    """``Depends(use(SomeUseCase))``: a use case with a fresh unit of work."""

    async def build(request: Request) -> T:
        return use_case(get_container(request), cls)

    build.__name__ = f"use_{cls.__name__}"
    return build


async def read_connection(request: Request) -> AsyncIterator[AsyncConnection]:
    """The request's one read-only transaction (authentication and every query share it)."""
    async with get_container(request).read_side().transaction() as conn:
        yield conn


ReadConnection = Annotated[AsyncConnection, Depends(read_connection)]


def query(handler: Callable[..., T], *views: Callable[[AsyncConnection], Any]
          ) -> Callable[..., Awaitable[T]]:
    """``Depends(query(ListAlerts, SqlAlertViews))``: the query handler with its views
    bound to the request's read transaction, then the container's ``clock`` (and its
    ``policy`` when the handler takes one)."""

    wants_policy = "policy" in inspect.signature(handler).parameters

    async def build(request: Request, conn: ReadConnection) -> T:
        container = get_container(request)
        extra = {"policy": container.policy()} if wants_policy else {}
        return handler(*(view(conn) for view in views), clock=container.clock(), **extra)

    build.__name__ = f"query_{getattr(handler, '__name__', 'handler')}"
    return build


async def authenticate(container: Container, conn: AsyncConnection, token: str) -> AuthPrincipal:
    return await Authenticate(SqlPrincipalViews(conn), container.clock(), container.tokens(),
                              container.revocations())(AuthenticateQuery(token))


async def current_principal(
    request: Request,
    conn: ReadConnection,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> AuthPrincipal:
    """The authenticated user (a Principal with ``user_id``, ``roles``, ``jti``)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("a bearer access token is required")
    principal = await authenticate(get_container(request), conn, credentials.credentials)
    request.state.principal = principal
    return principal


Principal = Annotated[AuthPrincipal, Depends(current_principal)]


async def admin_principal(principal: Principal) -> AuthPrincipal:
    """The gate of the admin-only routes. FastAPI solves dependencies before it validates
    path, query and body, so anyone else gets 401/403 before any 422: an admin route's
    schema (its fields, the roles a path accepts) is no one else's business. The use
    cases keep their own check; this only refuses early, and names no role or field."""
    if Role.ADMIN not in principal.roles:
        raise Forbidden("you may not do this")
    return principal


AdminPrincipal = Annotated[AuthPrincipal, Depends(admin_principal)]


@dataclass(frozen=True, slots=True)
class Paging:
    offset: int = 0
    limit: int = DEFAULT_LIMIT


async def paging(offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
                 limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT) -> Paging:
    """``?offset=&limit=`` (dependencies are coroutines here: a plain function or class
    would cost each request a hop to the thread pool)."""
    return Paging(offset, limit)


PageParams = Annotated[Paging, Depends(paging)]
