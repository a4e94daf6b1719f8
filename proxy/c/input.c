#define _GNU_SOURCE
#include "input.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static struct {
  char buf[65536];
  size_t start, end;
  int eof;
} in;

static int fill_input(void) {
  if (in.start > 0 && in.start == in.end) in.start = in.end = 0;
  if (in.end == sizeof in.buf) {
    memmove(in.buf, in.buf + in.start, in.end - in.start);
    in.end -= in.start;
    in.start = 0;
  }
  for (;;) {
    ssize_t n = read(0, in.buf + in.end, sizeof in.buf - in.end);
    if (n > 0) {
      in.end += (size_t)n;
      return 1;
    }
    if (n == 0) {
      in.eof = 1;
      return 0;
    }
    if (errno != EINTR) {
      in.eof = 1;
      return 0;
    }
  }
}

ssize_t read_line(char *dst, size_t max) {
  size_t n = 0;
  for (;;) {
    while (in.start < in.end) {
      char c = in.buf[in.start++];
      if (c == '\n') {
        dst[n] = 0;
        return (ssize_t)n;
      }
      if (n + 1 >= max) return -1;
      dst[n++] = c;
    }
    if (!fill_input()) return -1;
  }
}

int read_exact(char *dst, size_t n) {
  while (n > 0) {
    if (in.start == in.end && !fill_input()) return -1;
    size_t have = in.end - in.start;
    size_t take = have < n ? have : n;
    memcpy(dst, in.buf + in.start, take);
    in.start += take;
    dst += take;
    n -= take;
  }
  return 0;
}

int input_eof(void) { return in.eof; }

input_event_t input_during_run(void) {
  /* only `cancel` may arrive while a program runs; anything else is a broken caller */
  if (in.start == in.end) fill_input();
  if (in.eof) return INPUT_CLOSED;
  char line[64];
  if (memchr(in.buf + in.start, '\n', in.end - in.start)) {
    read_line(line, sizeof line);
    if (strcmp(line, "cancel") == 0) return INPUT_CANCEL;
  }
  return INPUT_NOTHING;
}

size_t input_buffered(const char **data) {
  *data = in.buf + in.start;
  return in.end - in.start;
}

void input_consume(size_t n) {
  size_t have = in.end - in.start;
  in.start += n < have ? n : have;
}

int input_read_more(void) { return fill_input(); }
