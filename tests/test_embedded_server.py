"""The embedded FalkorDB server: persistence, compaction, sharing, crash safety, faults.

Every test runs the real redis-server + FalkorDB module and really kills, corrupts or starves it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from chainatlas.graph.embedded import (
    EmbeddedServer,
    StoreCorrupt,
    _pid_alive,
    _redis_args,
    binaries,
    persistence_bytes,
)
from chainatlas.graph.falkor import FalkorStore
from chainatlas.graph.model import GraphData
from chainatlas.graph.store import StoreError, StoreUnavailable

ROOT = Path(__file__).resolve().parent.parent

DATA = GraphData(
    nodes={"Enterprise": [{"id": "byd", "props": {"name": "比亚迪", "kind": "enterprise"}}],
           "Chain": [{"id": "automobile", "props": {"name": "汽车", "kind": "chain"}}]},
    rels={"IN_CHAIN": [{"src": "byd", "dst": "automobile", "props": {"role": "member"}}]},
)


def big_data(n: int = 3000, pad: int = 200) -> GraphData:
    """``n`` enterprises with a padded description (enough bytes to make files grow)."""
    nodes = [{"id": f"e{i}", "props": {"name": f"企业{i}", "kind": "enterprise",
                                       "note": "x" * pad}} for i in range(n)]
    rels = [{"src": f"e{i}", "dst": f"e{i + 1}", "props": {}} for i in range(n - 1)]
    return GraphData(nodes={"Enterprise": nodes}, rels={"PARTNERS_WITH": rels})


def _wait(cond, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


def _wait_dead(pid: int, timeout: float = 15.0) -> bool:
    return _wait(lambda: not _pid_alive(pid), timeout)


CLIENT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from chainatlas.graph.falkor import FalkorStore
    from chainatlas.graph.model import GraphData
    store = FalkorStore(Path(sys.argv[1]))
    if sys.argv[2] == "load":
        store.replace(GraphData(nodes={"Chain": [{"id": "c", "props": {"name": "链"}}]}))
    print(store.server.pid, store.server.supervisor_pid, flush=True)
    sys.stdin.readline()  # wait until told to exit
    store.close()
""")


def _client(data_dir: Path, load: bool = False) -> tuple[subprocess.Popen[str], int, int]:
    proc = subprocess.Popen([sys.executable, "-c", CLIENT, str(data_dir),
                             "load" if load else "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    server, supervisor = map(int, proc.stdout.readline().split())
    return proc, server, supervisor


def test_restart_keeps_the_graph(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path)
    store.replace(DATA)
    store.replace(DATA)  # a second atomic swap must persist too
    store.close()
    again = FalkorStore(tmp_path)
    try:
        assert again.stats() == {"nodes": {"Chain": 1, "Enterprise": 1},
                                 "relationships": {"IN_CHAIN": 1}}
    finally:
        again.close()


def test_persistence_is_compacted_after_every_load(tmp_path: Path) -> None:
    """Old behaviour: every load appended its whole graph to the AOF (size grew linearly)."""
    store = FalkorStore(tmp_path)
    try:
        store.replace(big_data())
        one = persistence_bytes(store.server.dir)
        for _ in range(6):
            store.replace(big_data())
        seven = persistence_bytes(store.server.dir)
    finally:
        store.close()
    assert seven < one * 1.5, f"files grew from {one} to {seven} bytes over 7 loads"
    again = FalkorStore(tmp_path)
    try:
        assert again.counts() == {"nodes": 3000, "relationships": 2999}
    finally:
        again.close()


def test_sigkill_of_the_only_client_leaves_no_server_and_keeps_data(tmp_path: Path) -> None:
    child, server_pid, supervisor_pid = _client(tmp_path, load=True)
    try:
        assert _pid_alive(server_pid) and _pid_alive(supervisor_pid)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert _wait_dead(server_pid), "the embedded server outlived its only (killed) client"
        assert _wait_dead(supervisor_pid)
    finally:
        if child.poll() is None:
            child.kill()
    store = FalkorStore(tmp_path)  # starts again after the crash
    try:
        assert store.stats()["nodes"] == {"Chain": 1}
    finally:
        store.close()


def test_server_outlives_one_client_and_stops_with_the_last(tmp_path: Path) -> None:
    """Old behaviour: a second process shared the first one's server and lost it (503 forever)
    when the first exited."""
    first, server_pid, _ = _client(tmp_path, load=True)
    store = FalkorStore(tmp_path)  # this process joins the running server
    try:
        assert not store.server.spawned and store.server.pid == server_pid
        first.communicate("\n", timeout=30)  # the process that started the server exits
        assert first.returncode == 0
        time.sleep(1.0)  # several supervisor rounds
        assert _pid_alive(server_pid), "the server died with the client that started it"
        assert store.stats()["nodes"] == {"Chain": 1}
    finally:
        store.close()
    assert _wait_dead(server_pid, 5), "the server outlived its last client"


def test_a_killed_server_is_restarted_and_keeps_the_graph(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path)
    try:
        store.replace(DATA)
        old = store.server.pid
        os.kill(old, signal.SIGKILL)
        assert _wait_dead(old)
        assert _wait(lambda: store.server.pid not in (0, old) and store.ping(), 20)
        assert store.counts() == {"nodes": 2, "relationships": 1}
    finally:
        store.close()


def test_a_killed_supervisor_takes_the_server_down_and_the_store_revives_it(
        tmp_path: Path) -> None:
    store = FalkorStore(tmp_path)
    try:
        store.replace(DATA)
        server, supervisor = store.server.pid, store.server.supervisor_pid
        os.kill(supervisor, signal.SIGKILL)
        assert _wait_dead(server), "redis-server outlived its supervisor (no PDEATHSIG)"
        with pytest.raises(StoreUnavailable):
            store.stats()  # down: the store starts reviving it in the background

        def back() -> bool:
            try:
                return store.counts() == {"nodes": 2, "relationships": 1}
            except StoreUnavailable:
                return False

        assert _wait(back, 30)
    finally:
        store.close()


def test_stale_server_of_a_crashed_run_is_killed_on_start(tmp_path: Path) -> None:
    store_dir = tmp_path / "falkordb"
    store_dir.mkdir()
    server = EmbeddedServer(tmp_path)
    stale = subprocess.Popen(_redis_args(store_dir, str(server.socket_path), *binaries()),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        server.state_file.write_text(json.dumps({"pid": stale.pid, "supervisor": 999999}))
        assert _wait(server.ping, 15)
        server.start()
        assert stale.wait(timeout=15) is not None
        assert server.spawned and server.pid != stale.pid and server.ping()
    finally:
        server.stop()
        if stale.poll() is None:
            stale.kill()


def _listening_tcp_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A":  # LISTEN
                inodes.add(parts[9])
    return inodes


def test_no_tcp_port_is_opened(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path)
    try:
        fd_dir = Path(f"/proc/{store.server.pid}/fd")
        sockets = {os.readlink(fd_dir / f)[8:-1] for f in os.listdir(fd_dir)
                   if os.readlink(fd_dir / f).startswith("socket:[")}
        assert sockets, "could not see the server's sockets"
        assert not sockets & _listening_tcp_inodes(), "the embedded server listens on TCP"
        assert os.path.exists(store.server.socket_path)
    finally:
        store.close()


# -- damaged files ---------------------------------------------------------------------------
def _loaded(tmp_path: Path) -> Path:
    store = FalkorStore(tmp_path)
    store.replace(big_data(2000))
    store.close()
    files = sorted((tmp_path / "falkordb" / "appendonlydir").glob("*.base.*"))
    assert files, "no base file after compaction"
    return files[0]


def test_garbage_in_the_middle_of_the_file_is_refused(tmp_path: Path) -> None:
    """Old behaviour: 70 garbage bytes → a partial graph, exit 0."""
    base = _loaded(tmp_path)
    raw = bytearray(base.read_bytes())
    mid = len(raw) // 2
    raw[mid:mid + 70] = b"\xde\xad" * 35
    base.write_bytes(bytes(raw))
    with pytest.raises(StoreCorrupt, match="backup") as e:
        FalkorStore(tmp_path)
    assert "chainatlas load" in str(e.value)
    # the command line says the same, in one message, exit 1
    r = subprocess.run([str(Path(sys.executable).parent / "chainatlas"), "stats"],
                       env={**os.environ, "CHAINATLAS_DATA_DIR": str(tmp_path)},
                       capture_output=True, text=True, timeout=120)
    out = " ".join((r.stdout + r.stderr).split())
    assert r.returncode == 1 and "damaged" in out and "Traceback" not in out, out


def test_a_truncated_file_is_refused(tmp_path: Path) -> None:
    """Old behaviour: truncated at half → 0 nodes, exit 0."""
    base = _loaded(tmp_path)
    raw = base.read_bytes()
    base.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(StoreCorrupt, match="damaged"):
        FalkorStore(tmp_path)


def test_fewer_nodes_than_the_last_load_wrote_is_refused(tmp_path: Path) -> None:
    """The manifest of counts catches what the server itself accepts."""
    store = FalkorStore(tmp_path)
    store.replace(DATA)
    store.close()
    manifest = tmp_path / "falkordb" / "manifest.json"
    m = json.loads(manifest.read_text())
    m["chainatlas"]["nodes"] = 3
    manifest.write_text(json.dumps(m))
    with pytest.raises(StoreCorrupt, match="last load wrote 3"):
        FalkorStore(tmp_path)


# -- full disk and read-only directory ---------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path: Path):
    """A 6 MB tmpfs (needs root); skipped where mounting is not allowed."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mnt)],
            capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_keeps_the_first_error_and_the_old_graph(small_disk: Path) -> None:
    store = FalkorStore(small_disk)
    try:
        store.replace(DATA)
        with pytest.raises(StoreError) as e:
            for _ in range(5):  # each load is bigger than the free space left
                store.replace(big_data(8000, pad=600))
        text = str(e.value)
        assert "full" in text and "free space" in text.lower(), text
        assert "Traceback" not in text
    finally:
        store.close()


@pytest.fixture
def read_only_dir(tmp_path: Path):
    """A data directory this process cannot write: a read-only bind mount as root (root
    ignores permissions), ``chmod 555`` otherwise."""
    ro = tmp_path / "ro"
    ro.mkdir()
    if os.geteuid() != 0:
        ro.chmod(0o555)
        yield ro
        ro.chmod(0o755)
        return
    if subprocess.run(["mount", "--bind", str(ro), str(ro)], capture_output=True).returncode:
        pytest.skip("cannot bind-mount here")
    try:
        if subprocess.run(["mount", "-o", "remount,bind,ro", str(ro)],
                          capture_output=True).returncode:
            pytest.skip("cannot remount read-only here")
        yield ro
    finally:
        subprocess.run(["umount", "-l", str(ro)], check=False)


def test_a_read_only_data_dir_is_a_clear_message(read_only_dir: Path) -> None:
    """Old behaviour: ``OSError: [Errno 30]`` traceback from stats, load and serve."""
    env = {**os.environ, "CHAINATLAS_DATA_DIR": str(read_only_dir)}
    exe = str(Path(sys.executable).parent / "chainatlas")
    for args in (["stats"], ["load", "--no-quote-check", str(ROOT / "seeds")],
                 ["serve", "--port", "8102"]):
        r = subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=60)
        out = " ".join((r.stdout + r.stderr).split())  # rich wraps long lines
        assert r.returncode != 0, out
        assert "not writable" in out, out
        assert "Traceback" not in out, out
