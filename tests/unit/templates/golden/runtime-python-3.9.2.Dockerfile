# codering runtime image python@3.9.2 (Debian bullseye).
# Rendered from factory/templates/files/runtime.Dockerfile.hbs; the tag is a hash of this text, the
# context files and the id of the base image.
FROM codering/base:bullseye-0123456789ab
# (the base image's ONBUILD has copied runtime.sh to /opt/codering/runtime.sh here)
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/*
# The catalogue must say what Debian really installed: the build fails when no package's upstream
# version (epoch and Debian revision stripped) equals 3.9.2 or is a dotted prefix of it.
RUN want=3.9.2 seen=''; \
    for package in python3; do \
      found="$(dpkg-query -W -f='${Version}' "$package")"; found="${found#*:}"; found="${found%%[-+~]*}"; \
      case "$want" in "$found"|"$found".*) exit 0 ;; esac; \
      seen="$seen $package=$found"; \
    done; \
    echo "codering: the catalogue says python $want, but Debian bullseye installed:$seen" >&2; exit 1
LABEL org.codering.managed="true" org.codering.layer="runtime" org.codering.suite="bullseye" org.codering.runtime="python@3.9.2" org.codering.language="python" org.codering.version="3.9.2"
