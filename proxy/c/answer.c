#define _GNU_SOURCE
#include "answer.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box-files.h"
#include "buffer.h"
#include "clean.h"
#include "phase.h"
#include "prewarm.h"
#include "result.h"
#include "sandbox.h"

static long long read_oom_kills(void) {
  /* cgroup v1 and v2 both count OOM kills of the container's cgroup; we compare before/after */
  static const char *files[] = {"/sys/fs/cgroup/memory/memory.oom_control", "/sys/fs/cgroup/memory.events"};
  for (size_t i = 0; i < 2; i++) {
    FILE *f = fopen(files[i], "r");
    if (!f) continue;
    char key[64];
    long long v;
    long long found = -1;
    while (fscanf(f, "%63s %lld", key, &v) == 2) {
      if (strcmp(key, "oom_kill") == 0) found = v;
    }
    fclose(f);
    if (found >= 0) return found;
  }
  return -1;
}

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
  if (ran) {
    run_phase(r, "run", r->wall_ms, &run);
    long long oom_after = read_oom_kills();
    int oom = oom_before >= 0 && oom_after > oom_before;
    int over_memory = r->memory_bytes > 0 && run.max_rss_bytes > r->memory_bytes;
    if (run.cancelled || run.input_closed) status = "cancelled";
    else if (run.output_limited) {
      status = "output_limit";
      snprintf(message, sizeof message, "the program wrote more than %ld bytes", r->output_bytes);
    } else if (run.timed_out) {
      status = "timeout";
      snprintf(message, sizeof message, "the program ran longer than %ld ms", r->wall_ms);
    } else if (oom || (over_memory && !(run.exited && run.exit_code == 0))) {
      status = "memory_limit";
      snprintf(message, sizeof message, "the program used more memory than allowed");
    } else if (over_memory) {
      status = "memory_limit";
      snprintf(message, sizeof message, "the program used %lld bytes, more than the %lld allowed", run.max_rss_bytes, r->memory_bytes);
    } else if (run.signal == SIGXCPU || (run.signal == SIGKILL && run.cpu_ms >= r->cpu_ms) || run.cpu_ms > r->cpu_ms) {
      status = "timeout";
      snprintf(message, sizeof message, "the program used more than %ld ms of CPU", r->cpu_ms);
    } else if (!run.exited || run.exit_code != 0) {
      status = "runtime_error";
    }
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
