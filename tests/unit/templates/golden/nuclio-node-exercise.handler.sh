# Nuclio shell-runtime handler for 127.0.0.1:5000/codering/node-exercise:18.20.4-ba9876543210.
# Nuclio 1.14's shell runtime (pkg/processor/runtime/shell/runtime.go, processEvent) runs it once per
# event as `sh /opt/nuclio/handler.sh ""` (the shebang is ignored: POSIX sh only), the event body on
# stdin, with Nuclio's environment (NUCLIO_* and the function's spec.env), not the image's ENV. Its
# stdout and stderr are one pipe (CombinedOutput) and all of it is the HTTP body: only the proxy's
# result may be written there.
#
# On an event past eventTimeout the processor SIGKILLs this process (the proxy, after the exec below)
# and nothing else: the program lives on, and its files stay. The proxy's next start ends and empties
# what it left before it proves the worker fresh (proxy/README.md, `--once`).

# Every diagnostic (the shell's, the proxy's) goes to the container's log, the stderr of PID 1 (what
# `kubectl logs` shows), or nowhere when that can't be opened: never into the answer.
exec 2>/dev/null
command exec 2>/proc/1/fd/2

# The program's uid: never the processor's (1000), or it could signal, trace or read the processor
# that serves the next tenant. One of the image's sandbox0…sandbox63 (60000–60063), chosen by the
# pod's name, so that pods on one node rarely share one: RLIMIT_NPROC counts a uid's processes
# node-wide unless each pod has a user namespace of its own (infra: userNamespaces). The proxy
# switches to it through its file capabilities (SETUID, SETGID, KILL: see the Dockerfile).
sandbox_uid=$(( 60000 + $(cksum < /proc/sys/kernel/hostname | cut -d' ' -f1) % 64 ))

# The proxy, and so the program, gets the image's environment, as on the local platform: nothing of
# Nuclio's (the event's id, path, URL…) reaches a student's program.
exec /usr/bin/env -i \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 \
  CODERING_SANDBOX_UID="$sandbox_uid" \
  CODERING_PREWARM=1 \
  NODE_PATH=/opt/codering/lib/node/node_modules \
  /opt/codering/bin/codering-proxy --once
