# codering exercise image: c@12.2.0 + apt:libgmp-dev apt:zlib1g-dev=1:1.2.13.dfsg-1
# Rendered from factory/templates/files/exercise.Dockerfile.hbs; the tag is a hash of this text and
# the id of the runtime image. Every runtime layer is reused as is; the libraries are installed in a
# builder stage whose first steps (the installer's own apt packages) are the same for every exercise
# of this runtime, so adding a library only re-runs the install itself.

FROM codering/c:12.2.0-0123456789ab
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libgmp-dev zlib1g-dev=1:1.2.13.dfsg-1 \
 && rm -rf /var/lib/apt/lists/*
LABEL org.codering.managed="true" org.codering.layer="exercise" org.codering.runtime="c@12.2.0" org.codering.libraries="apt:libgmp-dev apt:zlib1g-dev=1:1.2.13.dfsg-1"
