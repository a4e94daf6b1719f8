# codering exercise image: python@3.11.2 + requests==2.31.0 uvicorn[standard]>=0.20
# Rendered from factory/templates/files/exercise.Dockerfile.hbs; the tag is a hash of this text and
# the id of the runtime image. Every runtime layer is reused as is; the libraries are installed in a
# builder stage whose first steps (the installer's own apt packages) are the same for every exercise
# of this runtime, so adding a library only re-runs the install itself.

FROM codering/python:3.11.2-0123456789ab AS libs
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-pip \
 && rm -rf /var/lib/apt/lists/*
# CAs the installers trust while building (CODERING_BUILD_CA, e.g. a TLS-intercepting proxy's; often
# none). They stay in this stage, as only /opt/codering/lib is copied out, and out of the tag.
COPY build-ca/ /usr/local/share/ca-certificates/codering-build-ca/
RUN update-ca-certificates >/dev/null
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt npm_config_cafile=/etc/ssl/certs/ca-certificates.crt
# pip: --target (not into the system's site-packages, which Debian marks externally managed).
RUN python3 -m pip install --no-cache-dir --disable-pip-version-check --no-warn-script-location \
      --target /opt/codering/lib/python requests==2.31.0 'uvicorn[standard]>=0.20'

FROM codering/python:3.11.2-0123456789ab
COPY --from=libs /opt/codering/lib /opt/codering/lib
ENV PYTHONPATH=/opt/codering/lib/python
LABEL org.codering.managed="true" org.codering.layer="exercise" org.codering.runtime="python@3.11.2" org.codering.libraries="requests==2.31.0 uvicorn[standard]>=0.20"
