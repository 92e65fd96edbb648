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
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.cache.memory import InMemoryRateLimiter, InMemoryRevocationList
from cuiot.adapters.cache.redis import RedisRateLimiter, RedisRevocationList, connect_redis
from cuiot.adapters.mqtt.gateway import PahoDeviceCommandGateway
from cuiot.adapters.notifications.signal import InProcessOutboxSignal
from cuiot.adapters.notifications.signal_redis import RedisOutboxSignal
from cuiot.adapters.persistence.database import create_engine, create_read_engine, is_sqlite
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.security.bcrypt_hasher import BcryptPasswordHasher
from cuiot.adapters.security.jwt_tokens import PyJwtTokenIssuer
from cuiot.adapters.system import (
    InProcessEventPublisher,
    SecretsRandomSource,
    SystemClock,
    Uuid4IdGenerator,
)
from cuiot.application.safety.ports import AckLinkSource
from cuiot.entrypoints.secrets_file import jwt_secret
from cuiot.entrypoints.settings import Settings

T = TypeVar("T")


def mqtt_target(settings: Settings) -> str | None:
    """The broker CUIOT talks to: CUIOT_MQTT_URL, the embedded one when unset, None when
    MQTT is off."""
    if settings.mqtt_url == "off":
        return None
    return settings.mqtt_url or f"mqtt://127.0.0.1:{settings.mqtt_embedded_port}"


def outbox_transport_for(settings: Settings) -> str:
    """How a commit that wrote outbox rows reaches the dispatchers of other processes:
    ``postgresql`` (NOTIFY in the transaction; the bell rings this process's), ``redis``
    (other databases, with CUIOT_REDIS_URL), else ``in_process`` (SQLite in one process)."""
    if not is_sqlite(settings.database_url):
        return "postgresql"
    return "redis" if settings.redis_url else "in_process"


def command_gateway(settings: Settings,
                    registry: CollectorRegistry) -> PahoDeviceCommandGateway | None:
    target = mqtt_target(settings)
    return None if target is None else PahoDeviceCommandGateway(target, registry=registry)


def read_engine_for(settings: Settings, primary: AsyncEngine) -> AsyncEngine:
    """The replica's engine when ``CUIOT_DATABASE_READ_URL`` is set; else, on PostgreSQL,
    read-only sessions of its own on the primary; on SQLite, the primary's engine."""
    if settings.database_read_url:
        return create_read_engine(settings.database_read_url)
    if is_sqlite(settings.database_url):
        return primary
    return create_read_engine(settings.database_url)


class Container(containers.DeclarativeContainer):
    settings = providers.Singleton(Settings)
    policy = providers.Singleton(lambda settings: settings.policy(), settings)
    engine = providers.Singleton(create_engine, settings.provided.database_url)
    read_engine = providers.Singleton(read_engine_for, settings, engine)
    clock = providers.Singleton(SystemClock, settings.provided.timezone)
    ids = providers.Singleton(Uuid4IdGenerator)
    rng = providers.Singleton(SecretsRandomSource)
    hasher = providers.Singleton(BcryptPasswordHasher, settings.provided.bcrypt_rounds)
    publisher = providers.Singleton(InProcessEventPublisher)
    metrics_registry = providers.Singleton(CollectorRegistry)

    command_gateway = providers.Singleton(command_gateway, settings, metrics_registry)

    secret = providers.Singleton(jwt_secret, settings.provided.jwt_secret,
                                 settings.provided.database_url)
    tokens = providers.Singleton(PyJwtTokenIssuer, secret, clock,
                                 settings.provided.access_token_minutes,
                                 settings.provided.refresh_token_days)
    # In-process by default; Redis when CUIOT_REDIS_URL is set, so workers share state.
    store = providers.Callable(lambda s: "redis" if s.redis_url else "memory", settings)
    redis = providers.Singleton(connect_redis, settings.provided.redis_url)
    # While Redis is away, the Redis ones fall back to this process's memory.
    memory_rate_limiter = providers.Singleton(InMemoryRateLimiter, clock)
    memory_revocations = providers.Singleton(InMemoryRevocationList, clock)
    rate_limiter = providers.Selector(
        store,
        memory=memory_rate_limiter,
        redis=providers.Singleton(RedisRateLimiter, redis, settings.provided.redis_prefix,
                                  fallback=memory_rate_limiter),
    )
    revocations = providers.Selector(
        store,
        memory=memory_revocations,
        redis=providers.Singleton(RedisRevocationList, redis, settings.provided.redis_prefix,
                                  fallback=memory_revocations),
    )
    # The unit of work rings the outbox signal after a commit that wrote notifications;
    # this process's dispatcher waits on the bell (see entrypoints/pipeline.py).
    outbox_transport = providers.Callable(outbox_transport_for, settings)
    outbox_bell = providers.Singleton(InProcessOutboxSignal)
    outbox_signal = providers.Selector(
        outbox_transport,
        postgresql=outbox_bell,
        in_process=outbox_bell,
        redis=providers.Singleton(RedisOutboxSignal, redis, settings.provided.redis_prefix,
                                  outbox_bell),
    )
    # The same for alert changes: the unit of work writes them to the live stream's
    # journal and rings the live bell, which this process's journal reader waits on
    # (PostgreSQL: NOTIFY in the transaction; SQLite with Redis: also a Redis message).
    live_bell = providers.Singleton(InProcessOutboxSignal)
    live_signal = providers.Selector(
        outbox_transport,
        postgresql=live_bell,
        in_process=live_bell,
        redis=providers.Singleton(RedisOutboxSignal, redis, settings.provided.redis_prefix,
                                  live_bell, topic="live:alerts"),
    )
    # Every unit of work gives the alert notifications it writes acknowledgement links.
    links = providers.Singleton(AckLinkSource, rng, settings.provided.public_url)
    uow = providers.Factory(SqlAlchemyUnitOfWork, engine, publisher, outbox_signal,
                            live_signal, links)
    # Queries: one read-only transaction per request, on the replica when there is one.
    read_side = providers.Singleton(ReadSide, read_engine)


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


async def dispose_engines(container: Container) -> None:
    """Close the pools of the primary and, when it has one of its own, the read side (a
    pool outlives no event loop: the CLI runs one per command)."""
    if container.read_engine() is not container.engine():
        await container.read_engine().dispose()
    await container.engine().dispose()


def build_container(settings: Settings | None = None) -> Container:
    container = Container()
    if settings is not None:
        container.settings.override(providers.Object(settings))
    return container
