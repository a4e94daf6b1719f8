# codering exercise image: node@18.20.4 + apt:jq @types/node@20 lodash@4
# Rendered from factory/templates/files/exercise.Dockerfile.hbs; the tag is a hash of this text and
# the id of the runtime image. Every runtime layer is reused as is; the libraries are installed in a
# builder stage whose first steps (the installer's own apt packages) are the same for every exercise
# of this runtime, so adding a library only re-runs the install itself.

FROM codering/node:18.20.4-0123456789ab AS libs
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm \
 && rm -rf /var/lib/apt/lists/*
# CAs the installers trust while building (CODERING_BUILD_CA, e.g. a TLS-intercepting proxy's; often
# none). They stay in this stage, as only /opt/codering/lib is copied out, and out of the tag.
COPY build-ca/ /usr/local/share/ca-certificates/codering-build-ca/
RUN update-ca-certificates >/dev/null
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt npm_config_cafile=/etc/ssl/certs/ca-certificates.crt
# npm: into /opt/codering/lib/node, found through NODE_PATH.
ENV npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
RUN mkdir -p /opt/codering/lib/node \
 && npm install --prefix /opt/codering/lib/node --no-progress @types/node@20 lodash@4

FROM codering/node:18.20.4-0123456789ab
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends jq \
 && rm -rf /var/lib/apt/lists/*
COPY --from=libs /opt/codering/lib /opt/codering/lib
ENV NODE_PATH=/opt/codering/lib/node/node_modules
LABEL org.codering.managed="true" org.codering.layer="exercise" org.codering.runtime="node@18.20.4" org.codering.libraries="apt:jq @types/node@20 lodash@4"
