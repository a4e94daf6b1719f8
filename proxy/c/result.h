/*
 * Writing what the proxy answers on stdout (proxy/README.md): one JSON result per request, then in
 * `--serve` a state frame; `--serve` frames each as `codering/1 <length>\n<json>\n`, `--once`
 * writes the JSON alone.
 */
#ifndef CODERING_RESULT_H
#define CODERING_RESULT_H

#include <stdint.h>

#include "phase.h"

/* A result with no output (internal_error, files_rejected): status and message only. */
void emit_simple(const char *status, const char *message);
/* The result of a request: compile is NULL when there was none, run is NULL when it did not run. */
void emit_run_result(const char *status, const char *message, const phase_t *compile, const phase_t *run);
/* Writes one JSON object whole, framed in --serve (an output frame of a streamed run, say). */
void emit_frame(buffer_t *json);
/* The state frames of --serve after the cleaning: proven clean, or retired (and why). */
void emit_state_clean(int64_t clean_ms);
void emit_state_retired(const char *why);
/* A result's fields in their order, from its opening brace to its message: the caller closes it
   (a request's with test cases adds their results, each written by this too). */
void buf_result_fields(buffer_t *json, const char *status, const char *message, const phase_t *compile, const phase_t *run);
/* Answers internal_error with the message and ends the worker: our own state is unknown now. */
void die_internal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
