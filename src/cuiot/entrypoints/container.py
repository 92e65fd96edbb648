"""The composition root: the one place that chooses adapters, from settings.

HTTP, the CLI and the workers all build this container. Use cases are built by
``use_case(cls)``, which fills each constructor parameter from the provider of the same
name (``uow``, ``clock``, ``ids``, ``rng``, ``hasher``, ``policy``, ``publisher``), so
overriding a provider in a test changes every use case at once.
"""

from __future__ import annotations

import inspect
from typing import Any, TypeVar

from dependency_injector import containers, providers

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.security.bcrypt_hasher import BcryptPasswordHasher
from cuiot.adapters.system import (
    InProcessEventPublisher,
    SecretsRandomSource,
    SystemClock,
    Uuid4IdGenerator,
)
from cuiot.entrypoints.settings import Settings

T = TypeVar("T")


class Container(containers.DeclarativeContainer):
    settings = providers.Singleton(Settings)
    policy = providers.Singleton(lambda settings: settings.policy(), settings)
    engine = providers.Singleton(create_engine, settings.provided.database_url)
    clock = providers.Singleton(SystemClock, settings.provided.timezone)
    ids = providers.Singleton(Uuid4IdGenerator)
    rng = providers.Singleton(SecretsRandomSource)
    hasher = providers.Singleton(BcryptPasswordHasher, settings.provided.bcrypt_rounds)
    publisher = providers.Singleton(InProcessEventPublisher)
    uow = providers.Factory(SqlAlchemyUnitOfWork, engine, publisher)


def use_case(container: Container, cls: type[T]) -> T:
    """Build a use case with a fresh unit of work and the shared ports."""
    kwargs: dict[str, Any] = {}
    for name, parameter in inspect.signature(cls).parameters.items():
        provider = getattr(container, name, None)
        if not isinstance(provider, providers.Provider):
            if parameter.default is inspect.Parameter.empty:
                raise TypeError(f"{cls.__name__} needs {name!r}: no provider of that name")
            continue
        kwargs[name] = provider()
    return cls(**kwargs)


def build_container(settings: Settings | None = None) -> Container:
    container = Container()
    if settings is not None:
        container.settings.override(providers.Object(settings))
    return container
