/*
 * A buffered reader on stdin. It is ours alone (a program never inherits fd 0 of ours): requests
 * arrive on it, and while a program runs we poll it for a `cancel` line.
 */
#ifndef CODERING_INPUT_H
#define CODERING_INPUT_H

#include <stddef.h>
#include <sys/types.h>

/* Reads one line (without '\n') of at most max bytes. Returns length, or -1 at EOF/too long. */
ssize_t read_line(char *dst, size_t max);
/* Reads exactly n bytes; -1 at EOF. */
int read_exact(char *dst, size_t n);
/* The caller closed stdin (or reading it failed). */
int input_eof(void);

/* What stdin said while a program ran. */
typedef enum { INPUT_NOTHING, INPUT_CANCEL, INPUT_CLOSED } input_event_t;
/* Called when fd 0 is readable while a program runs. */
input_event_t input_during_run(void);

/* For readers of their own (stream.c): the bytes buffered and not yet taken, taking n of them, and
   one more read of fd 0 (0 at EOF). */
size_t input_buffered(const char **data);
void input_consume(size_t n);
int input_read_more(void);

#endif
