# codering runtime image node@18.20.4 (Debian bookworm).
# Rendered from factory/templates/files/runtime.Dockerfile.hbs; the tag is a hash of this text, the
# context files and the id of the base image.
FROM codering/base:bookworm-0123456789ab
# (the base image's ONBUILD has copied runtime.sh to /opt/codering/runtime.sh here)
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs \
 && rm -rf /var/lib/apt/lists/*
# The catalogue must say what Debian really installed: the build fails when no package's upstream
# version (epoch and Debian revision stripped) equals 18.20.4 or is a dotted prefix of it.
RUN want=18.20.4 seen=''; \
    for package in nodejs; do \
      found="$(dpkg-query -W -f='${Version}' "$package")"; found="${found#*:}"; found="${found%%[-+~]*}"; \
      case "$want" in "$found"|"$found".*) exit 0 ;; esac; \
      seen="$seen $package=$found"; \
    done; \
    echo "codering: the catalogue says node $want, but Debian bookworm installed:$seen" >&2; exit 1
# The proxy keeps an interpreter started between requests, waiting for the program on fd 3.
ENV CODERING_PREWARM=1
LABEL org.codering.managed="true" org.codering.layer="runtime" org.codering.suite="bookworm" org.codering.runtime="node@18.20.4" org.codering.language="node" org.codering.version="18.20.4"
