#define _GNU_SOURCE
#include "box-files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "request.h"
#include "worker.h"

static int write_failure(int err) {
  if (err == ENOSPC || err == EFBIG || err == EDQUOT) return WRITE_TOO_LARGE;
  /* a name that is both a file and a folder, twice the same, or anything not a plain folder */
  if (err == EEXIST || err == ENOTDIR || err == ELOOP || err == EISDIR) return WRITE_CONFLICT;
  return WRITE_FAILED;
}

/*
 * Writes one file under the box, one component at a time from the box's own descriptor: no
 * component may be a symlink (O_NOFOLLOW on each), nothing may exist already (O_EXCL), so nothing
 * a name could meet leads out of the box or onto another file.
 */
int write_box_file(int box, const file_t *file, mode_t mode) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", file->path);
  int dirfd = fcntl(box, F_DUPFD_CLOEXEC, 0);
  char *segment = path;
  for (char *slash = strchr(segment, '/'); slash; slash = strchr(segment, '/')) {
    *slash = 0;
    if (mkdirat(dirfd, segment, 0755) != 0 && errno != EEXIST) {
      int err = errno;
      close(dirfd);
      return write_failure(err);
    }
    int next = openat(dirfd, segment, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int err = errno;
    close(dirfd);
    if (next < 0) return write_failure(err);
    dirfd = next;
    segment = slash + 1;
  }
  int fd = openat(dirfd, segment, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  int err = errno;
  close(dirfd);
  if (fd < 0) return write_failure(err);
  size_t off = 0;
  while (off < file->len) {
    ssize_t w = write(fd, file->content + off, file->len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      err = w < 0 ? errno : ENOSPC;
      close(fd);
      return write_failure(err);
    }
    off += (size_t)w;
  }
  close(fd);
  return WRITE_OK;
}

int write_files(void *arg) {
  request_t *r = arg;
  umask(022);
  int box = open(BOX_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (box < 0) return WRITE_FAILED;
  for (int i = 0; i < r->nfiles; i++) {
    int rc = write_box_file(box, &r->files[i], 0644);
    if (rc != WRITE_OK) return rc;
  }
  close(box);
  return WRITE_OK;
}
