"""FastAPI dependencies: the container, use cases built from it, the current user."""

from __future__ import annotations

from typing import Annotated, Callable, TypeVar

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cuiot.application.auth import Authenticate, AuthenticateCommand
from cuiot.application.auth import Principal as AuthPrincipal
from cuiot.domain.errors import Unauthenticated
from cuiot.entrypoints.container import Container, use_case

T = TypeVar("T")

bearer = HTTPBearer(auto_error=False, description="The access token from /auth/login")


def get_container(request: Request) -> Container:
    return request.app.state.container


def use(cls: type[T]) -> Callable[[Request], T]:
    """``Depends(use(SomeUseCase))``: a use case with a fresh unit of work."""

    def build(request: Request) -> T:
        return use_case(get_container(request), cls)

    build.__name__ = f"use_{cls.__name__}"
    return build


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> AuthPrincipal:
    """The authenticated user (a Principal with ``user_id``, ``roles``, ``jti``)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("a bearer access token is required")
    principal = await use_case(get_container(request), Authenticate)(
        AuthenticateCommand(credentials.credentials))
    request.state.principal = principal
    return principal


Principal = Annotated[AuthPrincipal, Depends(current_principal)]


class Paging:
    def __init__(self, offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
                 limit: Annotated[int, Query(ge=1, le=200)] = 50) -> None:
        self.offset, self.limit = offset, limit


PageParams = Annotated[Paging, Depends()]
