#define _GNU_SOURCE
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "input.h"
#include "stream.h"
#include "worker.h"

void request_free(request_t *r) {
  for (int i = 0; i < r->nfiles; i++) free(r->files[i].path);
  for (int i = 0; i < r->nargs; i++) free(r->args[i]);
  free(r->main_file);
  free(r->stdin_data);
  free_cases(r);
  memset(r, 0, sizeof *r);
}

long long parse_number(const char *s, size_t n) {
  long long v = 0;
  if (n == 0 || n > 18) return -1;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* A relative path inside /box: no '/' at start, no '..' or '.' or empty segment, printable. */
static int safe_path(const char *p) {
  size_t n = strlen(p);
  if (n == 0 || n > 255 || p[0] == '/') return 0;
  const char *seg = p;
  for (size_t i = 0; i <= n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == '/' || c == 0) {
      size_t len = (size_t)(p + i - seg);
      if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.')) return 0;
      seg = p + i + 1;
    } else if (c < 0x20 || c == 0x7f || c == '\\') {
      return 0;
    }
  }
  return 1;
}

const char *read_request(request_t *r, int *eof) {
  char line[256];
  size_t total = 0;
  memset(r, 0, sizeof *r);
  r->wall_ms = 5000;
  r->cpu_ms = 5000;
  r->compile_wall_ms = 15000;
  r->output_bytes = 64 * 1024;
  r->memory_bytes = 0;
  r->file_bytes = 16 * 1024 * 1024;
  *eof = 0;
  ssize_t n;
  stream_between_requests();
  /* a `cancel` (or stdin) sent just as the previous program ended arrives here: it has nothing left to do */
  while ((n = read_line(line, sizeof line)) >= 0 && (strcmp(line, "cancel") == 0 || stream_skip_late_input(line))) {
  }
  if (n < 0) {
    *eof = 1;
    return "end of input";
  }
  if (strcmp(line, "codering/1") != 0) return "request does not start with codering/1";
  for (;;) {
    if (read_line(line, sizeof line) < 0) return "truncated request";
    if (strcmp(line, "end") == 0) break;
    char *sp = strchr(line, ' ');
    if (!sp) return "field line without length";
    *sp = 0;
    long long len = parse_number(sp + 1, strlen(sp + 1));
    if (len < 0) return "bad field length";
    total += (size_t)len;
    if (total > MAX_REQUEST_BYTES) return "request too large";
    char *val = xmalloc((size_t)len + 1);
    if (read_exact(val, (size_t)len) < 0) {
      free(val);
      return "truncated field";
    }
    val[len] = 0;
    char nl;
    if (read_exact(&nl, 1) < 0 || nl != '\n') {
      free(val);
      return "field not followed by newline";
    }
    const char *name = line;
    if (strcmp(name, "file") == 0) {
      size_t plen = strnlen(val, (size_t)len);
      if (plen == (size_t)len || !safe_path(val) || r->nfiles >= MAX_FILES) {
        free(val);
        return "bad file field";
      }
      r->files[r->nfiles].path = val;
      r->files[r->nfiles].content = val + plen + 1;
      r->files[r->nfiles].len = (size_t)len - plen - 1;
      r->nfiles++;
      continue;
    }
    if (strcmp(name, "arg") == 0) {
      if (r->nargs >= MAX_ARGS || strlen(val) != (size_t)len) {
        free(val);
        return "bad arg field";
      }
      r->args[r->nargs++] = val;
      continue;
    }
    if (strcmp(name, "main") == 0) {
      free(r->main_file);
      r->main_file = val;
      continue;
    }
    if (strcmp(name, "stdin") == 0) {
      free(r->stdin_data);
      r->stdin_data = val;
      r->stdin_len = (size_t)len;
      continue;
    }
    if (strcmp(name, "case") == 0) {
      const char *problem = add_case(r, val, (size_t)len);
      if (problem) return problem;
      continue;
    }
    if (strcmp(name, "id") == 0) {
      snprintf(r->id, sizeof r->id, "%s", val);
      free(val);
      continue;
    }
    long long num = parse_number(val, (size_t)len);
    int numeric = 1;
    if (strcmp(name, "wall_ms") == 0) r->wall_ms = num;
    else if (strcmp(name, "cpu_ms") == 0) r->cpu_ms = num;
    else if (strcmp(name, "compile_wall_ms") == 0) r->compile_wall_ms = num;
    else if (strcmp(name, "output_bytes") == 0) r->output_bytes = num;
    else if (strcmp(name, "processes") == 0) r->processes = num;
    else if (strcmp(name, "memory_bytes") == 0) r->memory_bytes = num;
    else if (strcmp(name, "file_bytes") == 0) r->file_bytes = num;
    else if (strcmp(name, "stream") == 0) r->stream = serve_mode && num > 0;
    else if (strcmp(name, "interactive") == 0) r->interactive = serve_mode && num > 0;
    else numeric = 0; /* unknown fields are ignored: newer callers, older images */
    free(val);
    if (numeric && num < 0) return "bad number";
  }
  if (!r->main_file) return "no main file";
  if (!safe_path(r->main_file)) return "bad main file";
  if (r->wall_ms <= 0 || r->cpu_ms <= 0 || r->compile_wall_ms <= 0) return "limits must be positive";
  return NULL;
}
