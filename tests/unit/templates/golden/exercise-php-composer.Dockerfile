# codering exercise image: php@8.2.32 + monolog/monolog@^3.0
# Rendered from factory/templates/files/exercise.Dockerfile.hbs; the tag is a hash of this text and
# the id of the runtime image. Every runtime layer is reused as is; the libraries are installed in a
# builder stage whose first steps (the installer's own apt packages) are the same for every exercise
# of this runtime, so adding a library only re-runs the install itself.

FROM codering/php:8.2.32-0123456789ab AS libs
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends composer \
 && rm -rf /var/lib/apt/lists/*
# CAs the installers trust while building (CODERING_BUILD_CA, e.g. a TLS-intercepting proxy's; often
# none). They stay in this stage, as only /opt/codering/lib is copied out, and out of the tag.
COPY build-ca/ /usr/local/share/ca-certificates/codering-build-ca/
RUN update-ca-certificates >/dev/null
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt npm_config_cafile=/etc/ssl/certs/ca-certificates.crt
# composer: a project in /opt/codering/lib/php; its autoloader is prepended to every script (below).
ENV COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_NO_INTERACTION=1
RUN mkdir -p /opt/codering/lib/php \
 && composer require --working-dir=/opt/codering/lib/php --no-progress --no-interaction 'monolog/monolog:^3.0'

FROM codering/php:8.2.32-0123456789ab
COPY --from=libs /opt/codering/lib /opt/codering/lib
# PHP loads composer's autoloader before the student's script: php.ini's auto_prepend_file, in every
# installed PHP's CLI conf.d, so `use Monolog\Logger;` works without a require line.
RUN for dir in /etc/php/*/cli/conf.d; do \
      echo 'auto_prepend_file=/opt/codering/lib/php/vendor/autoload.php' > "$dir/99-codering-libraries.ini"; \
    done
LABEL org.codering.managed="true" org.codering.layer="exercise" org.codering.runtime="php@8.2.32" org.codering.libraries="monolog/monolog@^3.0"
