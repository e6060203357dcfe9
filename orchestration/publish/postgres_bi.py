"""The marts in PostgreSQL, for the BI tools that speak PostgreSQL (`make serve-bi`).

The project's own server (orchestration/engines/postgres.py: a cluster under
`warehouse/postgres/`, 127.0.0.1 only) gets a database `ccwh_bi`, apart from the `ccwh`
database that `make run-postgres` builds with dbt, and in it:

- schema `marts`: every table of the current Parquet build (`ccwh publish`), loaded by COPY
  into a schema `marts_loading`, then swapped in one transaction (drop the old `marts`,
  rename): a BI query sees the old marts or the new ones, never a half-loaded table;
- schema `publish`: `publish.build` and `publish.tables`, as in the DuckDB snapshot;
- the role `ccwh_bi_reader`: LOGIN with a password, CONNECT on `ccwh_bi`, USAGE and SELECT on
  `marts` and `publish` (with default privileges, so tables created there later are readable
  too), nothing else; its sessions are read-only (`default_transaction_read_only`). It
  authenticates with its password (scram-sha-256) even though the cluster trusts its other
  local users (pg_hba.conf lines put first).

The password is CCWH_BI_PASSWORD when set, else a random one written once to
`warehouse/postgres/bi_password` (mode 0600) and reused.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import duckdb
import psycopg2.errors

from orchestration.engines.export import postgres_type
from orchestration.engines.postgres import PostgresServer
from orchestration.publish.build import PublishError
from orchestration.publish.parquet import read_manifest, table_files

BI_DATABASE = "ccwh_bi"
BI_ROLE = "ccwh_bi_reader"
PASSWORD_ENV = "CCWH_BI_PASSWORD"
PASSWORD_FILE = "bi_password"
LOAD_SCHEMA = "marts_loading"
SCHEMAS = ("marts", "publish")
HBA_MARKER = "# ccwh BI reader (orchestration/publish/postgres_bi.py)"
LOCK_TIMEOUT_SECONDS = int(os.environ.get("CCWH_BI_LOCK_TIMEOUT", "30"))


@dataclass(frozen=True)
class BiDatabase:
    host: str
    port: int
    database: str
    role: str
    password: str
    tables: dict[str, int]  # schema.table -> rows

    @property
    def url(self) -> str:
        """postgresql://role:password@host:port/database (libpq, JDBC-style tools add jdbc:)."""
        return (
            f"postgresql://{self.role}:{quote(self.password, safe='')}@{self.host}:{self.port}/"
            f"{self.database}"
        )

    @property
    def masked_url(self) -> str:
        return f"postgresql://{self.role}:***@{self.host}:{self.port}/{self.database}"

    @property
    def sqlalchemy_url(self) -> str:
        return self.url.replace("postgresql://", "postgresql+psycopg://", 1)


def bi_password(server: PostgresServer) -> str:
    """CCWH_BI_PASSWORD, else the generated password stored beside the cluster."""
    from_env = os.environ.get(PASSWORD_ENV, "").strip()
    if from_env:
        return from_env
    path = server.root / PASSWORD_FILE
    if path.is_file():
        stored = path.read_text().strip()
        if stored:
            return stored
    password = secrets.token_urlsafe(18)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password + "\n")
    return password


def _ensure_hba(server: PostgresServer) -> bool:
    """Put the reader's password lines first in pg_hba.conf; True when the file changed."""
    hba = server.data_dir / "pg_hba.conf"
    text = hba.read_text()
    if HBA_MARKER in text:
        return False
    lines = (
        f"{HBA_MARKER}\n"
        f"local   all   {BI_ROLE}   scram-sha-256\n"
        f"host    {BI_DATABASE}   {BI_ROLE}   127.0.0.1/32   scram-sha-256\n"
        f"host    all   {BI_ROLE}   all   reject\n"
    )
    hba.write_text(lines + text)
    return True


def _ensure_database(server: PostgresServer, reload_config: bool) -> None:
    con = server.connect("postgres")
    try:
        con.autocommit = True
        with con.cursor() as cur:
            if reload_config:
                cur.execute("select pg_reload_conf()")
            cur.execute("select 1 from pg_database where datname = %s", (BI_DATABASE,))
            if cur.fetchone() is None:
                cur.execute(f"create database {BI_DATABASE}")
            cur.execute(f"revoke all on database {BI_DATABASE} from public")
    finally:
        con.close()


def _csv_of(scratch: duckdb.DuckDBPyConnection, files: list[Path], columns: list[str], out: Path):
    paths = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    names = ", ".join(columns)
    # NULL unquoted and empty strings quoted, so both survive PostgreSQL's CSV COPY
    scratch.execute(
        f"copy (select {names} from read_parquet([{paths}])) to '{out}' "
        "(format csv, header true, timestampformat '%Y-%m-%d %H:%M:%S.%f')"
    )


def load_bi_database(server: PostgresServer, publish_dir: Path, work_dir: Path) -> BiDatabase:
    """Load the current Parquet build into `ccwh_bi` on the (started) server; set up the role."""
    manifest = read_manifest(publish_dir)
    password = bi_password(server)
    hba_changed = _ensure_hba(server)
    _ensure_database(server, reload_config=hba_changed)
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    scratch = duckdb.connect()
    con = server.connect(BI_DATABASE)
    loaded: dict[str, int] = {}
    try:
        with con.cursor() as cur:
            # the load waits for open BI transactions on the tables it replaces, but not
            # forever: a session left idle in a transaction must not hold the pipeline
            cur.execute(f"set local lock_timeout = '{LOCK_TIMEOUT_SECONDS}s'")
            cur.execute(f"drop schema if exists {LOAD_SCHEMA} cascade")
            cur.execute(f"create schema {LOAD_SCHEMA}")
            for entry in manifest["tables"]:
                name = entry["table"].split(".", 1)[1]
                columns = [c["name"] for c in entry["columns"]]
                ddl = ", ".join(f"{c['name']} {postgres_type(c['type'])}" for c in entry["columns"])
                cur.execute(f"create table {LOAD_SCHEMA}.{name} ({ddl})")
                csv_path = work_dir / f"{name}.csv"
                _csv_of(scratch, table_files(publish_dir, entry), columns, csv_path)
                with open(csv_path, encoding="utf-8") as fh:
                    cur.copy_expert(
                        f"copy {LOAD_SCHEMA}.{name} ({', '.join(columns)}) from stdin "
                        "with (format csv, header true)",
                        fh,
                    )
                csv_path.unlink()
                cur.execute(f"select count(*) from {LOAD_SCHEMA}.{name}")
                rows = int(cur.fetchone()[0])
                if rows != entry["rows"]:
                    raise PublishError(
                        f"publish: {entry['table']} has {entry['rows']} rows in the Parquet "
                        f"build but {rows} were loaded into PostgreSQL"
                    )
                loaded[f"marts.{name}"] = rows
                _comment(cur, name, entry)
            _publish_tables(cur, manifest, loaded)
            # the swap: one transaction, so readers see the old marts or the new ones
            cur.execute("drop schema if exists marts cascade")
            cur.execute(f"alter schema {LOAD_SCHEMA} rename to marts")
            _grant_reader(cur, password)
        con.commit()
        with con.cursor() as cur:
            con.autocommit = True
            for table in loaded:
                cur.execute(f"analyze {table}")
    except psycopg2.errors.LockNotAvailable as error:
        con.rollback()
        raise PublishError(
            f"publish: a PostgreSQL session held the marts of {BI_DATABASE} for more than "
            f"{LOCK_TIMEOUT_SECONDS} s (a BI tool idle in a transaction?); they keep the "
            "previous build. Close it, or run `ccwh publish --postgres` again"
        ) from error
    except BaseException:
        con.rollback()
        raise
    finally:
        con.close()
        scratch.close()
    return BiDatabase(
        host="127.0.0.1",
        port=int(server.port),
        database=BI_DATABASE,
        role=BI_ROLE,
        password=password,
        tables=loaded,
    )


def _comment(cur, name: str, entry: dict) -> None:
    """The dbt docs as comments: Metabase imports them as descriptions, DBeaver shows them."""
    if entry.get("description"):
        cur.execute(f"comment on table {LOAD_SCHEMA}.{name} is %s", (entry["description"],))
    for column in entry["columns"]:
        if column.get("description"):
            cur.execute(
                f"comment on column {LOAD_SCHEMA}.{name}.{column['name']} is %s",
                (column["description"],),
            )


def _publish_tables(cur, manifest: dict, loaded: dict[str, int]) -> None:
    build = manifest["build"]
    cur.execute("drop schema if exists publish cascade")
    cur.execute("create schema publish")
    cur.execute(
        "create table publish.build (build_id text, published_at timestamp, git_commit text, "
        "git_commit_dirty boolean, warehouse text)"
    )
    cur.execute(
        "insert into publish.build values (%s, %s, %s, %s, %s)",
        (
            build["build_id"],
            build["published_at"].rstrip("Z"),
            build["commit"],
            build["commit_dirty"],
            build["warehouse"],
        ),
    )
    cur.execute(
        "create table publish.tables (table_schema text, table_name text, row_count bigint)"
    )
    for table, rows in loaded.items():
        schema, name = table.split(".", 1)
        cur.execute("insert into publish.tables values (%s, %s, %s)", (schema, name, rows))


def _grant_reader(cur, password: str) -> None:
    cur.execute("select 1 from pg_roles where rolname = %s", (BI_ROLE,))
    verb = "alter" if cur.fetchone() else "create"
    cur.execute(
        f"{verb} role {BI_ROLE} with login nosuperuser nocreatedb nocreaterole noinherit "
        "noreplication password %s",
        (password,),
    )
    cur.execute(f"alter role {BI_ROLE} set default_transaction_read_only = on")
    cur.execute(f"grant connect on database {BI_DATABASE} to {BI_ROLE}")
    cur.execute(f"revoke create on schema public from public, {BI_ROLE}")
    for schema in SCHEMAS:
        cur.execute(f"grant usage on schema {schema} to {BI_ROLE}")
        cur.execute(f"grant select on all tables in schema {schema} to {BI_ROLE}")
        cur.execute(
            f"alter default privileges in schema {schema} grant select on tables to {BI_ROLE}"
        )


def publish_postgres(publish_dir: Path, server_dir: Path | None = None) -> BiDatabase:
    """Start the project's server (if needed) and load the current Parquet build into it."""
    server = PostgresServer(server_dir) if server_dir else PostgresServer()
    server.start()
    return load_bi_database(server, publish_dir, Path(server.root) / "bi_load")
