#!/usr/bin/env python3
"""Steady HTTP load for bench/zero-downtime.sh: RATE requests/s spread over WORKERS threads, half of them on
keep-alive connections (one http.client connection each, reused) and half opening a connection per request;
GET /api/version and POST /api/items (POST_SHARE of the requests). Runs until SIGTERM/SIGINT, then prints one JSON
line: requests, failed, first errors, longest gap between two successful responses, POSTs answered 2xx,
keep-alive connections opened (one per keep-alive worker when none was dropped), and the versions served."""
import http.client, json, signal, sys, threading, time

host, port = sys.argv[1], int(sys.argv[2])
rate = float(sys.argv[3]) if len(sys.argv) > 3 else 120
workers = int(sys.argv[4]) if len(sys.argv) > 4 else 12
post_share = float(sys.argv[5]) if len(sys.argv) > 5 else 0.3
stop = threading.Event()
lock = threading.Lock()
stats = {"requests": 0, "failed": 0, "errors": [], "posts_ok": 0, "keepalive_connections": 0, "versions": {}}
last_ok = [time.monotonic()]
longest = [0.0]


def record(ok, post=False, error=None, version=None):
    now = time.monotonic()
    with lock:
        stats["requests"] += 1
        if not ok:
            stats["failed"] += 1
            if len(stats["errors"]) < 5:
                stats["errors"].append(error)
            return
        stats["posts_ok"] += 1 if post else 0
        longest[0] = max(longest[0], now - last_ok[0])
        last_ok[0] = max(last_ok[0], now)
        if version:
            stats["versions"][version] = stats["versions"].get(version, 0) + 1


def worker(index):
    keep_alive = index % 2 == 0
    interval = workers / rate
    conn = None
    n = 0
    next_at = time.monotonic() + index * interval / workers
    while not stop.is_set():
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        next_at = max(next_at + interval, time.monotonic())
        n += 1
        post = (n * 7 + index) % 100 < post_share * 100
        try:
            if conn is None or not keep_alive:
                conn = http.client.HTTPConnection(host, port, timeout=10)
                if keep_alive:
                    with lock:
                        stats["keepalive_connections"] += 1
            headers = {} if keep_alive else {"Connection": "close"}
            if post:
                headers["Content-Type"] = "application/json"
                conn.request("POST", "/api/items", body=json.dumps({"name": "bench"}), headers=headers)
            else:
                conn.request("GET", "/api/version", headers=headers)
            response = conn.getresponse()
            body = response.read()
            if response.status >= 300:
                record(False, post, f"HTTP {response.status}: {body[:80]!r}")
            else:
                version = None if post else json.loads(body).get("version")
                record(True, post, version=version)
            if not keep_alive or response.will_close:
                conn.close()
                conn = None
        except Exception as e:  # a refused, reset or timed-out request is a failure
            record(False, post, f"{type(e).__name__}: {e}")
            if conn is not None:
                conn.close()
            conn = None


threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(workers)]
started = time.monotonic()
for t in threads:
    t.start()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
signal.signal(signal.SIGINT, lambda *_: stop.set())
while not stop.is_set():
    time.sleep(0.2)
for t in threads:
    t.join(15)
stats["duration_s"] = round(time.monotonic() - started, 1)
stats["rate"] = round(stats["requests"] / stats["duration_s"], 1)
stats["longest_gap_ms"] = round(longest[0] * 1000)
print(json.dumps(stats), flush=True)
