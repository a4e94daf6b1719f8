/*
 * The request (proxy/README.md): `codering/1`, then `<field> <length>\n<bytes>\n` repeated, then
 * `end`. Lengths are in bytes so that any content survives; the proxy never parses JSON.
 */
#ifndef CODERING_REQUEST_H
#define CODERING_REQUEST_H

#include <stddef.h>

#define MAX_REQUEST_BYTES (64u * 1024u * 1024u)
#define MAX_FILES 256
#define MAX_ARGS 256

struct test_case; /* cases.h: a request's test cases, run one after the other on one compile */

typedef struct {
  char *path;
  char *content; /* inside path's allocation, after its NUL */
  size_t len;
} file_t;

typedef struct {
  file_t files[MAX_FILES];
  int nfiles;
  char *args[MAX_ARGS];
  int nargs;
  struct test_case *cases;
  int ncases;
  char *main_file;
  char *stdin_data;
  size_t stdin_len;
  char id[128];
  long wall_ms, cpu_ms, compile_wall_ms, output_bytes, processes;
  long long memory_bytes, file_bytes;
  int stream, interactive; /* --serve only: output frames while it runs; stdin frames into its stdin (stream.h) */
} request_t;

/* Returns NULL on success, or a message for a malformed request. 1 in *eof on clean EOF. */
const char *read_request(request_t *r, int *eof);
void request_free(request_t *r);
/* A field's decimal number (at most 18 digits), or -1 when it is not one. */
long long parse_number(const char *s, size_t n);

#endif
