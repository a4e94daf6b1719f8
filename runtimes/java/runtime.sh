#!/bin/sh
# Java: javac every top-level .java file, run the main file's class. Both JVMs start with the flags that
# cut start-up for short programs: one GC thread, C1 only, the JDK's class-data-sharing archive.
set -eu
jvm_flags="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"
case "${1:-}" in
  compile)
    set -- "$CODERING_MAIN"
    for file in *.java; do
      if [ -f "$file" ] && [ "$file" != "$CODERING_MAIN" ]; then set -- "$@" "$file"; fi
    done
    # shellcheck disable=SC2086 # the flags are words on purpose
    exec javac $(for flag in $jvm_flags; do printf -- '-J%s ' "$flag"; done) -encoding UTF-8 -d /box "$@"
    ;;
  run)
    shift
    class=$(basename "$CODERING_MAIN" .java)
    # shellcheck disable=SC2086
    exec java $jvm_flags -cp /box "$class" "$@"
    ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
