/*
 * A worker proven clean between runs.
 *
 * Workers are reused, so the next tenant must find exactly what a fresh worker shows. The paths
 * the sandbox user can write (the image's root is read-only) are emptied after every run, and
 * then the state is *proven* fresh from outside the sandbox: each writable path empty with its
 * first mode and owner, no IPC object, no process left. A worker that can't be proven clean
 * within its budget is retired, never reused. Nothing starts for the next tenant (no program, no
 * prewarmed interpreter) before the proof.
 */
#ifndef CODERING_CLEAN_H
#define CODERING_CLEAN_H

#include <stddef.h>

/* CODERING_CLEAN_BUDGET_MS: how long cleaning may take before the worker is retired. */
extern long clean_budget_ms;

/* Remembers how each writable path looks now, when the worker starts: the proof compares with it. */
void record_fresh_dirs(void);
/* Why the worker is not as fresh, into why[]; 0 when it is. */
int prove_clean(char *why, size_t why_len);
/*
 * Cleans as after an answer, then proves: 0 when the worker is as fresh, else why[] says why not.
 * Also between a request's test cases, so that no case finds what an earlier one left.
 */
int clean_and_prove(char *why, size_t why_len);
/*
 * After every answer: clean, then prove. `--serve` tells the platform with a state frame, since the
 * worker is busy until then; one that can't be proven clean says so and ends (the platform
 * replaces it). `--once` has nobody to tell: its next request starts with the proof instead.
 */
void clean_after_answer(void);
/*
 * Before a `--once` request, in a container shared across requests (Nuclio): 0 when the worker is
 * proven clean, after ending and emptying what an earlier request left when it was killed before it
 * could clean (the platform's event timeout kills us, not the program); else why[] says why not.
 */
int clean_before_request(char *why, size_t why_len);

#endif
