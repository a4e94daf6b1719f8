/*
 * A request's test cases (proxy/README.md, `case`): the program is written and compiled once, then
 * run once per case, each with its own stdin, args and limits, in the same worker. Between cases the
 * worker is cleaned and proven fresh as after an answer, and the box is made again as compile left
 * it (box-snapshot.h): a case can't leave a process, a file or an IPC object to the next one.
 */
#ifndef CODERING_CASES_H
#define CODERING_CASES_H

#include <stddef.h>

#include "phase.h"
#include "request.h"

#define MAX_CASES 256

/* One case, from a `case` field: its stdin and args (none unless given), its limits (-1: the request's). */
typedef struct test_case {
  char *raw; /* the field's bytes: stdin and args point into them */
  char *stdin_data;
  size_t stdin_len;
  char *args[MAX_ARGS];
  int nargs;
  long wall_ms, cpu_ms, output_bytes, processes;
  long long memory_bytes;
} test_case_t;

/* Parses a `case` field's value (it takes `val`); NULL on success, else why the request is malformed. */
const char *add_case(request_t *r, char *val, size_t len);
void free_cases(request_t *r);
/*
 * Runs every case of `r` after its files were written and, when compiled (`compile` not NULL), it
 * compiled; answers one result with a `cases` array. 1 when the caller went away (no answer), else 0.
 */
int answer_cases(request_t *r, const phase_t *compile);

#endif
