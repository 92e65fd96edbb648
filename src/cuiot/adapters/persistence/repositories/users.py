from __future__ import annotations

from typing import Any, Mapping
from sqlalchemy import exists, func

from cuiot.adapters.persistence.repositories.base import Child, Mapper, Row, SqlRepository
from cuiot.adapters.persistence.orm.identity import user_roles, users
from cuiot.domain.users import CapacityStatus, Role, RoleGrant, User
from cuiot.domain.values import EmailAddress


def _to_row(user: User) -> dict[str, Any]:
    return {
        "id": user.id, "email": user.email.value, "password_hash": user.password_hash,
        "first_name": user.first_name, "last_name": user.last_name, "phone": user.phone,
        "date_of_birth": user.date_of_birth, "capacity_status": user.capacity_status.value,
        "is_active": user.is_active, "created_at": user.created_at,
    }


def _role_rows(user: User) -> list[dict[str, Any]]:
    return [{"user_id": user.id, "role": g.role.value, "granted_at": g.granted_at,
             "expires_at": g.expires_at} for g in user.roles]


def _from_row(row: Row, children: Mapping[str, list[Row]]) -> User:
    return User(
        id=row["id"], email=EmailAddress(row["email"]), password_hash=row["password_hash"],
        first_name=row["first_name"], last_name=row["last_name"], phone=row["phone"],
        date_of_birth=row["date_of_birth"],
        capacity_status=CapacityStatus(row["capacity_status"]), is_active=row["is_active"],
        created_at=row["created_at"],
        roles=[RoleGrant(Role(r["role"]), r["granted_at"], r["expires_at"])
               for r in children.get("roles", [])],
    )


USER_MAPPER = Mapper(users, _to_row, _from_row,
                     children=(Child("roles", user_roles, "user_id", _role_rows),))


class SqlAlchemyUserRepository(SqlRepository[User]):
    mapper = USER_MAPPER
    entity = "user"

    async def get_by_email(self, email: EmailAddress) -> User | None:
        return await self._load_one(
            self._select().where(func.lower(users.c.email) == email.value)
        )

    async def list(self, offset: int = 0, limit: int = 100) -> list[User]:
        stmt = self._select().order_by(users.c.created_at, users.c.id).offset(offset).limit(limit)
        return await self._load(stmt)

    async def list_admins(self) -> list[User]:
        is_admin = exists().where(user_roles.c.user_id == users.c.id,
                                  user_roles.c.role == Role.ADMIN.value)
        return await self._load(self._select().where(is_admin).order_by(users.c.created_at))
