#define _GNU_SOURCE
#include "buffer.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result.h"

void buf_init(buffer_t *b, size_t limit) {
  b->data = NULL;
  b->len = b->cap = 0;
  b->limit = limit;
  b->truncated = 0;
}

void buf_free(buffer_t *b) {
  free(b->data);
  buf_init(b, b->limit);
}

size_t buf_append(buffer_t *b, const char *src, size_t n) {
  size_t room = b->limit > b->len ? b->limit - b->len : 0;
  size_t take = n < room ? n : room;
  if (take) {
    if (b->len + take > b->cap) {
      size_t ncap = b->cap ? b->cap : 4096;
      while (ncap < b->len + take) ncap *= 2;
      char *nd = realloc(b->data, ncap);
      if (!nd) die_internal("out of memory");
      b->data = nd;
      b->cap = ncap;
    }
    memcpy(b->data + b->len, src, take);
    b->len += take;
  }
  if (take < n) b->truncated = 1;
  return n - take;
}

void buf_printf(buffer_t *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0) buf_append(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void buf_puts(buffer_t *b, const char *s) { buf_append(b, s, strlen(s)); }

void buf_base64(buffer_t *out, const char *src, size_t n) {
  static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char quad[4];
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = ((uint8_t)src[i] << 16) | ((uint8_t)src[i + 1] << 8) | (uint8_t)src[i + 2];
    quad[0] = tbl[v >> 18], quad[1] = tbl[(v >> 12) & 63], quad[2] = tbl[(v >> 6) & 63], quad[3] = tbl[v & 63];
    buf_append(out, quad, 4);
  }
  if (i < n) {
    uint32_t v = (uint8_t)src[i] << 16;
    if (i + 1 < n) v |= (uint8_t)src[i + 1] << 8;
    quad[0] = tbl[v >> 18], quad[1] = tbl[(v >> 12) & 63];
    quad[2] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
    quad[3] = '=';
    buf_append(out, quad, 4);
  }
}

void buf_json_string(buffer_t *out, const char *s) {
  buf_puts(out, "\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      buf_append(out, e, 2);
    } else if (c < 0x20) {
      buf_printf(out, "\\u%04x", c);
    } else {
      buf_append(out, (const char *)&c, 1);
    }
  }
  buf_puts(out, "\"");
}
