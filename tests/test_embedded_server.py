"""The embedded FalkorDB server: persistence, crash safety, stale-server cleanup."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from chainatlas.graph.embedded import EmbeddedServer, _pid_alive
from chainatlas.graph.falkor import FalkorStore
from chainatlas.graph.model import GraphData

DATA = GraphData(
    nodes={"Enterprise": [{"id": "byd", "props": {"name": "比亚迪", "kind": "enterprise"}}],
           "Chain": [{"id": "automobile", "props": {"name": "汽车", "kind": "chain"}}]},
    rels={"IN_CHAIN": [{"src": "byd", "dst": "automobile", "props": {"role": "member"}}]},
)


def _wait_dead(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


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


def test_sigkill_of_the_owner_leaves_no_server_and_keeps_data(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from chainatlas.graph.falkor import FalkorStore
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_embedded_server import DATA
        store = FalkorStore(Path({str(tmp_path)!r}))
        store.replace(DATA)
        print(store.server.proc.pid, flush=True)
        time.sleep(600)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        server_pid = int(child.stdout.readline())
        assert _pid_alive(server_pid)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert _wait_dead(server_pid), "the embedded server outlived its killed owner"
    finally:
        if child.poll() is None:
            child.kill()
    store = FalkorStore(tmp_path)  # starts again after the crash
    try:
        assert store.stats()["nodes"] == {"Chain": 1, "Enterprise": 1}
    finally:
        store.close()


def test_stale_server_of_a_dead_owner_is_killed_on_start(tmp_path: Path) -> None:
    first = EmbeddedServer(tmp_path)
    first.start()
    stale_pid = first.proc.pid
    dead = subprocess.Popen(["true"])
    dead.wait()
    state = json.loads(first.state_file.read_text())
    first.state_file.write_text(json.dumps({**state, "owner": dead.pid}))
    first.owned = False  # pretend this process crashed: it will not stop the server itself
    second = EmbeddedServer(tmp_path)
    try:
        second.start()
        assert second.owned and second.proc.pid != stale_pid
        assert _wait_dead(stale_pid)
        assert second.ping()
    finally:
        second.stop()
        if first.proc.poll() is None:
            first.proc.kill()
        first.proc.wait()


def test_a_live_server_of_another_live_process_is_shared(tmp_path: Path) -> None:
    owner = EmbeddedServer(tmp_path)
    owner.start()
    try:
        state = json.loads(owner.state_file.read_text())
        helper = subprocess.Popen(["sleep", "30"])  # a live "other" owner
        owner.state_file.write_text(json.dumps({**state, "owner": helper.pid}))
        guest = EmbeddedServer(tmp_path)
        guest.start()
        assert not guest.owned and guest.ping()
        guest.stop()  # a guest never stops the owner's server
        assert owner.ping()
        helper.kill()
        helper.wait()
    finally:
        owner.stop()
    assert not _pid_alive(state["pid"]) or _wait_dead(state["pid"])


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
        fd_dir = Path(f"/proc/{store.server.proc.pid}/fd")
        sockets = {os.readlink(fd_dir / f)[8:-1] for f in os.listdir(fd_dir)
                   if os.readlink(fd_dir / f).startswith("socket:[")}
        assert sockets, "could not see the server's sockets"
        assert not sockets & _listening_tcp_inodes(), "the embedded server listens on TCP"
        assert os.path.exists(store.server.socket_path)
    finally:
        store.close()
