# codering API image: the registry API (registry-api/server.ts, compiled) on Debian trixie's own Node.js.
# Rendered from factory/templates/files/api.Dockerfile.hbs; the tag is a hash of this text, the
# context files (the API's sources, package.json, package-lock.json) and the id of codering/debian:trixie.

# Stage 1: the production node_modules, installed from the lockfile by the suite's own node and npm,
# so that native modules (better-sqlite3) are compiled against exactly the node that loads them.
# Its inputs are the lockfile and package.json alone: a change of the sources reuses this stage.
FROM codering/debian:trixie AS modules
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm libnode-dev python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# CAs npm trusts while building (CODERING_BUILD_CA, e.g. a TLS-intercepting proxy's; often none).
# They stay in this stage, as only node_modules is copied out, and out of the tag.
COPY build-ca/ /usr/local/share/ca-certificates/codering-build-ca/
RUN update-ca-certificates >/dev/null
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm_config_cafile=/etc/ssl/certs/ca-certificates.crt \
    npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_progress=false \
    npm_config_nodedir=/usr npm_config_build_from_source=true npm_config_jobs=max
WORKDIR /opt/codering/api
COPY api/package.json api/package-lock.json ./
# Only the npm registry is asked. No install script runs but those package.json allows
# (allowScripts), and native modules build from source against Debian's headers (libnode-dev,
# nodedir), never from a prebuilt download. The Pulumi program's own dependencies go: the API never
# loads them (--offline: the lockfile already says what stays).
RUN npm ci --omit=dev --ignore-scripts \
 && npm uninstall --offline --omit=dev --ignore-scripts @pulumi/kubernetes @pulumi/pulumi \
 && npm rebuild better-sqlite3 esbuild \
 && find node_modules -path '*/build/*' \( -name obj -o -name obj.target -o -name .deps \) -prune -exec rm -rf {} + \
 && find node_modules -path '*/build/*' -name '*.a' -delete

# Stage 2: the image itself. Node, tini as PID 1 (it forwards the stop signal, so the API drains and
# removes its workers), the modules and the compiled sources; no C compiler, no npm.
FROM codering/debian:trixie
# apt-get clean: the downloaded packages would stay in /var/cache/apt (the Debian root keeps them).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && apt-get clean
# The API runs as uid 1000, never root. It writes to its data dir (/data: a volume or a
# tmpfs) and nowhere else, so the root filesystem can be read-only. To start workers on the local
# platform it needs the engine's socket, and the socket's group (docker run --group-add <gid>).
RUN groupadd --gid 1000 codering \
 && useradd --uid 1000 --gid 1000 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin codering \
 && mkdir -p /data \
 && chown 1000:1000 /data \
 && chmod 0700 /data
WORKDIR /opt/codering/api
COPY --from=modules /opt/codering/api/node_modules ./node_modules
# Checked when the image is built, not at its first start: this node satisfies package.json's
# engines, and the native module loads under it (the same ABI it was compiled for).
RUN node -e 'const range = ">=20"; if (!require("semver").satisfies(process.version, range)) { console.error("codering: node " + process.version + " does not satisfy engines.node " + range); process.exit(1); } new (require("better-sqlite3"))(":memory:").prepare("select 1").get();'
COPY api/ ./
# The TypeScript compiled once, here, by the esbuild that tsx transforms it with at each `npm start`:
# every file to a .js beside it (with its source map), so each path the code finds from its own
# folder (the templates, the catalogue, the proxy's C sources) is the same, and nothing is
# transformed, cached or written at start.
RUN node_modules/.bin/esbuild $(find . -path ./node_modules -prune -o -name '*.ts' -print) \
      --outdir=. --outbase=. --format=cjs --platform=node --target="node$(node -p process.versions.node)" \
      --sourcemap --log-level=warning
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 CODERING_DATA_DIR=/data CODERING_HOST=0.0.0.0 CODERING_PORT=8080
USER 1000:1000
EXPOSE 8080
LABEL org.codering.managed="true" org.codering.layer="api" org.codering.suite="trixie" org.codering.version="1.2.3"
ENTRYPOINT ["/usr/bin/tini","--","node","--enable-source-maps","registry-api/server.js"]
