#define _GNU_SOURCE
#include "cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box-snapshot.h"
#include "buffer.h"
#include "clean.h"
#include "prewarm.h"
#include "result.h"
#include "run-status.h"
#include "worker.h"

void free_cases(request_t *r) {
  for (int i = 0; i < r->ncases; i++) free(r->cases[i].raw);
  free(r->cases);
  r->cases = NULL;
  r->ncases = 0;
}

/* One field of a case, `<name> <length>\n<bytes>\n` like the request's own; its bytes NUL-ended in place. */
static const char *case_field(test_case_t *c, const char *name, char *value, size_t len) {
  if (strcmp(name, "stdin") == 0) {
    c->stdin_data = value;
    c->stdin_len = len;
    return NULL;
  }
  if (strcmp(name, "arg") == 0) {
    if (c->nargs >= MAX_ARGS || strlen(value) != len) return "bad case arg";
    c->args[c->nargs++] = value;
    return NULL;
  }
  long long num = parse_number(value, len);
  long *limit = strcmp(name, "wall_ms") == 0        ? &c->wall_ms
                : strcmp(name, "cpu_ms") == 0       ? &c->cpu_ms
                : strcmp(name, "output_bytes") == 0 ? &c->output_bytes
                : strcmp(name, "processes") == 0    ? &c->processes
                                                    : NULL;
  if (strcmp(name, "memory_bytes") == 0) {
    if (num < 0) return "bad case number";
    c->memory_bytes = num;
  } else if (limit) {
    /* like the request's own, a case's wall and CPU time must be positive */
    if (num < 0 || (num == 0 && (limit == &c->wall_ms || limit == &c->cpu_ms))) return "bad case number";
    *limit = (long)num;
  }
  /* unknown fields are ignored, as in the request */
  return NULL;
}

const char *add_case(request_t *r, char *val, size_t len) {
  if (r->ncases >= MAX_CASES) {
    free(val);
    return "too many cases";
  }
  if (r->ncases % 16 == 0) {
    test_case_t *grown = realloc(r->cases, (size_t)(r->ncases + 16) * sizeof *grown);
    if (!grown) {
      free(val);
      return "out of memory";
    }
    r->cases = grown;
  }
  test_case_t *c = &r->cases[r->ncases++];
  memset(c, 0, sizeof *c);
  c->raw = val;
  c->wall_ms = c->cpu_ms = c->output_bytes = c->processes = -1;
  c->memory_bytes = -1;
  for (size_t off = 0; off < len;) {
    char *line = val + off;
    char *newline = memchr(line, '\n', len - off);
    char *space = newline ? memchr(line, ' ', (size_t)(newline - line)) : NULL;
    if (!space) return "bad case field";
    *space = 0;
    long long field_len = parse_number(space + 1, (size_t)(newline - space - 1));
    size_t start = (size_t)(newline + 1 - val);
    if (field_len < 0 || start + (size_t)field_len >= len || val[start + (size_t)field_len] != '\n') return "bad case field";
    val[start + (size_t)field_len] = 0;
    const char *problem = case_field(c, line, val + start, (size_t)field_len);
    if (problem) return problem;
    off = start + (size_t)field_len + 1;
  }
  return NULL;
}

/* The request as one case runs it: the request's files and main, the case's stdin, args and limits. */
static void case_view(const request_t *r, const test_case_t *c, request_t *view) {
  *view = *r;
  view->stdin_data = c->stdin_data;
  view->stdin_len = c->stdin_len;
  memcpy(view->args, c->args, sizeof c->args);
  view->nargs = c->nargs;
  if (c->wall_ms > 0) view->wall_ms = c->wall_ms;
  if (c->cpu_ms > 0) view->cpu_ms = c->cpu_ms;
  if (c->output_bytes >= 0) view->output_bytes = c->output_bytes;
  if (c->processes >= 0) view->processes = c->processes;
  if (c->memory_bytes >= 0) view->memory_bytes = c->memory_bytes;
}

/* What the cases that ran said, answered as one result whose `cases` holds a result per case. */
typedef struct {
  phase_t run;
  const char *status;
  char message[256];
} case_result_t;

static void emit_cases_result(const char *status, const char *message, const phase_t *compile, const case_result_t *results, int n) {
  buffer_t json;
  buf_init(&json, SIZE_MAX);
  buf_result_fields(&json, status, message, compile, NULL);
  buf_puts(&json, ",\"cases\":[");
  for (int i = 0; i < n; i++) {
    if (i > 0) buf_puts(&json, ",");
    buf_result_fields(&json, results[i].status, results[i].message, NULL, &results[i].run);
    buf_puts(&json, "}");
  }
  buf_puts(&json, "]}");
  emit_frame(&json);
  buf_free(&json);
}

int answer_cases(request_t *r, const phase_t *compile) {
  const char *status = "ok";
  char message[384] = "";
  box_snapshot_t snapshot;
  const char *problem = take_box_snapshot(&snapshot);
  if (problem) {
    /* only compile can make the box too large to keep: the request's own files always fit */
    discard_prewarmed();
    emit_run_result(compile ? "compile_error" : "internal_error", problem, compile, NULL);
    free_box_snapshot(&snapshot);
    return 0;
  }
  case_result_t *results = xmalloc((size_t)r->ncases * sizeof *results);
  int ran = 0, caller_gone = 0;
  for (int i = 0; i < r->ncases; i++) {
    /* every case starts from the box compile left, on a worker proven as fresh as after an answer;
       the first of an interpreted runtime finds its box just written (and its interpreter waiting) */
    if (i > 0 || compile) {
      char why[256];
      if (clean_and_prove(why, sizeof why) != 0) {
        status = "internal_error";
        snprintf(message, sizeof message, "the worker could not be proven clean before test case %d: %s", i + 1, why);
        break;
      }
      /* the next interpreter starts on a proven worker, and boots while the box is written again */
      start_prewarm();
      if (restore_box_snapshot(&snapshot) != 0) {
        status = "internal_error";
        snprintf(message, sizeof message, "cannot write the box again before test case %d", i + 1);
        break;
      }
    }
    request_t view;
    case_view(r, &r->cases[i], &view);
    case_result_t *result = &results[ran];
    result->message[0] = 0;
    long long oom_before = read_oom_kills();
    run_phase(&view, "run", view.wall_ms, &result->run);
    ran++;
    result->status = run_status(&view, &result->run, oom_before, result->message, sizeof result->message);
    if (result->run.input_closed) caller_gone = 1;
    if (result->run.cancelled || result->run.input_closed) {
      status = "cancelled";
      break;
    }
  }
  /* one started for a case that never ran: the proof after the answer admits no process */
  discard_prewarmed();
  if (!caller_gone) emit_cases_result(status, message, compile, results, ran);
  for (int i = 0; i < ran; i++) {
    buf_free(&results[i].run.out);
    buf_free(&results[i].run.err);
  }
  free(results);
  free_box_snapshot(&snapshot);
  return caller_gone;
}
