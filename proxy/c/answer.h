/*
 * Answering one request: write its files, compile if the runtime is compiled, run, and say what
 * happened in one result (the status decides how the platform reports it).
 */
#ifndef CODERING_ANSWER_H
#define CODERING_ANSWER_H

#include "request.h"

/* Returns 1 when the caller went away (then we stop, without answering), else 0. */
int answer_request(request_t *r);

#endif
