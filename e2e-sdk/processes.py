"""Child processes both suites drive: the scripted model server and `hearth-server`.

The scripted model server (`hearth-scripted-provider`) answers chat completions with the scripts a test
pushes; `hearth-server` runs on a data folder that outlives the process, so a test can stop, crash and
restart it. The binaries are named by HEARTH_SCRIPTED_PROVIDER_BIN and HEARTH_SERVER_BIN.
"""

import json
import os
import queue
import secrets
import signal
import subprocess
import threading
import urllib.request
from pathlib import Path


def binary(variable: str) -> str:
    path = os.environ.get(variable)
    assert path and Path(path).is_file(), f"{variable} must name a built binary (scripts/sdk-tests.sh sets it)"
    return path


class Process:
    """A child process whose stdout is drained by a thread, so it never blocks on a full pipe, and whose
    lines can be awaited."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.args = args
        self.log = log
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr = open(log, "ab")
        self.proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
            with open(self.log, "a") as f:
                f.write(line)
        self.lines.put(None)  # stdout closed: the process has exited

    def wait_for_line(self, prefix: str, timeout: float = 30) -> str:
        """The first stdout line starting with `prefix` (earlier lines are skipped)."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(
                    f"{Path(self.args[0]).name} printed no line starting with {prefix!r} within {timeout}s "
                    f"(exit code {self.proc.poll()}); log:\n{self.tail()}"
                ) from None
            if line is None:
                self.proc.wait(timeout=10)
                raise AssertionError(
                    f"{Path(self.args[0]).name} exited with {self.proc.returncode} before printing {prefix!r}; "
                    f"log:\n{self.tail()}"
                )
            if line.startswith(prefix):
                return line

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to tidy up, as in a crash or a power cut."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM, then SIGKILL if the process does not exit within `timeout`; the exit code (negative:
        killed by that signal)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.stderr.close()
        return self.proc.returncode


class ScriptedProvider:
    """The scripted model server and its control API (see hearth-scripted-provider.rs)."""

    def __init__(self, tmp: Path):
        self.process = Process([binary("HEARTH_SCRIPTED_PROVIDER_BIN")], dict(os.environ), tmp / "provider.log")
        self.control = self.process.wait_for_line("scripted provider control on ").split()[-1]
        self.base_url = self.process.wait_for_line("scripted provider listening on ").split()[-1]

    def _call(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.control + path, data=data, method=method, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def push(self, *scripts: dict) -> None:
        """Queues answers, in order, for the next chat requests (keys: text, usage, delay_ms, tool_calls,
        error, cut, finish)."""
        self._call("POST", "/scripts", list(scripts))

    def requests(self) -> list[dict]:
        """The chat request bodies the server received, oldest first."""
        return self._call("GET", "/requests")

    def state(self) -> dict:
        return self._call("GET", "/state")


class HearthServer:
    """`hearth-server` on a data folder that outlives the process, so a test can crash and restart it."""

    def __init__(self, data_dir: Path, provider: ScriptedProvider, log: Path):
        self.data_dir = data_dir
        self.provider = provider
        self.log = log
        self.token = "hearth-test-" + secrets.token_hex(16)
        self.process: Process | None = None
        self.url = ""

    def start(self) -> None:
        env = dict(os.environ, HEARTH_TOKEN=self.token, HEARTH_PROVIDER_KEY="scripted-key")
        env.setdefault("RUST_LOG", "info")
        args = [
            binary("HEARTH_SERVER_BIN"),
            "--listen", "127.0.0.1:0",
            "--data-dir", str(self.data_dir),
            "--provider", "openai",
            "--provider-base-url", self.provider.base_url,
        ]
        # The code interpreter's Python runtime, as scripts/python-runtime.sh caches it for the tests.
        runtime = os.environ.get("HEARTH_TEST_PYTHON_RUNTIME")
        if runtime:
            args += ["--python-runtime", runtime]
        self.process = Process(args, env, self.log)
        line = self.process.wait_for_line("hearth-server listening on ")
        self.url = line.split()[-1].rstrip("/")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()

    def stop(self) -> int | None:
        """SIGTERM (a clean shutdown), SIGKILL after 15 s; the exit code."""
        if self.process is None:
            return None
        return self.process.stop(timeout=15)
