# codering base image for Debian bookworm: the proxy-function image every runtime starts FROM.
# Rendered from factory/templates/files/base.Dockerfile.hbs; the tag is a hash of this text, the
# context files and the id of codering/debian:bookworm.

# Stage 1: compile the proxy with the suite's own compiler, so it links against the suite's libc.
FROM codering/debian:bookworm AS proxy-build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
# The proxy is several C files (proxy/c/ in the repository), compiled together into one binary.
COPY proxy/ /src/proxy/
RUN mkdir -p /out && gcc -O2 -Wall -o /out/codering-proxy /src/proxy/*.c

# Stage 2: the image itself. Only the proxy binary crosses over; the compiler stays behind.
FROM codering/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini ca-certificates libcap2-bin \
 && rm -rf /var/lib/apt/lists/*
# The sandbox user runs the student's program; /box is its home and the workdir (a tmpfs at run time).
# Each warm worker of a machine runs its programs under a uid of its own (60000-60063, all in group
# sandbox), so that a per-request process limit (RLIMIT_NPROC counts a uid's processes host-wide)
# is really per worker, and no two workers' programs ever share a uid. The range is one hosts leave
# unused (Debian reserves it for packages, below systemd's dynamic users); uid 1000 is the default
# for platforms that run one program per container (Nuclio).
RUN groupadd --gid 1000 sandbox \
 && useradd --uid 1000 --gid 1000 --home-dir /box --no-create-home --shell /usr/sbin/nologin sandbox \
 && for n in $(seq 0 63); do \
      useradd --uid "$((60000 + n))" --gid 1000 --home-dir /box --no-create-home --shell /usr/sbin/nologin "sandbox$n"; \
    done \
 && mkdir -p /box /opt/codering/bin \
 && chown 1000:1000 /box
COPY --from=proxy-build /out/codering-proxy /opt/codering/bin/codering-proxy
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
WORKDIR /box
LABEL org.codering.managed="true" org.codering.layer="base" org.codering.suite="bookworm"
# Every runtime image adds its own runtime.sh (runtimes/<language>/runtime.sh) as its first step.
ONBUILD COPY runtime.sh /opt/codering/runtime.sh
ENTRYPOINT ["/usr/bin/tini","-s","--","/opt/codering/bin/codering-proxy"]
CMD ["--serve"]
