# codering exercise image: ruby@3.1.2 + nokogiri@>=1.15,<2 rake@13.0.6
# Rendered from factory/templates/files/exercise.Dockerfile.hbs; the tag is a hash of this text and
# the id of the runtime image. Every runtime layer is reused as is; the libraries are installed in a
# builder stage whose first steps (the installer's own apt packages) are the same for every exercise
# of this runtime, so adding a library only re-runs the install itself.

FROM codering/ruby:3.1.2-0123456789ab AS libs
# CAs the installers trust while building (CODERING_BUILD_CA, e.g. a TLS-intercepting proxy's; often
# none). They stay in this stage, as only /opt/codering/lib is copied out, and out of the tag.
COPY build-ca/ /usr/local/share/ca-certificates/codering-build-ca/
RUN update-ca-certificates >/dev/null
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt npm_config_cafile=/etc/ssl/certs/ca-certificates.crt
# gem: one `gem install` per gem, each requirement its own -v.
RUN mkdir -p /opt/codering/lib/ruby \
 && gem install --no-document --install-dir /opt/codering/lib/ruby nokogiri -v '>=1.15' -v '<2' \
 && gem install --no-document --install-dir /opt/codering/lib/ruby rake -v 13.0.6

FROM codering/ruby:3.1.2-0123456789ab
COPY --from=libs /opt/codering/lib /opt/codering/lib
ENV GEM_PATH=/opt/codering/lib/ruby:
LABEL org.codering.managed="true" org.codering.layer="exercise" org.codering.runtime="ruby@3.1.2" org.codering.libraries="nokogiri@>=1.15,<2 rake@13.0.6"
