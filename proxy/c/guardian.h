/*
 * The guardian of a --once request (Nuclio): ends the program when the proxy is killed.
 */
#ifndef CODERING_GUARDIAN_H
#define CODERING_GUARDIAN_H

/*
 * Starts the guardian (only with a sandbox uid of our own that we can switch to; else nothing).
 * Call it before becoming a child subreaper: the guardian must not be our child.
 */
void start_guardian(void);
/* The request ended normally: the guardian leaves without killing anything. */
void stop_guardian(void);

#endif
