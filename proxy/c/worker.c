#define _GNU_SOURCE
#include "worker.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "result.h"

int serve_mode;
int we_are_root;
int may_switch_uid;

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die_internal("out of memory");
  return p;
}

int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void log_err(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("codering-proxy: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}
