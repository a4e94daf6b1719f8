/*
 * A growable byte buffer, optionally capped (bytes past the cap are counted, not kept), and the
 * two encodings the result needs: base64 for the program's outputs, JSON strings for our texts.
 */
#ifndef CODERING_BUFFER_H
#define CODERING_BUFFER_H

#include <stddef.h>

typedef struct {
  char *data;
  size_t len, cap, limit;
  int truncated;
} buffer_t;

void buf_init(buffer_t *b, size_t limit);
void buf_free(buffer_t *b);
/* Appends up to the limit; returns the number of bytes that did not fit. */
size_t buf_append(buffer_t *b, const char *src, size_t n);
void buf_printf(buffer_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_puts(buffer_t *b, const char *s);
/* Outputs travel as base64 so that any bytes survive. */
void buf_base64(buffer_t *out, const char *src, size_t n);
/* A JSON string, quoted and escaped, for the few texts we write (messages, signal names). */
void buf_json_string(buffer_t *out, const char *s);

#endif
