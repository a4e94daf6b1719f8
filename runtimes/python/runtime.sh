#!/bin/sh
# Python: no compile step. Buffered stdout on purpose (faster; the proxy reads the pipe to the end).
set -eu
case "${1:-}" in
  compile) exit 0 ;;
  run) shift; exec python3 "$CODERING_MAIN" "$@" ;;
  prewarm)
    # The interpreter starts before the request and waits on fd 3 for `main NUL args…`
    # (proxy/README.md); the program then runs as `python3 main.py args…` would run it.
    exec python3 -c '
def _codering_run():
    # everything lives in this frame: the module namespace is handed over to the program
    import os, sys
    chunks = []
    while True:
        chunk = os.read(3, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(3)
    argv = b"".join(chunks).decode("utf-8", "surrogateescape").split("\0")
    main = os.path.abspath(argv[0])
    sys.argv[:] = argv
    if hasattr(sys, "orig_argv"):
        sys.orig_argv[:] = [sys.orig_argv[0]] + argv
    sys.path[0] = os.path.dirname(main)
    os.environ["CODERING_MAIN"] = argv[0]
    namespace = sys.modules["__main__"].__dict__
    builtins = namespace["__builtins__"]
    namespace.clear()
    namespace.update(__name__="__main__", __doc__=None, __package__=None, __spec__=None,
                     __loader__=None, __file__=main, __cached__=None, __builtins__=builtins)
    with open(main, "rb") as source:
        code = compile(source.read(), main, "exec")
    try:
        exec(code, namespace)
    except BaseException as error:
        if isinstance(error, SystemExit):
            raise
        # drop our frames: the traceback starts in the program, as with `python3 main.py`
        tb = error.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename == "<string>":
            tb = tb.tb_next
        sys.excepthook(type(error), error.with_traceback(tb), tb)
        sys.exit(1)
_codering_run()
'
    ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
