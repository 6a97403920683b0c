#!/usr/bin/env python3
"""A TCP forwarder the chaos harness controls, between the agent and a test-bed sshd.

    cutproxy.py <listen-port> <target-port> [--pid-file FILE]

Listens on 127.0.0.1:<listen-port> and forwards every connection to 127.0.0.1:<target-port>. SIGUSR1 cuts:
every open connection is reset (RST, the way a dropped link looks to the agent) and new ones are refused
until SIGUSR2 restores forwarding. SIGTERM stops it. Standard library only.
"""
import os
import selectors
import signal
import socket
import struct
import sys
import threading

listen_port, target_port = int(sys.argv[1]), int(sys.argv[2])
lock = threading.Lock()
open_sockets = set()
cut = threading.Event()


def reset(sock):
    # SO_LINGER 0: close() sends RST instead of FIN, so the peer sees the connection die, not end.
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def cut_all(*_):
    cut.set()
    with lock:
        victims = list(open_sockets)
        open_sockets.clear()
    for sock in victims:
        reset(sock)


def pipe(client):
    try:
        upstream = socket.create_connection(("127.0.0.1", target_port), timeout=10)
        upstream.settimeout(None)
    except OSError:
        reset(client)
        return
    with lock:
        if cut.is_set():
            reset(client)
            reset(upstream)
            return
        open_sockets.update((client, upstream))
    selector = selectors.DefaultSelector()
    selector.register(client, selectors.EVENT_READ, upstream)
    selector.register(upstream, selectors.EVENT_READ, client)
    try:
        while True:
            for key, _ in selector.select():
                data = key.fileobj.recv(65536)
                if not data:
                    return
                key.data.sendall(data)
    except (OSError, ValueError):
        pass
    finally:
        with lock:
            open_sockets.discard(client)
            open_sockets.discard(upstream)
        for sock in (client, upstream):
            try:
                sock.close()
            except OSError:
                pass


def main():
    signal.signal(signal.SIGUSR1, cut_all)
    signal.signal(signal.SIGUSR2, lambda *_: cut.clear())
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(64)
    if len(sys.argv) > 4 and sys.argv[3] == "--pid-file":
        with open(sys.argv[4], "w") as f:
            f.write(f"{os.getpid()}\n")
    while True:
        try:
            client, _ = server.accept()
        except InterruptedError:
            continue
        if cut.is_set():
            reset(client)
            continue
        threading.Thread(target=pipe, args=(client,), daemon=True).start()


if __name__ == "__main__":
    main()
