/*
 * Writing the request's files under the box, as the sandbox user (through as_sandbox), so that
 * nothing a file's name could meet leads out of the box or onto another file.
 */
#ifndef CODERING_BOX_FILES_H
#define CODERING_BOX_FILES_H

#include <sys/types.h>

#include "request.h"

/* write_files' exit statuses: anything but WRITE_OK is a `files_rejected` answer. */
enum { WRITE_OK = 0, WRITE_FAILED = 2, WRITE_CONFLICT = 6, WRITE_TOO_LARGE = 5 };

/* Writes one file under the box open at `box` (its folders made as needed); returns one of WRITE_*. */
int write_box_file(int box, const file_t *file, mode_t mode);
/* Writes every file of the request_t at arg; returns one of WRITE_*. */
int write_files(void *arg);

#endif
