#define _GNU_SOURCE
#include "run-status.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

long long read_oom_kills(void) {
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

const char *run_status(const request_t *r, const phase_t *run, long long oom_before, char *message, size_t message_len) {
  long long oom_after = read_oom_kills();
  int oom = oom_before >= 0 && oom_after > oom_before;
  int over_memory = r->memory_bytes > 0 && run->max_rss_bytes > r->memory_bytes;
  if (run->cancelled || run->input_closed) return "cancelled";
  if (run->output_limited) {
    snprintf(message, message_len, "the program wrote more than %ld bytes", r->output_bytes);
    return "output_limit";
  }
  if (run->timed_out) {
    snprintf(message, message_len, "the program ran longer than %ld ms", r->wall_ms);
    return "timeout";
  }
  if (oom || (over_memory && !(run->exited && run->exit_code == 0))) {
    snprintf(message, message_len, "the program used more memory than allowed");
    return "memory_limit";
  }
  if (over_memory) {
    snprintf(message, message_len, "the program used %lld bytes, more than the %lld allowed", run->max_rss_bytes, r->memory_bytes);
    return "memory_limit";
  }
  if (run->signal == SIGXCPU || (run->signal == SIGKILL && run->cpu_ms >= r->cpu_ms) || run->cpu_ms > r->cpu_ms) {
    snprintf(message, message_len, "the program used more than %ld ms of CPU", r->cpu_ms);
    return "timeout";
  }
  if (!run->exited || run->exit_code != 0) return "runtime_error";
  return "ok";
}
