# codering runtime image python@3.11.2 FROM the upstream image python:3.11-slim-bookworm, for clusters that
# can pull from Docker Hub (never built on machines without Internet registries).
# Rendered from factory/templates/files/runtime-upstream.Dockerfile.hbs. The upstream image provides
# the interpreter (no version check: it does not come from dpkg); everything else matches the base
# image: tini, the sandbox user, the proxy, runtime.sh, the entrypoint. Upstream images must be
# Debian-based (apt-get): the proxy is compiled on the upstream image itself so it links its libc.

FROM python:3.11-slim-bookworm AS proxy-build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
# The proxy is several C files (proxy/c/ in the repository), compiled together into one binary.
COPY proxy/ /src/proxy/
RUN mkdir -p /out && gcc -O2 -Wall -o /out/codering-proxy /src/proxy/*.c

FROM python:3.11-slim-bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini ca-certificates libcap2-bin \
 && rm -rf /var/lib/apt/lists/*
# Upstream images may already own uid/gid 1000 (node's `node` user): the sandbox takes them over.
RUN user="$(getent passwd 1000 | cut -d: -f1)"; if [ -n "$user" ]; then userdel "$user"; fi; \
    group="$(getent group 1000 | cut -d: -f1)"; if [ -n "$group" ]; then groupdel "$group"; fi; \
    groupadd --gid 1000 sandbox \
 && useradd --uid 1000 --gid 1000 --home-dir /box --no-create-home --shell /usr/sbin/nologin sandbox \
 && mkdir -p /box /opt/codering/bin \
 && chown 1000:1000 /box
COPY --from=proxy-build /out/codering-proxy /opt/codering/bin/codering-proxy
COPY runtime.sh /opt/codering/runtime.sh
ENV LANG=C.UTF-8
WORKDIR /box
LABEL org.codering.managed="true" org.codering.layer="runtime" org.codering.suite="bookworm" org.codering.runtime="python@3.11.2" org.codering.language="python" org.codering.version="3.11.2" org.codering.target="upstream"
ENTRYPOINT ["/usr/bin/tini","-s","--","/opt/codering/bin/codering-proxy"]
CMD ["--serve"]
