/*
 * The box as a request's test cases start it: its files (the request's, and what compile added, such
 * as the program it built) kept in the proxy's memory once, and written again before each case on a
 * box cleaned and proven empty. A case may change or delete any of them, or leave others: the next
 * case never sees it. Only regular files are kept, with their permission bits; folders are made
 * again as their files need them (0755); links, pipes and sockets compile made are not kept.
 */
#ifndef CODERING_BOX_SNAPSHOT_H
#define CODERING_BOX_SNAPSHOT_H

#include <stddef.h>

/* What the box may hold to be kept: the largest request's size, and a bound on entries and depth. */
#define SNAPSHOT_MAX_BYTES (64u * 1024u * 1024u)
#define SNAPSHOT_MAX_FILES 4096
#define SNAPSHOT_MAX_DEPTH 32

typedef struct {
  char *data; /* records: a header, the path and its NUL, the content */
  size_t len;
} box_snapshot_t;

/* Reads the box as the sandbox user; NULL on success, else why it could not be kept. */
const char *take_box_snapshot(box_snapshot_t *s);
/* Writes the snapshot's files into the (empty) box as the sandbox user; 0 on success. */
int restore_box_snapshot(const box_snapshot_t *s);
void free_box_snapshot(box_snapshot_t *s);

#endif
