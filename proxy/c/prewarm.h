/*
 * Beyond the interpreter's own start: between requests, `runtime.sh prewarm` starts the
 * interpreter, which loads itself and then blocks reading fd 3. A request only writes the files
 * and sends `main NUL arg NUL arg…` on fd 3: the program starts in an interpreter that is already
 * up. Enabled by the image (ENV CODERING_PREWARM=1) for runtimes whose runtime.sh has the step.
 */
#ifndef CODERING_PREWARM_H
#define CODERING_PREWARM_H

#include <stdint.h>
#include <sys/types.h>

#include "request.h"

typedef struct {
  pid_t pid;
  int ctl, in, out, err;
  /* the rlimits it was started with: only we could change them, and we lack CAP_SYS_RESOURCE */
  long cpu_s;
  long long file_bytes;
  long processes;
  int64_t boot_cpu_ms;
} prewarmed_t;

/* Set by main (--serve and CODERING_PREWARM=1); cleared for good when prewarming fails. */
extern int prewarm_enabled;

/* Starts the next interpreter if prewarm is on and none waits. Only on a worker proven clean. */
void start_prewarm(void);
/*
 * Takes the prewarmed interpreter if it is still waiting and was started with this request's
 * limits (1, into *taken); one with other limits is ended (the request starts cold, 0).
 */
int take_prewarmed(const request_t *r, prewarmed_t *taken);
/* Ends the interpreter that waits, if any: the request it waited for will not run. */
void discard_prewarmed(void);

#endif
