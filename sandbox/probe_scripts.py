"""The scripts isolation.py runs inside a sandbox: stdlib only, each prints what it saw.

INSIDE goes for the bait the host planted (sockets, files, the network, privileges, the
syscall filter) and prints one JSON object; FORKS, MEMORY_HOG and ORPHAN each push one limit,
bounded by themselves so that a limit that does not hold costs nothing worse than their bound.
"""

INSIDE = r"""
import ctypes, json, os, socket, sys
spec = json.loads(sys.argv[1])
def attempt(fn):
    try:
        fn()
        return "ok"
    except Exception as exc:
        return f"{type(exc).__name__}: {getattr(exc, 'strerror', None) or exc}"[:160]
def unix(path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        s.connect(path)
def tcp():
    socket.create_connection(("127.0.0.1", spec["port"]), timeout=2).close()
def vsock():
    socket.socket(getattr(socket, "AF_VSOCK", 40), socket.SOCK_STREAM).close()
def userns():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x10000000) != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
def write(path):
    with open(path, "a") as f:
        f.write("escaped")
status = {}
for line in open("/proc/self/status"):
    key, _, value = line.partition(":")
    status[key] = value.strip()
out = {
    "tcp": attempt(tcp),
    "vsock": attempt(vsock),
    "unix": {p: attempt(lambda p=p: unix(p)) for p in spec["unix"]},
    "read": {p: attempt(lambda p=p: open(p).read()) for p in spec["read"]},
    "write": {p: attempt(lambda p=p: write(p)) for p in spec["write"]},
    "env": sorted(os.environ.items()),
    "uid": [os.getuid(), os.geteuid(), os.getgid()],
    "caps": {k: status.get(k) for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")},
    "nnp": status.get("NoNewPrivs"),
    "seccomp": status.get("Seccomp"),
    "filters": status.get("Seccomp_filters"),
    "userns": attempt(userns),
}
print(json.dumps(out))
"""

FORKS = r"""
import os, sys, time
children = []
for _ in range(int(sys.argv[1])):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    children.append(pid)
print(len(children), flush=True)
for pid in children:
    os.kill(pid, 9)
"""

MEMORY_HOG = r"""
import sys
chunks = []
try:
    for _ in range(int(sys.argv[1]) // 16):
        chunks.append(bytearray(16 * 1024 * 1024))
    print("allocated", len(chunks) * 16, flush=True)
except MemoryError:
    print("MemoryError at", len(chunks) * 16, flush=True)
"""

ORPHAN = r"""
import subprocess, sys, time
subprocess.Popen(["sleep", sys.argv[1]], start_new_session=True)
time.sleep(60)
"""
