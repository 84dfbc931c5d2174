"""No network for what evaluates queries (Linux network namespaces).

SPARQL's SERVICE makes an engine fetch a URL. kg refuses such queries (kg.dataset.sparql_guard);
this module makes sure that a query that slipped through could still reach no other host:

- each `oxigraph` engine of `kg serve` runs in a network namespace of its own that has only a
  loopback interface (`isolate_child`, in the child before exec); the front server reaches it by
  opening its client socket from inside that namespace (`connect`: a short-lived thread joins the
  engine's namespace, connects, and the socket keeps working from any thread);
- `kg query` leaves the host's network before it evaluates (`drop_network`).

Joining or making a network namespace needs CAP_SYS_ADMIN (root, as in CI) or, for `kg query`,
unprivileged user namespaces. Where neither is allowed, `available()` is False and kg says so on
stderr and carries on with the query check alone.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import struct
import threading
from functools import lru_cache

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL("libc.so.6", use_errno=True)


def _unshare(flags: int) -> None:
    if _libc().unshare(flags) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"unshare: {os.strerror(errno)}")


def _setns(fd: int) -> None:
    if _libc().setns(fd, CLONE_NEWNET) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"setns: {os.strerror(errno)}")


def loopback_up() -> None:
    """Bring up `lo` in this thread's network namespace (a new namespace has it down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | _IFF_UP))


def isolate_child() -> None:
    """In a child before exec: a network namespace of its own with only loopback, up."""
    _unshare(CLONE_NEWNET)
    loopback_up()


def _in_thread(work):
    """Run `work` in a fresh thread (namespaces are per thread) and return its result or raise."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as err:  # handed to the caller
            outcome["error"] = err

    thread = threading.Thread(target=run, name="kg-netns", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether engines can be given a network namespace and joined (tried once, in a throwaway thread)."""
    def probe() -> bool:
        _unshare(CLONE_NEWNET)
        loopback_up()
        return True

    try:
        return _in_thread(probe)
    except (OSError, AttributeError):
        return False


def connect(pid: int | None, port: int, timeout: float) -> socket.socket:
    """A TCP connection to 127.0.0.1:`port` inside the network namespace of process `pid`
    (the host's own loopback when `pid` is None)."""
    if pid is None:
        return socket.create_connection(("127.0.0.1", port), timeout=timeout)

    def inside() -> socket.socket:
        fd = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        try:
            _setns(fd)
        finally:
            os.close(fd)
        return socket.create_connection(("127.0.0.1", port), timeout=timeout)

    return _in_thread(inside)


def drop_network() -> bool:
    """Leave the host's network for good (this thread, and the threads it starts later): a network
    namespace with only loopback. False where the system allows no namespace."""
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        try:
            _unshare(flags)
        except (OSError, AttributeError):
            continue
        try:
            loopback_up()
        except OSError:
            pass  # no loopback either: nothing at all to reach
        return True
    return False
