/*
 * codering-proxy: the one program every codering image starts (see proxy/README.md).
 *
 * It reads a request (files, stdin, args, limits), runs the user's program through
 * /opt/codering/runtime.sh as the sandbox user, and answers one JSON result. It always exits 0:
 * a user program that fails is a result, not a crash of the proxy.
 *
 * Why C: the proxy sits between every request and the interpreter, in every image of every
 * language, on Debian roots that have no other language we could rely on. It must add almost
 * nothing to the interpreter's own start, and it needs system calls (setuid, rlimits, pidfd,
 * subreaper, kill(-1)) that a shell script cannot make.
 *
 * The parts, one concern each: request (reading and checking a request, on input's buffered
 * stdin), box-files (writing its files), sandbox and syscall-filter (what a program runs as and
 * with), phase and prewarm (starting and supervising compile or run), processes (watching and
 * ending them), answer (the status of a request), result and buffer (the JSON on stdout), clean
 * (emptying the worker and proving it fresh), worker (what they all share).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "answer.h"
#include "clean.h"
#include "guardian.h"
#include "prewarm.h"
#include "request.h"
#include "result.h"
#include "sandbox.h"
#include "worker.h"

int main(int argc, char **argv) {
  int once = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--serve") == 0) serve_mode = 1;
    else if (strcmp(argv[i], "--once") == 0) once = 1;
    else {
      fprintf(stderr, "usage: codering-proxy --serve | --once\n");
      return 2;
    }
  }
  if (!serve_mode && !once) serve_mode = 1;
  signal(SIGPIPE, SIG_IGN);
  /* a program of the same uid must not be able to ptrace us or read our memory */
  prctl(PR_SET_DUMPABLE, 0);
  const char *uid = getenv("CODERING_SANDBOX_UID");
  if (uid && *uid) {
    sandbox_uid = (uid_t)atoi(uid);
    own_uid = 1;
  }
  we_are_root = geteuid() == 0;
  may_switch_uid = we_are_root || has_uid_capabilities();
  /* before we become a subreaper: the guardian must be init's, not ours */
  if (once && (!own_uid || may_switch_uid) && sandbox_uid != geteuid()) start_guardian();
  /* orphans of the program come back to us, so we can reap and count them */
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  const char *prewarm = getenv("CODERING_PREWARM");
  prewarm_enabled = serve_mode && !once && prewarm && strcmp(prewarm, "1") == 0;
  if (!may_switch_uid && own_uid) {
    /* a uid was asked for and we can't give it (a pod without the capabilities, or that forbids
       privilege escalation): refuse, rather than run the program as the platform */
    log_err("cannot run programs as uid %d: neither root nor SETUID/SETGID/KILL capable", (int)sandbox_uid);
    emit_simple("internal_error", "the proxy cannot switch to the sandbox uid (it needs root or SETUID, SETGID and KILL)");
    return 0;
  }
  if (!may_switch_uid) log_err("neither root nor SETUID/SETGID/KILL capable: the program runs with our own uid");
  else if (sandbox_uid == geteuid()) {
    log_err("the sandbox uid %d is ours: refusing to run programs as the platform", (int)sandbox_uid);
    emit_simple("internal_error", "the sandbox uid is the platform's own (set CODERING_SANDBOX_UID)");
    return 0;
  }

  const char *budget = getenv("CODERING_CLEAN_BUDGET_MS");
  if (budget && *budget && atol(budget) > 0) clean_budget_ms = atol(budget);
  record_fresh_dirs();

  request_t r;
  for (;;) {
    int eof = 0;
    /* the next tenant's interpreter starts only on a worker proven clean (after the last answer, or fresh) */
    start_prewarm();
    const char *problem = read_request(&r, &eof);
    if (eof) break;
    if (problem) {
      request_free(&r);
      emit_simple("internal_error", problem);
      /* a malformed stream can't be resynchronised: end, the platform replaces the worker */
      break;
    }
    char why[256];
    if (once && clean_before_request(why, sizeof why) != 0) {
      /* a container shared across events (Nuclio) that an earlier event left dirty beyond repair: refuse */
      request_free(&r);
      log_err("not clean: %s", why);
      emit_simple("internal_error", "the worker is not clean");
      break;
    }
    int caller_gone = answer_request(&r);
    request_free(&r);
    if (caller_gone) break;
    clean_after_answer();
    if (once) break;
  }
  stop_guardian();
  return 0;
}
