"""Engine, sessions and the per-request transaction."""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, Select, create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

AnySelect = Select[*tuple[Any, ...]]


class Base(DeclarativeBase):
    """Declarative base whose constraint names are stable across databases."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps always leave the database timezone-aware in UTC, also on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The single clock of the service, so tests and rows agree on UTC."""
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def _json(value: Any) -> str:
    """JSON columns through orjson: every stored webhook payload and case snapshot passes here."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


JSON_ARGS: dict[str, Any] = {"json_serializer": _json, "json_deserializer": orjson.loads}


def _sqlite_engine(url: URL, echo: bool, *, pool_size: int = 10, max_overflow: int = 20) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_use_lifo=True,
        **JSON_ARGS,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA mmap_size=268435456")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_engine(database_url: str, *, echo: bool = False) -> Engine:
    """SQLite gets WAL and BEGIN IMMEDIATE for writers; PostgreSQL gets a checked pool."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, echo)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_use_lifo=True,
        **JSON_ARGS,
    )


def _sqlite_writer(database_url: str, engine: Engine) -> Engine:
    """One writer connection: the pool hands it over at once, SQLite's busy handler sleeps 1–100 ms."""
    url = make_url(database_url)
    if not url.database or url.database == ":memory:" or url.query.get("mode") == "memory":
        return engine.execution_options(sqlite_immediate=True)
    writer = _sqlite_engine(url, bool(engine.echo), pool_size=1, max_overflow=0)
    return writer.execution_options(sqlite_immediate=True)


class Database:
    """Owns the engine and hands out sessions for reading or for writing."""

    def __init__(self, database_url: str) -> None:
        import vetanco.models  # noqa: F401  (every mapper configured wherever a database is used)

        self.url = database_url
        self.engine = make_engine(database_url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._writer = _sqlite_writer(database_url, self.engine) if self.is_sqlite else self.engine
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self._writer, expire_on_commit=False)
        self._turnos: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def session(self, *, write: bool = True, bind: Connection | None = None) -> Session:
        factory = self._write if write else self._read
        return factory() if bind is None else factory(bind=bind)

    @contextmanager
    def transaction(
        self, *, write: bool = True, bind: Connection | None = None
    ) -> Iterator[Session]:
        """One unit of work for CLI commands and jobs: commit on success, roll back on error."""
        with self.session(write=write, bind=bind) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def held_connection(self) -> Iterator[Connection | None]:
        """PostgreSQL: one connection for a run of transactions (`bind=`), pre-pinged once, not
        per transaction; SQLite: None, its single writer must go back to the pool after each."""
        if self.is_sqlite:
            yield None
            return
        with self._writer.connect() as connection:
            yield connection

    @asynccontextmanager
    async def turno_de_escritura(self) -> AsyncIterator[None]:
        """SQLite writers wait on the loop, not in pool threads: the lock holder needs one to commit."""
        if not self.is_sqlite:
            yield
            return
        loop = asyncio.get_running_loop()
        turno = self._turnos.get(loop)
        if turno is None:
            turno = self._turnos[loop] = asyncio.Lock()
        async with turno:
            yield

    def dispose(self) -> None:
        self.engine.dispose()
        if self._writer.engine is not self.engine:
            self._writer.engine.dispose()


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Runs `callback` once this session's transaction commits (never on rollback)."""
    session.info.setdefault("after_commit", []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop("after_commit", []):
        callback()


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session: Session) -> None:
    session.info.pop("after_commit", None)


async def _turno(request: Request) -> AsyncIterator[None]:
    if request.method in READ_METHODS:
        yield
        return
    db: Database = request.app.state.db
    async with db.turno_de_escritura():
        yield


def get_session(
    request: Request, _en_turno: Annotated[None, Depends(_turno, scope="function")]
) -> Iterator[Session]:
    """One transaction per request, committed before the response leaves."""
    db: Database = request.app.state.db
    with db.transaction(write=request.method not in READ_METHODS) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
