# Nuclio target of 127.0.0.1:5000/codering/node-exercise:18.20.4-ba9876543210: the same image, plus Nuclio's processor, for a cluster's shell runtime.
# Rendered from factory/templates/files/nuclio.Dockerfile.hbs; never built on machines that cannot
# pull from quay.io. The processor version must equal the Nuclio platform's (1.14.1).
FROM quay.io/nuclio/processor:1.14.1-amd64 AS processor
# uhttpc: Nuclio's own tiny HTTP client for the HEALTHCHECK (the image has no curl).
FROM quay.io/nuclio/uhttpc:0.0.1-amd64 AS uhttpc

FROM 127.0.0.1:5000/codering/node-exercise:18.20.4-ba9876543210
COPY --from=processor /home/nuclio/bin/processor /usr/local/bin/processor
COPY --from=uhttpc /home/nuclio/bin/uhttpc /usr/local/bin/uhttpc
COPY handler.sh /opt/nuclio/handler.sh
LABEL org.codering.target="nuclio" org.codering.nuclio-processor="1.14.1"
# The local platform's readiness probe (Kubernetes uses :8080/__internal/health and :8082/live).
HEALTHCHECK --interval=1s --timeout=3s CMD /usr/local/bin/uhttpc --url http://127.0.0.1:8082/ready || exit 1
# tini stays PID 1 (it reaps what a timed-out program leaves); the processor replaces the proxy's loop.
ENTRYPOINT ["/usr/bin/tini","-s","--"]
CMD ["processor"]
