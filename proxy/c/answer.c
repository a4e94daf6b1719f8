#define _GNU_SOURCE
#include "answer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box-files.h"
#include "buffer.h"
#include "cases.h"
#include "clean.h"
#include "phase.h"
#include "prewarm.h"
#include "result.h"
#include "run-status.h"
#include "sandbox.h"

static int compiled_runtime(void) {
  const char *v = getenv("CODERING_COMPILED");
  return v && strcmp(v, "1") == 0;
}

int answer_request(request_t *r) {
  long long oom_before = read_oom_kills();
  int rc = as_sandbox(write_files, r, clean_budget_ms);
  if (rc != WRITE_OK) {
    /* the request's own fault (names that collide, files larger than the box): the worker is fine.
       The interpreter waiting for this request goes too: the proof admits no process, and the next
       one starts after it, on a box proven empty again. */
    discard_prewarmed();
    emit_simple("files_rejected", rc == WRITE_TOO_LARGE ? "the files do not fit in the workdir"
                                  : rc == WRITE_CONFLICT ? "two files' paths collide (a file and a folder of the same name, or the same path twice)"
                                                         : "cannot write the files");
    return 0;
  }
  phase_t compile, run;
  int did_compile = 0;
  const char *status = "ok";
  char message[256] = "";
  memset(&run, 0, sizeof run);
  if (compiled_runtime()) {
    did_compile = 1;
    run_phase(r, "compile", r->compile_wall_ms, &compile);
    if (compile.cancelled || compile.input_closed) {
      status = "cancelled";
    } else if (compile.timed_out) {
      status = "compile_error";
      snprintf(message, sizeof message, "compilation took longer than %ld ms", r->compile_wall_ms);
    } else if (compile.output_limited) {
      status = "compile_error";
      snprintf(message, sizeof message, "the compiler wrote more than %ld bytes", r->output_bytes);
    } else if (!compile.exited || compile.exit_code != 0) {
      status = "compile_error";
    }
  }
  int ran = strcmp(status, "ok") == 0;
  if (ran && r->ncases > 0) {
    /* test cases: each runs the program compiled once, in a box made again as compile left it */
    int caller_gone = answer_cases(r, did_compile ? &compile : NULL);
    if (did_compile) {
      buf_free(&compile.out);
      buf_free(&compile.err);
    }
    return caller_gone;
  }
  if (ran) {
    run_phase(r, "run", r->wall_ms, &run);
    status = run_status(r, &run, oom_before, message, sizeof message);
  }
  int input_closed = (did_compile && compile.input_closed) || (ran && run.input_closed);
  /* nobody to answer when the caller went away */
  if (!input_closed) emit_run_result(status, message, did_compile ? &compile : NULL, ran ? &run : NULL);
  if (did_compile) {
    buf_free(&compile.out);
    buf_free(&compile.err);
  }
  if (ran) {
    buf_free(&run.out);
    buf_free(&run.err);
  }
  return input_closed;
}
