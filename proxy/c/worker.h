/*
 * What every part of the proxy knows about the worker it runs in: where the box is, which mode it
 * serves in, whether it is root, plus the clock and the log they all use. Set once by main.
 */
#ifndef CODERING_WORKER_H
#define CODERING_WORKER_H

#include <stddef.h>
#include <stdint.h>

#define BOX_DIR "/box"
#define RUNTIME_SCRIPT "/opt/codering/runtime.sh"

/* --serve: framed requests in a loop, state frames after each answer; else --once */
extern int serve_mode;
/* we can switch uid and own the container: kill(-1) is ours to use */
extern int we_are_root;
/*
 * we can run the program under a uid other than ours: as root, or as an unprivileged platform's
 * process (Nuclio's processor in a non-root pod) through the file capabilities SETUID, SETGID and
 * KILL of the proxy's binary in the Nuclio image. Without it the program would share our uid, and
 * so the platform's: it could signal, trace or read the processor that serves the next tenant.
 */
extern int may_switch_uid;

/* Monotonic milliseconds: every duration the proxy measures or enforces. */
int64_t now_ms(void);
/* One line on stderr, prefixed with the program's name; never part of the result. */
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* malloc that answers internal_error and ends the worker when memory runs out. */
void *xmalloc(size_t n);

#endif
