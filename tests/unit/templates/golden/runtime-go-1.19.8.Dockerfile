# codering runtime image go@1.19.8 (Debian bookworm).
# Rendered from factory/templates/files/runtime.Dockerfile.hbs; the tag is a hash of this text, the
# context files and the id of the base image.
FROM codering/base:bookworm-0123456789ab
# (the base image's ONBUILD has copied runtime.sh to /opt/codering/runtime.sh here)
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends golang-go \
 && rm -rf /var/lib/apt/lists/*
# The catalogue must say what Debian really installed: the build fails when no package's upstream
# version (epoch and Debian revision stripped) equals 1.19.8 or is a dotted prefix of it.
RUN want=1.19.8 seen=''; \
    for package in golang-go; do \
      found="$(dpkg-query -W -f='${Version}' "$package")"; found="${found#*:}"; found="${found%%[-+~]*}"; \
      case "$want" in "$found"|"$found".*) exit 0 ;; esac; \
      seen="$seen $package=$found"; \
    done; \
    echo "codering: the catalogue says go $want, but Debian bookworm installed:$seen" >&2; exit 1
RUN mkdir -p /opt/codering/go-cache && GOCACHE=/opt/codering/go-cache go build std
# The proxy runs `runtime.sh compile` before `run` (proxy/README.md).
ENV CODERING_COMPILED=1
LABEL org.codering.managed="true" org.codering.layer="runtime" org.codering.suite="bookworm" org.codering.runtime="go@1.19.8" org.codering.language="go" org.codering.version="1.19.8"
