"""A project-local PostgreSQL server for the `postgres` dbt target.

The server's cluster lives in `warehouse/postgres/` (or any folder given), listens on
127.0.0.1 only (no other interface, its unix socket inside the folder), trusts local
connections (it is a developer and test server; a real one has its own authentication)
and holds the database `ccwh`. `start()` is idempotent (a running cluster is reused, its
port kept), `stop()` shuts it down cleanly. `initdb` refuses to run as root, so when this
runs as root every server command runs as the `postgres` system user.

    python -m orchestration.engines postgres start | stop | status
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from orchestration.config import PROJECT_DIR

DEFAULT_DIR = PROJECT_DIR / "warehouse" / "postgres"
DEFAULT_PORT = 55432
DATABASE = "ccwh"
SUPERUSER = "postgres"
BIN_DIRS = (Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin"))


class PostgresError(RuntimeError):
    """A server command failed; the message carries its output."""


def _bin(name: str) -> str:
    for folder in BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise PostgresError(f"PostgreSQL's {name} is not installed (apt-get install postgresql)")
    return found


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(preferred: int = DEFAULT_PORT) -> int:
    """`preferred` when nothing listens on it, else a port the system hands out."""
    if port_is_free(preferred):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    """One cluster in `root` (`root/data` the cluster, `root/port` the port it serves)."""

    root: Path = DEFAULT_DIR
    port: int | None = None
    database: str = DATABASE

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        if self.port is None:
            stored = self.port_file.read_text().strip() if self.port_file.exists() else ""
            env_port = os.environ.get("CCWH_PG_PORT", "")
            self.port = int(env_port or stored or DEFAULT_PORT)

    # -- paths -------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    @property
    def port_file(self) -> Path:
        return self.root / "port"

    # -- running commands as the right user ----------------------------------------------
    @property
    def _as_postgres_user(self) -> bool:
        return os.geteuid() == 0

    def _run(self, args: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self._as_postgres_user:
            cmd = ["runuser", "-u", SUPERUSER, "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd="/")
        if check and proc.returncode != 0:
            raise PostgresError(
                f"{' '.join(args)} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
            )
        return proc

    def _own(self, path: Path) -> None:
        if self._as_postgres_user:
            pw = pwd.getpwnam(SUPERUSER)
            os.chown(path, pw.pw_uid, pw.pw_gid)

    # -- lifecycle -------------------------------------------------------------------------
    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def init(self) -> None:
        """Create the cluster (once): UTF8, trust authentication for local connections."""
        if self.initialized():
            return
        for folder in (self.root, self.data_dir, self.socket_dir):
            folder.mkdir(parents=True, exist_ok=True)
            self._own(folder)
        os.chmod(self.data_dir, 0o700)
        self._run(
            [
                _bin("initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-instructions",
            ]
        )

    def running(self) -> bool:
        if not self.initialized():
            return False
        proc = self._run([_bin("pg_ctl"), "status", "-D", str(self.data_dir)], check=False)
        return proc.returncode == 0

    def start(self) -> PostgresServer:
        """Initialise if needed and start, on `port` or a free one; a running server is kept."""
        self.init()
        if self.running():
            self.port = int(self.port_file.read_text().strip())
            self._wait_ready()
            self.ensure_database()
            return self
        self.port = free_port(int(self.port or DEFAULT_PORT))
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self._own(self.socket_dir)
        if not self.log_file.exists():
            self.log_file.touch()
        self._own(self.log_file)
        # a throw-away analytics server: no fsync; JIT off (the models' spines and range
        # joins get cost estimates that trigger JIT compilation, 5 s per query for nothing)
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.socket_dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c shared_buffers=128MB -c max_connections=40 -c TimeZone=UTC -c jit=off"
        )
        self._run(
            [
                _bin("pg_ctl"),
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-o",
                options,
            ]
        )
        self.port_file.write_text(f"{self.port}\n")
        self._wait_ready()
        self.ensure_database()
        return self

    def stop(self) -> None:
        """Fast shutdown (open sessions are ended); nothing happens when it is not running."""
        if self.running():
            self._run(
                [_bin("pg_ctl"), "stop", "-w", "-t", "60", "-m", "fast", "-D", str(self.data_dir)]
            )

    def destroy(self) -> None:
        """Stop and delete the cluster (tests)."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            proc = subprocess.run(
                [_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
                capture_output=True,
            )
            if proc.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise PostgresError(
                    f"PostgreSQL on port {self.port} is not ready; see {self.log_file}"
                )
            time.sleep(0.2)

    # -- SQL --------------------------------------------------------------------------------
    def connect(self, database: str | None = None):
        import psycopg2

        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database or self.database
        )

    def ensure_database(self) -> None:
        con = self.connect("postgres")
        try:
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute("select 1 from pg_database where datname = %s", (self.database,))
                if cur.fetchone() is None:
                    cur.execute(f"create database {self.database}")
        finally:
            con.close()

    def dbt_env(self) -> dict[str, str]:
        """What the `postgres` target of profiles.yml reads."""
        return {
            "CCWH_DBT_TARGET": "postgres",
            "CCWH_PG_HOST": "127.0.0.1",
            "CCWH_PG_PORT": str(self.port),
            "CCWH_PG_USER": SUPERUSER,
            "CCWH_PG_DATABASE": self.database,
        }
