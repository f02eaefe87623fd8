"""The HTTP/1.1 protocol ``chainatlas serve`` runs: uvicorn's h11 protocol, tolerant of raw
UTF-8 in the request line.

Browsers percent-encode a URL; ``curl 'http://127.0.0.1:8000/search?q=比亚迪'`` does not, and
h11 (like httptools) refuses any byte above 0x7E in the request target with a bare text/plain
400. :class:`Utf8TargetH11Protocol` percent-encodes those bytes before h11 parses the request
line, so the app sees ``q=比亚迪`` exactly as if the client had encoded it. Any request h11
still refuses is answered with RFC 9457 problem+json that says what to do.

>>> encode_target(b"GET /search?q=\\xe6\\xaf\\x94 HTTP/1.1")
b'GET /search?q=%E6%AF%94 HTTP/1.1'
>>> encode_target(b"GET /x HTTP/1.1")
b'GET /x HTTP/1.1'
"""

from __future__ import annotations

import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

PROBLEM_400 = {
    "type": "about:blank",
    "title": "Invalid HTTP request",
    "status": 400,
    "detail": "The request line or headers could not be parsed. Percent-encode non-ASCII "
              "characters in the URL (curl --get --data-urlencode 'q=比亚迪' URL). "
              "请求无法解析：URL 中的中文等字符请先进行 URL 编码。",
}


def encode_target(line: bytes) -> bytes:
    """Percent-encode every byte ≥ 0x80 (raw UTF-8) of a request line; ASCII is kept."""
    if all(b < 0x80 for b in line):
        return line
    return b"".join(b"%%%02X" % b if b >= 0x80 else bytes((b,)) for b in line)


class Utf8TargetH11Protocol(H11Protocol):
    """uvicorn's h11 protocol that accepts raw UTF-8 in the request target."""

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            buffered, _ = self.conn.trailing_data
            if b"\n" not in buffered:  # this chunk still carries (part of) the request line
                end = data.find(b"\n")
                end = len(data) if end < 0 else end
                data = encode_target(data[:end]) + data[end:]
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        body = json.dumps(PROBLEM_400, ensure_ascii=False).encode("utf-8")
        headers = [(b"content-type", b"application/problem+json"),
                   (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
        try:
            self.transport.write(self.conn.send(h11.Response(status_code=400, headers=headers,
                                                             reason=b"Bad Request")) or b"")
            self.transport.write(self.conn.send(h11.Data(data=body)) or b"")
            self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
        except h11.LocalProtocolError:  # h11 cannot answer in its state: write it by hand
            head = (b"HTTP/1.1 400 Bad Request\r\n" + b"".join(
                k + b": " + v + b"\r\n" for k, v in headers) + b"\r\n")
            self.transport.write(head + body)
        self.transport.close()
