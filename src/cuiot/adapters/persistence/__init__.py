"""Persistence on SQLAlchemy 2 Core (async): SQLite through aiosqlite, PostgreSQL through
asyncpg. Domain classes stay free of the ORM: explicit mappers turn rows into entities
and back, and the unit of work writes the entities it saw change when it commits."""
