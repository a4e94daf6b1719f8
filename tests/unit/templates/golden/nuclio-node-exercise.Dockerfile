# Nuclio target of 127.0.0.1:5000/codering/node-exercise:18.20.4-ba9876543210: the same image, plus the shell-runtime handler and Nuclio's processor.
# Rendered from factory/templates/files/nuclio.Dockerfile.hbs. The function's image is the last stage;
# the first, shell-runtime, is everything but the processor: what the integration tier's shell-runtime
# harness runs (`--target shell-runtime`, tests/integration/nuclio) on machines that cannot pull from
# quay.io. The processor version must equal the Nuclio platform's (1.14.1).
FROM 127.0.0.1:5000/codering/node-exercise:18.20.4-ba9876543210 AS shell-runtime
COPY handler.sh /opt/nuclio/handler.sh
# The pod runs as uid 1000 (the processor); the proxy runs each program as another user. So its
# binary gets the file capabilities SETUID, SETGID and KILL (it drops them all in the program), and
# only uid 1000 may run it (chown clears capabilities: it comes first). No setuid or setgid binary is
# left in the image: the pod must allow privilege escalation for file capabilities to apply. Nothing
# is writable by all either: a pod without a read-only root (a function the API deploys gets no
# Deployment patch) leaves a program only the emptyDirs /box and /tmp, which the proxy empties.
# (setcap comes with the base image: libcap2-bin.)
RUN chown 1000:1000 /opt/codering/bin/codering-proxy \
 && chmod 0500 /opt/codering/bin/codering-proxy \
 && setcap cap_setuid,cap_setgid,cap_kill+ep /opt/codering/bin/codering-proxy \
 && find / -xdev -type f -perm /6000 -exec chmod ug-s {} + \
 && find / -xdev -perm -0002 ! -type l -exec chmod o-w {} +
LABEL org.codering.target="nuclio-shell"
# tini stays PID 1: it reaps what a timed-out program leaves (the processor kills the handler only).
ENTRYPOINT ["/usr/bin/tini","-s","--"]

# Built only for the function's image: a build with `--target shell-runtime` stops above.
FROM quay.io/nuclio/processor:1.14.1-amd64 AS processor
# uhttpc: Nuclio's own tiny HTTP client for the HEALTHCHECK (the image has no curl).
FROM quay.io/nuclio/uhttpc:0.0.1-amd64 AS uhttpc

FROM shell-runtime
COPY --from=processor /home/nuclio/bin/processor /usr/local/bin/processor
COPY --from=uhttpc /home/nuclio/bin/uhttpc /usr/local/bin/uhttpc
LABEL org.codering.target="nuclio" org.codering.nuclio-processor="1.14.1"
# The local platform's readiness probe (Kubernetes uses :8080/__internal/health and :8082/live).
HEALTHCHECK --interval=1s --timeout=3s CMD /usr/local/bin/uhttpc --url http://127.0.0.1:8082/ready || exit 1
# The processor replaces the proxy's loop: it runs handler.sh once per event.
CMD ["processor"]
