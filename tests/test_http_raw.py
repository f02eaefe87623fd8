"""Raw UTF-8 in a URL, as ``curl 'http://…/search?q=比亚迪'`` sends it, against a real running
``chainatlas serve`` over a raw socket (no client library percent-encodes for us)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chainatlas.settings import Settings
from chainatlas.viz.testing import free_port

ROOT = Path(__file__).resolve().parent.parent


def _raw(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    return lines[0], headers, body


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory):
    env = {**os.environ, "CHAINATLAS_DATA_DIR": str(tmp_path_factory.mktemp("raw") / "data"),
           "CHAINATLAS_SEEDS_DIR": str(ROOT / "seeds")}
    env.pop("NEO4J_URI", None)
    if not Settings().sources_dir.is_dir():  # a checkout away from ../shared: load unchecked
        env["CHAINATLAS_QUOTE_CHECK"] = "false"
    p = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "chainatlas", "serve", "--port", str(p)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                status, _, _ = _raw(p, b"GET /health HTTP/1.1\r\nHost: x\r\n"
                                       b"Connection: close\r\n\r\n")
                if " 200 " in status:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise AssertionError("chainatlas serve did not answer /health")
        yield p
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_raw_utf8_query_string_is_accepted(port: int) -> None:
    status, headers, body = _raw(port, "GET /search?q=比亚迪 HTTP/1.1\r\nHost: x\r\n"
                                       "Connection: close\r\n\r\n".encode())
    assert " 200 " in status, (status, body[:300])
    assert headers["content-type"].startswith("application/json")
    page = json.loads(body)
    assert page["query"] == "比亚迪" and page["items"][0]["id"] == "byd"


def test_raw_utf8_path_is_accepted(port: int) -> None:
    status, _, body = _raw(port, "GET /enterprises/比亚迪 HTTP/1.1\r\nHost: x\r\n"
                                 "Connection: close\r\n\r\n".encode())
    assert " 200 " in status and json.loads(body)["node"]["id"] == "byd"


def test_unparseable_request_is_problem_json_with_the_hint(port: int) -> None:
    status, headers, body = _raw(port, b"GET /search?q=a b c HTTP/1.1\r\nHost: x\r\n\r\n")
    assert " 400 " in status
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == 400 and "encode" in problem["detail"]
