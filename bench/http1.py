"""A lean HTTP/1.1 client for load generators: one persistent keep-alive connection per
simulated browser, requests written as prepared bytes, responses parsed just enough (status,
Content-Length or chunked body). On a 2-core machine the load generator shares the CPU with
the mesh it measures; a general-purpose client (httpx) costs about as much per request as
the service under test, so it would measure mostly itself."""

import asyncio


class ProtocolError(Exception):
    pass


class Connection(asyncio.Protocol):
    """One keep-alive connection; one request at a time, as a browser tab does."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None
        self.lost: Exception | None = None

    @classmethod
    async def open(cls, host: str, port: int) -> "Connection":
        _, connection = await asyncio.get_running_loop().create_connection(cls, host, port)
        return connection

    def connection_made(self, transport) -> None:
        self.transport = transport

    def connection_lost(self, exc) -> None:
        self.lost = exc or ProtocolError("connection closed by the server")
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(self.lost)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is not None and not self.waiter.done():
            response = self._parse()
            if response is not None:
                self.waiter.set_result(response)

    def _parse(self) -> tuple[int, bytes] | None:
        """(status, body) once a whole response is buffered, else None."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buffer[:end]).decode("latin-1").lower()
        status = int(head[9:12])
        start = end + 4
        if "\r\ncontent-length:" in head:
            length = int(head.split("\r\ncontent-length:", 1)[1].split("\r\n", 1)[0])
            if len(self.buffer) < start + length:
                return None
            body = bytes(self.buffer[start : start + length])
            del self.buffer[: start + length]
            return status, body
        if "\r\ntransfer-encoding: chunked" in head:
            chunks: list[bytes] = []
            at = start
            while True:
                line_end = self.buffer.find(b"\r\n", at)
                if line_end < 0:
                    return None
                size = int(bytes(self.buffer[at:line_end]).split(b";")[0], 16)
                if len(self.buffer) < line_end + 2 + size + 2:
                    return None
                if size == 0:
                    del self.buffer[: line_end + 4]  # no trailers from our edge
                    return status, b"".join(chunks)
                chunks.append(bytes(self.buffer[line_end + 2 : line_end + 2 + size]))
                at = line_end + 2 + size + 2
        raise ProtocolError(f"response without a length: {head[:200]!r}")

    async def request(self, data: bytes) -> tuple[int, bytes]:
        if self.lost is not None:
            raise self.lost
        self.waiter = asyncio.get_running_loop().create_future()
        assert self.transport is not None, "connected"
        self.transport.write(data)
        return await self.waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def post_json(host: str, port: int, path: str, headers: dict[str, str], body: bytes) -> bytes:
    """The bytes of a POST with a JSON body, as a browser would send it."""
    lines = [f"POST {path} HTTP/1.1", f"host: {host}:{port}", "content-type: application/json", f"content-length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def get(host: str, port: int, path: str, headers: dict[str, str]) -> bytes:
    """The bytes of a GET, as a browser would send it."""
    lines = [f"GET {path} HTTP/1.1", f"host: {host}:{port}"] + [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
