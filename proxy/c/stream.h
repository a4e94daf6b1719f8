/*
 * Streaming runs (proxy/README.md, "Streaming and interactive stdin"), in --serve only:
 * - `stream 1`: what the program writes goes out as output frames while it runs
 *   (`{"stream":"stdout","data":"<base64>"}`), before its result; only bytes within the output
 *   limit are sent, so the limit counts streamed bytes too;
 * - `interactive 1`: the program's stdin stays open after the request's own stdin and takes the
 *   `stdin <length>\n<bytes>\n` frames that arrive on our stdin while it runs, until `stdin-eof`.
 */
#ifndef CODERING_STREAM_H
#define CODERING_STREAM_H

#include <stddef.h>

#include "buffer.h"
#include "input.h"
#include "request.h"

/* Before a phase: `out` and `err` are its buffers; in a streamed run they stream, the compiler's and the program's. */
void stream_phase_begin(const request_t *r, const char *phase, const buffer_t *out, const buffer_t *err);
/* After a phase's buffer `b` kept `n` bytes: an output frame of them, if `b` streams. */
void stream_output(const buffer_t *b, const char *data, size_t n);

/* Interactive runs: a pipe for the program's stdin; returns its read end, the write end in *writer. */
int stream_stdin_pipe(int *writer);
/* Input is buffered that stream_input_during_run can take without reading fd 0. */
int stream_input_ready(void);
/* Takes `cancel`, `stdin` frames and `stdin-eof` from stdin (reading fd 0 once if `readable`). */
input_event_t stream_input_during_run(int readable);
/* The program's stdin has something to be written now (the request's stdin, or queued frames), or is due to close. */
int stream_stdin_wanted(const request_t *r, size_t sent);
/* Writes what it can to the program's stdin; 1 when it is to be closed (all given, or the program closed it). */
int stream_stdin_write(int fd, const request_t *r, size_t *sent, short revents);

/* Before reading a request: the rest of a stdin frame the last run did not take is skipped, the queue emptied. */
void stream_between_requests(void);
/* A `stdin` frame or `stdin-eof` that came after its run ended (read_request skips them): 1 if `line` was one. */
int stream_skip_late_input(const char *line);

#endif
