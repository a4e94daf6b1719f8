/*
 * Running one phase of a request (`runtime.sh compile` or `runtime.sh run`) and supervising it:
 * wall-clock deadline, output limit, `cancel` on stdin, then what it used.
 */
#ifndef CODERING_PHASE_H
#define CODERING_PHASE_H

#include <stdint.h>

#include "buffer.h"
#include "request.h"

typedef struct {
  int exited; /* 1 if exited normally */
  int exit_code;
  int signal; /* terminating signal, 0 if none */
  int timed_out;
  int output_limited;
  int cancelled;
  int input_closed; /* the caller went away: stop everything */
  int64_t wall_ms;
  int64_t cpu_ms;
  long long max_rss_bytes;
  buffer_t out, err;
} phase_t;

/* Runs `phase` ("compile" or "run") of the request within wall_ms; the caller frees out's buffers. */
void run_phase(const request_t *r, const char *phase, long wall_ms, phase_t *out);

#endif
