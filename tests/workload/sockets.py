#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Connections made with plain socket calls, nothing of the lab's code:
workloads for testing tcpwatch against assumptions it must not make.

  sockets.py setns NETNS     make a listener and a client inside NETNS
                             (setns there, socket(), setns back), then use
                             them from our own namespace: one connection,
                             the client closes first
  sockets.py hosts SERVER_NS CLIENT_NS N
                             N connections, the listener made inside
                             SERVER_NS and each client inside CLIENT_NS
                             (through setns), client ports 40000.., the
                             client closing first
  sockets.py pairs N ORDER   N connections in this namespace, client ports
                             40000.., ORDER client-first or server-first
  sockets.py reuse N         N connections from the one client port 32089,
                             the server closing first, each one at once
                             after the last (the server's TIME_WAIT reused)
  sockets.py busy            one connection from 32089, the client closing
                             first, then connect() again from 32089 while
                             that 4-tuple is in TIME_WAIT; prints
                             "connect: ERRNO NAME" or "connect: ok"
  sockets.py talk N          N connections in this namespace, client ports
                             40000..: the client sends 20 kB and shuts its
                             side (shutdown), the server reads to the end,
                             answers 20 kB and closes, the client reads to
                             the end and closes
  sockets.py leaky CW TW [NETNS]
                             named "leaky": CW connections whose server
                             end it never closes (CLOSE_WAIT, client ports
                             41000..) and TW closed client-first (TIME_WAIT,
                             ports 40000..); with NETNS, every socket made
                             there through setns; prints "ready", then
                             holds them until killed (at most 300 s)
  sockets.py handover CW     as leaky CW 0, then 2 s after "ready" it
                             forks, prints "child PID" and exits: the
                             child holds them on
Prints "pid PID" first.  Stdlib only."""

import ctypes
import errno
import os
import socket
import sys
import time

SERVER = ("192.168.100.100", 32000)
CLIENT_ADDR = "192.168.100.51"
CLONE_NEWNET = 0x40000000
TIMEOUT_S = 5


def setns(fd):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        sys.exit(f"sockets.py: setns: {os.strerror(err)}")


def tcp_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(TIMEOUT_S)
    return s


def wait_eof(s):
    """Until the peer's FIN: recv() returns nothing."""
    while s.recv(64):
        pass


def one_connection(listener, client, port, order):
    client.bind((CLIENT_ADDR, port))
    client.connect(SERVER)
    child, _ = listener.accept()
    child.settimeout(TIMEOUT_S)
    first, second = (client, child) if order == "client-first" else (child, client)
    first.close()
    wait_eof(second)
    second.close()


def socket_in(name):
    """A TCP socket made inside namespace NAME; we come back at once."""
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    there = os.open(f"/run/netns/{name}", os.O_RDONLY)
    setns(there)
    s = tcp_socket()
    setns(own)
    os.close(there)
    os.close(own)
    return s


def cmd_hosts(server_ns, client_ns, n):
    listener = socket_in(server_ns)
    listener.bind(SERVER)
    listener.listen(10)
    for i in range(n):
        one_connection(listener, socket_in(client_ns), 40000 + i, "client-first")
    listener.close()


def cmd_setns(name):
    listener, client = socket_in(name), socket_in(name)
    listener.bind(SERVER)
    listener.listen(10)
    one_connection(listener, client, 32089, "client-first")
    listener.close()


def cmd_pairs(n, order):
    listener = tcp_socket()
    listener.bind(SERVER)
    listener.listen(10)
    for i in range(n):
        one_connection(listener, tcp_socket(), 40000 + i, order)
    listener.close()


def read_all(s):
    """Until the peer's FIN; how many bytes came."""
    got = 0
    while True:
        data = s.recv(65536)
        if not data:
            return got
        got += len(data)


def cmd_talk(n):
    listener = tcp_socket()
    listener.bind(SERVER)
    listener.listen(10)
    for i in range(n):
        client = tcp_socket()
        client.bind((CLIENT_ADDR, 40000 + i))
        client.connect(SERVER)
        child, _ = listener.accept()
        child.settimeout(TIMEOUT_S)
        client.sendall(b"q" * 20000)
        client.shutdown(socket.SHUT_WR)
        if read_all(child) != 20000:
            sys.exit("sockets.py: talk: the server got less than was sent")
        child.sendall(b"a" * 20000)
        child.close()
        if read_all(client) != 20000:
            sys.exit("sockets.py: talk: the client got less than was sent")
        client.close()
    listener.close()


def cmd_reuse(n):
    listener = tcp_socket()
    listener.bind(SERVER)
    listener.listen(10)
    for _ in range(n):
        one_connection(listener, tcp_socket(), 32089, "server-first")
    listener.close()


def cmd_busy():
    listener = tcp_socket()
    listener.bind(SERVER)
    listener.listen(10)
    one_connection(listener, tcp_socket(), 32089, "client-first")
    again = tcp_socket()
    again.bind((CLIENT_ADDR, 32089))
    err = again.connect_ex(SERVER)
    print("connect: " + (f"{err} {errno.errorcode.get(err, '?')}" if err else "ok"), flush=True)
    again.close()
    listener.close()


def cmd_leaky(cw, tw, netns):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(15, b"leaky", 0, 0, 0)  # PR_SET_NAME: the comm ss -p shows
    make = (lambda: socket_in(netns)) if netns else tcp_socket
    listener = make()
    listener.bind(SERVER)
    listener.listen(64)
    for i in range(tw):
        one_connection(listener, make(), 40000 + i, "client-first")
    held = []
    for i in range(cw):
        client = make()
        client.bind((CLIENT_ADDR, 41000 + i))
        client.connect(SERVER)
        child, _ = listener.accept()
        client.close()  # its FIN: the server's end, never closed, waits in CLOSE_WAIT
        held.append(child)
    print("ready", flush=True)
    return [listener] + held


def cmd_handover(cw):
    held = cmd_leaky(cw, 0, None)
    time.sleep(2)
    child = os.fork()
    if child:
        print(f"child {child}", flush=True)
        os._exit(0)
    time.sleep(300)  # holding them
    del held


def main(argv):
    print(f"pid {os.getpid()}", flush=True)
    if len(argv) == 3 and argv[1] == "setns":
        cmd_setns(argv[2])
    elif len(argv) == 4 and argv[1] == "pairs" and argv[3] in ("client-first", "server-first"):
        cmd_pairs(int(argv[2]), argv[3])
    elif len(argv) == 3 and argv[1] == "talk":
        cmd_talk(int(argv[2]))
    elif len(argv) == 3 and argv[1] == "reuse":
        cmd_reuse(int(argv[2]))
    elif len(argv) == 5 and argv[1] == "hosts":
        cmd_hosts(argv[2], argv[3], int(argv[4]))
    elif len(argv) in (4, 5) and argv[1] == "leaky":
        held = cmd_leaky(int(argv[2]), int(argv[3]), argv[4] if len(argv) == 5 else None)
        time.sleep(300)  # holding them
        del held
    elif len(argv) == 3 and argv[1] == "handover":
        cmd_handover(int(argv[2]))
    elif argv[1:] == ["busy"]:
        cmd_busy()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
