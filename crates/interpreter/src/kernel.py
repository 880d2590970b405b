# The Python side of a code interpreter session, run inside the sandbox.
#
# The host talks to it over stdin (requests) and stdout (answers), each message a frame: a 4-byte
# big-endian length, then that many bytes. Before any code runs, both are moved to private
# descriptors that are not inherited, and fd 0 becomes /dev/null while fd 1 joins fd 2 (the host's
# log pipe). So whatever the code prints, and whatever its subprocesses write to fd 1 or 2, lands in
# the logs and never in the protocol.
#
# Request:  {"code": str, "token": str, "cpu_seconds": int}
# Answer:   {"status": "ok" | "raised", "images": n}, then n frames of PNG bytes.
# At start: {"ready": true, "preloaded": [...]}.
# After each call the token is written to fd 2, so the host knows the call's logs are complete.

import ast
import io
import linecache
import os
import resource
import signal
import struct
import sys
import time
import traceback

_KERNEL_PID = os.getpid()
_requests = os.fdopen(os.dup(0), "rb", buffering=0)
_answers = os.fdopen(os.dup(1), "wb", buffering=0)
_null = os.open("/dev/null", os.O_RDONLY)
os.dup2(_null, 0)
os.close(_null)
os.dup2(2, 1)
sys.stdin = open(0, "r", closefd=False)
sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)
sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)


def _read_exact(n):
    data = b""
    while len(data) < n:
        chunk = _requests.read(n - len(data))
        if not chunk:
            sys.exit(0)
        data += chunk
    return data


def _read_frame():
    (length,) = struct.unpack(">I", _read_exact(4))
    return _read_exact(length)


def _write_frame(data):
    _answers.write(struct.pack(">I", len(data)) + data)


def _send(message):
    import json

    _write_frame(json.dumps(message).encode())


# Libraries most calls use are imported once here, so a call pays nothing for them.
_preloaded = []
for _name in ("numpy", "pandas", "matplotlib"):
    try:
        __import__(_name)
        _preloaded.append(_name)
    except Exception:
        pass

_shown = []


def _figures_to_png(pyplot):
    """Saves every open figure as PNG, in the order they were opened, and closes it."""
    images = []
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        buffer = io.BytesIO()
        try:
            figure.savefig(buffer, format="png")
            images.append(buffer.getvalue())
        except Exception:
            traceback.print_exc()
        pyplot.close(figure)
    return images


def _show(*args, **kwargs):
    """plt.show() without a screen: keeps the figures as images instead of blocking."""
    _shown.extend(_figures_to_png(sys.modules["matplotlib.pyplot"]))


def _patch_pyplot():
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and pyplot.show is not _show:
        pyplot.show = _show
    return pyplot


if "matplotlib" in _preloaded:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot

        _preloaded.append("matplotlib.pyplot")
        _patch_pyplot()
    except Exception:
        pass

_namespace = {"__name__": "__main__", "__builtins__": __builtins__}
_cell = 0


def _run(code):
    """Runs one call's code like a notebook cell: the last expression's value is printed."""
    global _cell
    _cell += 1
    filename = "<cell %d>" % _cell
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    tree = ast.parse(code, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, "exec"), _namespace)
    if last is not None:
        value = eval(compile(last, filename, "eval"), _namespace)
        if value is not None:
            print(repr(value))


def _others():
    """The sandbox's processes other than its init (pid 1) and this kernel."""
    own = {"1", str(os.getpid())}
    return [name for name in os.listdir("/proc") if name.isdigit() and name not in own]


def _end_strays():
    """Ends every process the call left behind (the kernel is the only one meant to outlive a
    call), and waits until they are gone, so none is left when the call returns."""
    for _ in range(200):
        try:
            # In the sandbox's pid namespace, -1 reaches all of its processes but init and us.
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
        if not _others():
            return
        time.sleep(0.005)


def _limit_cpu(seconds):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = used + seconds
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _serve():
    import json

    _send({"ready": True, "preloaded": _preloaded})
    while True:
        request = json.loads(_read_frame())
        _limit_cpu(int(request["cpu_seconds"]))
        status = "ok"
        try:
            _run(request["code"])
        except SystemExit:
            pass
        except BaseException:
            if os.getpid() != _KERNEL_PID:
                os._exit(1)
            kind, value, tb = sys.exc_info()
            # The kernel's own frames come first; the code's start below them.
            while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
                tb = tb.tb_next
            traceback.print_exception(kind, value, tb)
            status = "raised"
        if os.getpid() != _KERNEL_PID:
            # A fork of the kernel made by the code: it must never speak the protocol.
            os._exit(0)
        _end_strays()
        images = list(_shown)
        _shown.clear()
        pyplot = _patch_pyplot()
        if pyplot is not None:
            images.extend(_figures_to_png(pyplot))
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(2, request["token"].encode())
        _send({"status": status, "images": len(images)})
        for image in images:
            _write_frame(image)


_serve()
