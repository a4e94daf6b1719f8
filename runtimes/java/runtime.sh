#!/bin/sh
# Java: javac every top-level .java file, run the class of the main file that has a main method, named
# as the source names it (any name, in a package or not). Both JVMs start with the flags that cut
# start-up for short programs: one GC thread, C1 only, the JDK's class-data-sharing archive.
set -eu
jvm_flags="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"
# what `compile` found to run: the class's binary name (`Solution`, `com.example.Solution`)
main_class=/box/.codering-main

# Reads a Java source on stdin; prints `PUBLIC CLASS`: its public top-level type (`-`: none), and the
# top-level type to run, package included (`-`: none has `static void main(String[])`): the public
# one if it has a main, else the one named like the file, else the first. Comments, string, char
# and text-block literals are blanked first, so that nothing in them is taken for code.
scan() {
  awk -v file="$1" '
    { source = source $0 "\n" }
    END {
      rest = source; code = ""
      while ((at = match(rest, /\/\/|\/\*|"|\047/)) > 0) {
        code = code substr(rest, 1, at - 1); token = substr(rest, at, RLENGTH); rest = substr(rest, at + RLENGTH)
        if (token == "//") {
          end = index(rest, "\n"); rest = end ? substr(rest, end) : ""
        } else if (token == "/*") {
          end = index(rest, "*/"); rest = end ? substr(rest, end + 2) : ""; code = code " "
        } else {
          # a text block ends at the first unescaped """, a literal at the first unescaped quote
          if (token == "\"" && substr(rest, 1, 2) == "\"\"") { token = "\"\"\""; rest = substr(rest, 3) }
          while (rest != "") {
            c = substr(rest, 1, 1)
            if (c == "\\") { rest = substr(rest, 3); continue }
            if (substr(rest, 1, length(token)) == token) { rest = substr(rest, length(token) + 1); break }
            rest = substr(rest, 2)
          }
          code = code " \"\" "
        }
      }
      code = code rest
      gsub(/[{}();@<>,=\[\]]/, " & ", code)
      count = split(code, tokens, /[ \t\r\n\f]+/)
      depth = 0; parens = 0; public = 0; static = 0; type = ""; pending = ""; package = ""
      for (i = 1; i <= count; i++) {
        t = tokens[i]
        if (t == "") continue
        if (t == "(") { parens++; continue }
        if (t == ")") { parens--; continue }
        if (parens > 0) continue
        if (t == "{") {
          depth++
          if (depth == 1 && pending != "") { type = pending; pending = "" }
          public = 0; static = 0; continue
        }
        if (t == "}") { depth--; if (depth == 0) type = ""; public = 0; static = 0; continue }
        if (t == ";") { public = 0; static = 0; continue }
        if (depth == 0) {
          if (t == "package") { package = tokens[++i] "." }
          else if (t == "public") public = 1
          else if (t == "class" || t == "interface" || t == "enum" || t == "record") {
            pending = tokens[++i]; names[++types] = pending
            if (public && publicType == "") publicType = pending
          }
        } else if (depth == 1 && type != "") {
          if (t == "static") static = 1
          else if (t == "main" && static && tokens[i - 1] == "void" && tokens[i + 1] == "(") {
            # its parameter: String[] args, String args[], String... args (final, annotations)
            strings = 0; array = 0
            for (j = i + 2; j <= count && tokens[j] != ")"; j++) {
              if (tokens[j] ~ /^(java\.lang\.)?String(\.\.\.)?$/) strings = 1
              if (tokens[j] == "[" || tokens[j] ~ /\.\.\.$/) array = 1
            }
            if (strings && array) runnable[type] = 1
          }
        }
      }
      base = file; sub(/^.*\//, "", base); sub(/\.java$/, "", base)
      run = ""
      if (publicType != "" && runnable[publicType]) run = publicType
      else if (runnable[base]) run = base
      else for (k = 1; k <= types && run == ""; k++) if (runnable[names[k]]) run = names[k]
      print (publicType == "" ? "-" : publicType), (run == "" ? "-" : package run)
    }
  '
}

# Copies stdin to stdout with every occurrence of $FROM written $TO (literally).
renamed() {
  awk '{
    line = $0; out = ""
    while ((at = index(line, ENVIRON["FROM"])) > 0) {
      out = out substr(line, 1, at - 1) ENVIRON["TO"]; line = substr(line, at + length(ENVIRON["FROM"]))
    }
    print out line
  }'
}

case "${1:-}" in
  compile)
    # shellcheck disable=SC2046 # two words on purpose
    set -- $(scan "$CODERING_MAIN" <"$CODERING_MAIN")
    public=$1 class=$2
    # javac wants a public class in a file of its name: a main file named otherwise is compiled as a
    # copy so named, and javac's messages name the main file again
    source=$CODERING_MAIN copy=''
    if [ "$public" != - ] && [ "$public" != "$(basename "$CODERING_MAIN" .java)" ]; then
      copy=/tmp/codering-java
      mkdir -p "$copy"
      source="$copy/$public.java"
      cp "$CODERING_MAIN" "$source"
    fi
    set -- "$source"
    for file in *.java; do
      if [ -f "$file" ] && [ "$file" != "$CODERING_MAIN" ]; then set -- "$@" "$file"; fi
    done
    flags=$(for flag in $jvm_flags; do printf -- '-J%s ' "$flag"; done)
    status=0
    if [ -z "$copy" ]; then
      # shellcheck disable=SC2086 # the flags are words on purpose
      javac $flags -encoding UTF-8 -d /box "$@" || status=$?
    else
      # shellcheck disable=SC2086
      javac $flags -encoding UTF-8 -d /box "$@" >"$copy/stdout" 2>"$copy/stderr" || status=$?
      export FROM="$source" TO="$CODERING_MAIN"
      renamed <"$copy/stdout"
      renamed <"$copy/stderr" >&2
      rm -rf "$copy"
    fi
    if [ "$status" -ne 0 ]; then exit "$status"; fi
    if [ "$class" = - ]; then
      echo "$CODERING_MAIN has no main method to run: declare one in its class, public static void main(String[] args)" >&2
      exit 1
    fi
    printf '%s\n' "$class" >"$main_class"
    ;;
  run)
    shift
    # shellcheck disable=SC2086
    exec java $jvm_flags -cp /box "$(cat "$main_class")" "$@"
    ;;
  *) echo "runtime.sh: unknown step '${1:-}'" >&2; exit 2 ;;
esac
