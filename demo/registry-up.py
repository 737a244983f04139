#!/usr/bin/env python3
"""Waits until the registry the demo started is up and is the one answering: process PID (or a child of it) holds
the listening socket on HOST:PORT, and GET /v2/ answers as a distribution registry. Exit 0 when so; 3 when another
program holds the port; 1 when the registry ended or did not come up in time.
usage: registry-up.py PID HOST:PORT SECONDS"""
import os, sys, time, urllib.error, urllib.request


def listening_inodes(host, port):
    """Inodes of LISTEN sockets on host:port (IPv4), from /proc/net/tcp."""
    a, b, c, d = (int(x) for x in host.split("."))
    local = f"{d:02X}{c:02X}{b:02X}{a:02X}:{port:04X}"
    inodes = set()
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            if fields[1] == local and fields[3] == "0A":
                inodes.add(fields[9])
    return inodes


def family(pid):
    """pid and its descendants."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def owns(pid, inodes):
    for p in family(pid):
        try:
            for fd in os.listdir(f"/proc/{p}/fd"):
                try:
                    target = os.readlink(f"/proc/{p}/fd/{fd}")
                except OSError:
                    continue
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return True
        except OSError:
            pass
    return False


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def answers(address):
    try:
        with urllib.request.urlopen(f"http://{address}/v2/", timeout=2) as r:
            return r.headers.get("Docker-Distribution-Api-Version") == "registry/2.0"
    except (urllib.error.URLError, OSError):
        return False


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: registry-up.py PID HOST:PORT SECONDS")
    pid, address, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    host, port = address.rsplit(":", 1)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        inodes = listening_inodes(host, int(port))
        if not alive(pid):
            if inodes:
                print(f"another program listens on {address}; the demo's registry could not start there", file=sys.stderr)
                return 3
            print(f"the demo's registry ended before it listened on {address}", file=sys.stderr)
            return 1
        if inodes and owns(pid, inodes):
            if answers(address):
                return 0
        elif inodes and time.monotonic() + seconds / 2 > deadline:
            print(f"another program listens on {address}, not the demo's registry", file=sys.stderr)
            return 3
        time.sleep(0.1)
    print(f"the demo's registry did not answer on {address} within {seconds:.0f} s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
