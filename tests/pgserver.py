"""A throwaway PostgreSQL server for the tests, and a database of its own for each test.

`TEST_DATABASE_URL` (a server where we may CREATE DATABASE, e.g.
postgresql://postgres@127.0.0.1:5432/postgres) is used when set; otherwise the server is
made here: `initdb` into a temporary folder (as the `postgres` user when we are root:
PostgreSQL refuses to run as root) and started on a free port on 127.0.0.1, without
fsync, for this test session only."""

from __future__ import annotations

import asyncio
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from urllib.parse import urlsplit, urlunsplit


def _binaries() -> str | None:
    """The folder of the newest initdb/pg_ctl (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_sync(make_coroutine):
    """Run a coroutine to its end in a thread of its own (a fixture may be set up while
    the test's event loop runs)."""
    result: dict = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(make_coroutine())
        except BaseException as exc:  # handed to the caller
            result["error"] = exc
    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


class Server:
    """A PostgreSQL server: the one named by TEST_DATABASE_URL, or one started here."""

    def __init__(self) -> None:
        self.folder: str | None = None
        self.bin: str | None = None
        self.admin_url = os.environ.get("TEST_DATABASE_URL", "").strip()
        self._names = itertools.count(1)
        self._made: list[str] = []  # every database made, to drop on a server we did not start
        self._free: list[str] = []  # emptied again, ready for the next test
        self.paused = False

    @property
    def available(self) -> bool:
        return bool(self.admin_url) or _binaries() is not None

    def start(self) -> None:
        if self.admin_url:
            return
        self.bin = _binaries()
        port = _free_port()
        self.folder = tempfile.mkdtemp(prefix="samenwerkbot-pg-")
        os.chmod(self.folder, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._as_owner("initdb", "-D", f"{self.folder}/data", "-U", "postgres",
                       "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
        self.options = (f"-p {port} -h 127.0.0.1 -k {self.folder} -c fsync=off "
                        "-c synchronous_commit=off -c full_page_writes=off "
                        "-c max_connections=200")
        self.resume()
        self.admin_url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def pause(self) -> None:
        """Stop the server (as a host's maintenance would); `resume` starts it again."""
        self._as_owner("pg_ctl", "-D", f"{self.folder}/data", "-m", "fast", "-w", "stop")
        self.paused = True

    def resume(self) -> None:
        self._as_owner("pg_ctl", "-D", f"{self.folder}/data", "-l",
                       f"{self.folder}/postgres.log", "-o", self.options, "-w", "-t", "60",
                       "start")
        self.paused = False

    def stop(self) -> None:
        if self.folder is None:
            for name in self._made:
                run_sync(lambda n=name: self._admin(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)'))
            return
        try:
            self._as_owner("pg_ctl", "-D", f"{self.folder}/data", "-m", "immediate", "-w",
                           "stop", check=False)  # a test may have stopped it already
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def _as_owner(self, program: str, *args: str, check: bool = True) -> None:
        command = [f"{self.bin}/{program}", *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=check, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=120)

    # -- a database per test ------------------------------------------------------------

    def create(self) -> str:
        """An empty database for one test; its URL. Emptying one (a few milliseconds) is
        far cheaper than CREATE DATABASE (0.3 s), so databases are reused, emptied."""
        if self._free:
            name = self._free.pop()
        else:
            name = f"test_{os.getpid()}_{next(self._names)}"
            run_sync(lambda: self._admin(f'CREATE DATABASE "{name}"'))
            self._made.append(name)
        return self.url(name)

    def url(self, name: str) -> str:
        return urlunsplit(urlsplit(self.admin_url)._replace(path=f"/{name}"))

    def drop(self, url: str) -> None:
        """The test is done with it: empty it (as new) for the next one."""
        name = urlsplit(url).path.strip("/")
        run_sync(lambda: self._empty(name))
        self._free.append(name)

    async def _empty(self, name: str) -> None:
        """As new: with the schema of the latest migration, the rows go (TRUNCATE, a few
        milliseconds, so the next test need not migrate again); otherwise everything."""
        import asyncpg

        from bot.store.postgres.schema import MIGRATIONS
        await self._admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
        conn = await asyncpg.connect(self.url(name))
        try:
            tables = [r[0] for r in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            version = await conn.fetchval("SELECT MAX(version) FROM schema_migrations") \
                if "schema_migrations" in tables else None
            if version == len(MIGRATIONS):
                # DELETE (foreign keys not checked) is quicker than TRUNCATE on small tables.
                sequences = [r[0] for r in await conn.fetch(
                    "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")]
                await conn.execute("SET session_replication_role = replica; " + "".join(
                    f"DELETE FROM {t}; " for t in tables if t != "schema_migrations") + "".join(
                    f"SELECT setval('{s}', 1, false); " for s in sequences))
            else:
                await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        finally:
            await conn.close()

    async def _admin(self, sql: str) -> None:
        import asyncpg
        conn = await asyncpg.connect(self.admin_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()
