"""HTTP load generator for `bench/run.py`, run as a process of its own.

The benchmark's own process holds the parsed corpus (millions of objects at 100,000 clippings):
client threads there stall in its garbage collector and count those stalls as server latency.
This process holds only the paths it requests. It prints one JSON object: the latency of each
successful request (seconds), the error count and the wall time.

    python bench/load.py PORT CLIENTS MAX_REQUESTS MAX_SECONDS < paths.json
"""

from __future__ import annotations

import http.client
import itertools
import json
import sys
import threading
import time


def load(
    port: int, paths: list[str], clients: int, max_requests: int, max_seconds: float
) -> tuple[list[float], int, float]:
    """`clients` threads requesting the paths in turn until either bound; keep-alive, loopback.

    Returns the latencies of the successful requests, the error count and the wall time.
    """
    lock = threading.Lock()
    order = itertools.cycle(paths)
    issued = 0
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + max_seconds

    def next_path() -> str | None:
        nonlocal issued
        with lock:
            if issued >= max_requests or time.perf_counter() > deadline:
                return None
            issued += 1
            return next(order)

    def client() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while (path := next_path()) is not None:
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def main(argv: list[str]) -> int:
    port, clients, max_requests, max_seconds = argv
    paths = json.load(sys.stdin)
    latencies, errors, wall = load(
        int(port), paths, int(clients), int(max_requests), float(max_seconds)
    )
    json.dump({"latencies": latencies, "errors": errors, "wall": wall}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
