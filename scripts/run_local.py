"""`make run`: the local AWS (moto server) and `chalice local`, together.

State survives restarts: moto's recorder appends every request to a file under
LOCAL_DIR, and the next start restores it and rewrites it as the state it leads to
(local_state), so the file stays as large as the data.
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import local_state

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{what} exited early (code {process.returncode}); see its output above.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{what} did not start listening on port {port} within {seconds:.0f}s.")


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def secret_key(local_dir: Path) -> str:
    path = local_dir / "secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def environment(port: int, moto_port: int, local_dir: Path, files_port: int | None = None) -> dict[str, str]:
    """The stack's settings. Public files are linked to the local file server (files_port), as a
    deployment links them to its CDN, unless CHEESESHOP_FILES_URL says otherwise ("off": through
    the app's /packages/ redirects)."""
    files_url = {"CHEESESHOP_FILES_URL": f"http://127.0.0.1:{files_port}",  # its access log: downloads counted
                 "CHEESESHOP_DOWNLOAD_LOGS": "s3://cheeseshop-download-logs/files/"} if files_port else {}
    return {
        **files_url,
        **os.environ,
        "CHEESESHOP_STAGE": "local",
        "CHEESESHOP_SECRET_KEY": secret_key(local_dir),
        "CHEESESHOP_MAIL_DIR": str(local_dir / "mail"),
        "CHEESESHOP_EVENT_FILE": str(local_dir / "events" / "stream.jsonl"),
        "CHEESESHOP_BASE_URL": f"http://127.0.0.1:{port}",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        "PYTHONUNBUFFERED": "1",
        # chalice local restarts when a file appears under the project: a module loaded on first
        # use must not write its bytecode there, or its first request restarts the server under
        # whatever request comes next.
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def moto_server(port: int, env: dict[str, str], recording: Path, *, record: bool) -> subprocess.Popen[bytes]:
    moto_env = {**env, "MOTO_RECORDER_FILEPATH": str(recording)}
    if record:
        moto_env["MOTO_ENABLE_RECORDING"] = "True"
    moto = subprocess.Popen([str(BIN / "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            env=moto_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    wait_for_port(port, moto, "moto server")
    return moto


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_moto(moto_port: int, local_dir: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The local AWS, with the saved state restored and its log rewritten as that state (see local_state)."""
    state, previous = local_dir / local_state.STATE, local_dir / local_state.PREVIOUS
    if previous.exists():  # the last start was cut short while copying: begin again from the old log
        previous.replace(state)
    saved = state.exists() and state.stat().st_size > 0
    if saved:
        local_state.compact(state)
        state.replace(previous)
    moto = moto_server(moto_port, env, state, record=True)
    if saved:
        print(f"Restoring saved local AWS state from {previous} ...", flush=True)
        old_port = free_port()
        old = moto_server(old_port, env, previous, record=False)
        try:
            replay = urllib.request.Request(f"http://127.0.0.1:{old_port}/moto-api/recorder/replay-recording",
                                            method="POST", data=b"")
            urllib.request.urlopen(replay, timeout=600).close()
            counts = local_state.copy_state(f"http://127.0.0.1:{old_port}", f"http://127.0.0.1:{moto_port}",
                                            env["AWS_DEFAULT_REGION"])
        except BaseException:
            stop([moto])
            raise
        finally:
            stop([old])
        previous.unlink()
        size = state.stat().st_size if state.exists() else 0
        print(f"Restored {counts['items']} items and {counts['objects']} objects; saved state now"
              f" {size / 2**20:.1f} MiB.", flush=True)
    return moto


def provision(env: dict[str, str]) -> None:
    subprocess.run([str(BIN / "python"), "-c",
                    "from chalicelib import provision; from chalicelib.core.config import get_settings; "
                    "provision.ensure_all(get_settings()); "
                    "from chalicelib.admin import migrations; migrations.run_all()"],  # state saved by older code
                   env=env, cwd=ROOT, check=True)


def main() -> int:
    port, moto_port = int(os.environ.get("PORT", 8000)), int(os.environ.get("MOTO_PORT", 5000))
    files_port = int(os.environ.get("FILES_PORT", port + 1))
    local_dir = (ROOT / os.environ.get("LOCAL_DIR", ".local")).resolve()
    (local_dir / "mail").mkdir(parents=True, exist_ok=True)
    serve_files = "CHEESESHOP_FILES_URL" not in os.environ
    for p, name in ((port, "PORT"), (moto_port, "MOTO_PORT"), *([(files_port, "FILES_PORT")] if serve_files else [])):
        if not port_free(p):
            sys.exit(f"Port {p} is already in use: stop what uses it or set {name}=another port.")
    env = environment(port, moto_port, local_dir, files_port if serve_files else None)
    children: list[subprocess.Popen[bytes]] = []
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        children.append(start_moto(moto_port, local_dir, env))
        provision(env)
        if serve_files:
            children.append(subprocess.Popen([str(BIN / "python"), str(ROOT / "scripts" / "local_files.py"),
                                              str(files_port)], env=env, cwd=ROOT, start_new_session=True))
            wait_for_port(files_port, children[-1], "the local file server")
        children.append(subprocess.Popen([str(BIN / "python"), str(ROOT / "scripts" / "local_dispatch.py")],
                                         env=env, cwd=ROOT, start_new_session=True))
        children.append(subprocess.Popen([str(BIN / "chalice"), "local", "--stage", "local",
                                          "--host", "127.0.0.1", "--port", str(port)],
                                         env=env, cwd=ROOT, start_new_session=True))
        wait_for_port(port, children[-1], "chalice local")
        files = f"; files at {env['CHEESESHOP_FILES_URL']}" if serve_files else ""
        print(f"\ncheeseshop is running at http://127.0.0.1:{port}/  (local AWS on port {moto_port}{files};"
              f" mail in {local_dir / 'mail'};"
              f" events in {local_dir / 'events' / 'stream.jsonl'})\nSecurity keys need a domain name: use them at"
              f" http://localhost:{port}/\nPress Ctrl-C to stop.\n", flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        stop(children)


def stop(children: list[subprocess.Popen[bytes]]) -> None:
    """Each child leads its own process group: `chalice local` reloads code in a worker
    process of its own, which must stop with it."""
    for child in reversed(children):
        signal_group(child, signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            signal_group(child, signal.SIGKILL)
            child.wait()


def signal_group(child: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(child.pid, sig)
    except ProcessLookupError:
        pass


if __name__ == "__main__":
    sys.exit(main())
