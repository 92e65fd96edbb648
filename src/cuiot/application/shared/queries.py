"""What every query (a read, served by a view of the database) shares: who is looking.

Commands load aggregates through the unit of work; queries never do. A query handler
gets its views (ports of its area, one SQL statement per page on the adapter side) bound
to the request's one read transaction, checks what the domain says about access, and
returns read models: frozen dataclasses the HTTP layer turns into response schemas."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.domain.users import Role


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who reads: the user and whether an admin role is active now (admins see all)."""

    user_id: UUID
    is_admin: bool = False

    @classmethod
    def of(cls, user_id: UUID, roles: frozenset[Role]) -> Viewer:
        return cls(user_id, Role.ADMIN in roles)


# The pages a caller may ask for, over HTTP and in the CLI alike.
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000


@dataclass(frozen=True, slots=True)
class Window:
    """A page of a list: ``limit + 1`` rows are read, so the caller knows if more exist."""

    offset: int = 0
    limit: int = DEFAULT_LIMIT
