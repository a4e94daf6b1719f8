/*
 * What a run ended as: the status the platform reports (ok, runtime_error, timeout, memory_limit,
 * output_limit, cancelled) and, for a limit, a message that names it. One decision for a request's
 * run and for each of its test cases.
 */
#ifndef CODERING_RUN_STATUS_H
#define CODERING_RUN_STATUS_H

#include <stddef.h>

#include "phase.h"
#include "request.h"

/* The container's OOM kills so far (cgroup v1 or v2), or -1 when unknown: compared before/after a run. */
long long read_oom_kills(void);
/* The status of a run of `r` that ended as `run`; a limit it hit is named in message[]. */
const char *run_status(const request_t *r, const phase_t *run, long long oom_before, char *message, size_t message_len);

#endif
