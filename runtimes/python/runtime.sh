#!/bin/sh
# Python: no compile step. Buffered stdout on purpose (faster; the proxy reads the pipe to the end),
# except in a streamed run (CODERING_STREAM, proxy/README.md): there stdout is line-buffered, as on a
# terminal (a pipe would hold a plain `print` loop's lines until the end; stderr is line-buffered
# already). Through a sitecustomize, as the prewarm's: no option or variable of python's does that.
set -eu
boot=/opt/codering/python-prewarm
stream=/opt/codering/python-stream

# Writes <folder>/sitecustomize.py, loaded first through PYTHONPATH=<folder>: its own code (stdin)
# between what both of ours share: how to leave no trace of ours before the program starts, and,
# last, the system's own sitecustomize, imported as `python3 main.py` imports it (the import system
# hands it to site in place of ours).
write_sitecustomize() {
  mkdir -p "$1"
  {
    cat <<'EOF'
# runtimes/python/runtime.sh wrote this file
import os
import sys


def _codering_leave(boot):
    # nothing of ours is left: PYTHONPATH as the image set it, sys.path, the import caches
    path = os.environ["PYTHONPATH"]
    if path == boot:
        del os.environ["PYTHONPATH"]
    else:
        os.environ["PYTHONPATH"] = path[len(boot) + 1 :]
    sys.path.remove(boot)
    sys.path_importer_cache.pop(boot, None)


EOF
    cat
    cat <<'EOF'
del sys.modules["sitecustomize"]
import sitecustomize  # noqa: E402,F401
EOF
  } >"$1/sitecustomize.py"
}
case "${1:-}" in
  compile) exit 0 ;;
  run)
    shift
    if [ "${CODERING_STREAM:-}" = 1 ]; then
      PYTHONPATH="$stream${PYTHONPATH+:$PYTHONPATH}" exec python3 "$CODERING_MAIN" "$@"
    fi
    exec python3 "$CODERING_MAIN" "$@"
    ;;
  prewarm)
    # The interpreter starts as `run` starts it, `python3 main.py` (main.py: the catalogue's main
    # file), and waits at the end of its start-up, in a sitecustomize found first through PYTHONPATH,
    # for `main NUL args…` on fd 3 (proxy/README.md). It then tidies up after itself and returns:
    # python opens main.py and runs it as `python3 main.py args…` would, with no frame of ours under
    # the program's (tracebacks, stacks, recursion depth). Another main file is started cold (exec).
    # CODERING_MAIN is set once the request comes; exported now, it keeps its place in the environment.
    CODERING_MAIN='' PYTHONPATH="$boot${PYTHONPATH+:$PYTHONPATH}" exec python3 main.py
    ;;
  prepare)
    # At image build (runtime.yaml's `prepare`, as root): the sitecustomizes, in the read-only root
    # (a file in /tmp would be seen by the cold run that follows a prewarm ended before its request)
    write_sitecustomize "$boot" <<'EOF'
# codering: `runtime.sh prewarm` (runtimes/python/runtime.sh, which writes this file)
import _thread
import io


def _codering_read(fd):
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _codering_write(fd, data):
    while data:
        data = data[os.write(fd, data) :]


def _codering_feed(fd, data):
    try:
        _codering_write(fd, data)
    except OSError:
        pass
    os.close(fd)


def _codering_wait(boot):
    _codering_leave(boot)
    request = _codering_read(3)
    os.close(3)
    # decoded as python decodes its own argv: the locale's encoding (UTF-8), surrogateescape
    argv = request.decode("utf-8", "surrogateescape").split("\0")
    os.environ["CODERING_MAIN"] = argv[0]
    # stdin: a pipe the proxy fills from the request, where `run` is given a memfd of it (unless it
    # is larger than the run may write to a file: then it stays a pipe)
    data = _codering_read(0)
    stdin = os.memfd_create("stdin", 0)
    try:
        _codering_write(stdin, data)
        os.lseek(stdin, 0, os.SEEK_SET)
    except OSError:
        os.close(stdin)
        stdin, writer = os.pipe()
        _thread.start_new_thread(_codering_feed, (writer, data))
    os.dup2(stdin, 0)
    os.close(stdin)
    # another main file: started as `run` starts it
    if argv[0] != sys.argv[0]:
        os.execvp("python3", ["python3"] + argv)
    sys.argv[1:] = argv[1:]
    if hasattr(sys, "orig_argv"):
        sys.orig_argv[2:] = argv[1:]
    # sys.stdin found a pipe when python started (not seekable, and it remembers): made again as
    # python makes it, on the memfd
    old = sys.stdin
    buffer = io.open(0, "rb", -1, None, None, None, False)
    buffer.raw.name = "<stdin>"
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(buffer, old.encoding, old.errors, "\n", old.line_buffering, old.write_through)
    sys.stdin.mode = "r"


_codering_wait(os.path.dirname(__file__))
EOF
    write_sitecustomize "$stream" <<'EOF'
# codering: a streamed run's stdout is line-buffered, as on a terminal
_codering_leave(os.path.dirname(__file__))
sys.stdout.reconfigure(line_buffering=True)
EOF
    python3 -m compileall -q "$boot" "$stream"
    ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
