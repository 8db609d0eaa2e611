"""A small load generator: N clients on keep-alive HTTP/1.1 connections POSTing one GraphQL body for a
fixed time. Plain asyncio streams, so the client costs little of the CPU it shares with the server.
Run as a separate process: ``python bench/load.py PORT TOKEN SECONDS BODIES.json`` prints JSON; the file
holds one list of GraphQL request bodies per client."""

from __future__ import annotations

import asyncio
import json
import sys
import time


async def client(port: int, requests: list[bytes], until: float, latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sent = 0
    try:
        while time.perf_counter() < until:
            start = time.perf_counter()
            writer.write(requests[sent % len(requests)])
            sent += 1
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
            )
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if not head.startswith(b"HTTP/1.1 200") or b'"errors"' in body:
                errors.append(body[:300].decode(errors="replace"))
    finally:
        writer.close()


def http_request(token: str, body: bytes) -> bytes:
    return (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def run(port: int, token: str, seconds: float, bodies: list[list[bytes]]) -> dict:
    """One client per entry of ``bodies``; each sends its bodies in turn, over and over."""
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    await asyncio.gather(
        *(client(port, [http_request(token, b) for b in own], started + seconds, latencies, errors) for own in bodies)
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[int(len(latencies) * 0.99)],
    }


if __name__ == "__main__":
    port, token, seconds, bodies_file = sys.argv[1:5]
    with open(bodies_file, encoding="utf-8") as f:
        bodies = [[json.dumps(b).encode() for b in own] for own in json.load(f)]
    print(json.dumps(asyncio.run(run(int(port), token, float(seconds), bodies))))
