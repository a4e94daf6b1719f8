#define _GNU_SOURCE
#include "box-snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "box-files.h"
#include "clean.h"
#include "sandbox.h"
#include "worker.h"

/* One file of the snapshot: this header, then its path and NUL, then its content. */
typedef struct {
  uint32_t mode;
  uint32_t path_len; /* its NUL included */
  uint64_t size;
} record_t;

/* The child's exit statuses. */
enum { SNAP_OK = 0, SNAP_FAILED = 2, SNAP_TOO_LARGE = 3 };

typedef struct {
  int out;
  size_t bytes;
  int files;
  char path[PATH_MAX];
} walk_t;

static int write_all(int fd, const void *data, size_t n) {
  const char *p = data;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Appends one regular file (its name in dirfd, its path in w->path) to the snapshot. */
static int keep_file(walk_t *w, int dirfd, const char *name, const struct stat *st) {
  if (++w->files > SNAPSHOT_MAX_FILES) return SNAP_TOO_LARGE;
  w->bytes += (size_t)st->st_size + strlen(w->path) + 1 + sizeof(record_t);
  if (w->bytes > SNAPSHOT_MAX_BYTES) return SNAP_TOO_LARGE;
  int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == EACCES && fchmodat(dirfd, name, (st->st_mode & 07777) | 0400, 0) == 0)
    fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return SNAP_FAILED;
  record_t header = {.mode = st->st_mode & 0777, .path_len = (uint32_t)strlen(w->path) + 1, .size = (uint64_t)st->st_size};
  int rc = write_all(w->out, &header, sizeof header) == 0 && write_all(w->out, w->path, header.path_len) == 0 ? SNAP_OK : SNAP_FAILED;
  char chunk[65536];
  uint64_t left = header.size;
  while (rc == SNAP_OK && left > 0) {
    ssize_t n = read(fd, chunk, left < sizeof chunk ? (size_t)left : sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    /* nothing of the sandbox runs any more: a file that changes size now is a failure of ours */
    if (n <= 0 || write_all(w->out, chunk, (size_t)n) != 0) rc = SNAP_FAILED;
    else left -= (uint64_t)n;
  }
  close(fd);
  return rc;
}

/* Walks the folder open at dirfd, whose path (relative to the box) is w->path[0..len). */
static int keep_folder(walk_t *w, int dirfd, size_t len, int depth) {
  int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    if (fd >= 0) close(fd);
    return SNAP_FAILED;
  }
  int rc = SNAP_OK;
  struct dirent *e;
  while (rc == SNAP_OK && (e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    size_t name_len = strlen(e->d_name);
    if (len + 1 + name_len + 1 > sizeof w->path) {
      rc = SNAP_TOO_LARGE;
      break;
    }
    size_t at = len == 0 ? 0 : len + 1;
    if (len > 0) w->path[len] = '/';
    memcpy(w->path + at, e->d_name, name_len + 1);
    struct stat st;
    if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      rc = SNAP_FAILED;
    } else if (S_ISDIR(st.st_mode)) {
      int sub = depth >= SNAPSHOT_MAX_DEPTH ? -1 : openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      rc = depth >= SNAPSHOT_MAX_DEPTH ? SNAP_TOO_LARGE : sub < 0 ? SNAP_FAILED : keep_folder(w, sub, at + name_len, depth + 1);
      if (sub >= 0) close(sub);
    } else if (S_ISREG(st.st_mode)) {
      rc = keep_file(w, dirfd, e->d_name, &st);
    }
    w->path[len] = 0;
  }
  closedir(d);
  return rc;
}

/* In the sandbox's identity: every file of the box, as records, into the descriptor at arg. */
static int write_snapshot(void *arg) {
  static walk_t walk;
  walk.out = *(int *)arg;
  int box = open(BOX_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (box < 0) return SNAP_FAILED;
  return keep_folder(&walk, box, 0, 0);
}

const char *take_box_snapshot(box_snapshot_t *s) {
  memset(s, 0, sizeof *s);
  int fd = (int)syscall(SYS_memfd_create, "box-snapshot", 0);
  if (fd < 0) return "cannot keep the box: memfd_create failed";
  int rc = as_sandbox(write_snapshot, &fd, clean_budget_ms);
  off_t size = lseek(fd, 0, SEEK_END);
  if (rc == SNAP_OK && size > 0) {
    /* the records stay in the memfd's pages, mapped once: no second copy */
    void *data = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
    if (data != MAP_FAILED) {
      s->data = data;
      s->len = (size_t)size;
    }
  }
  close(fd);
  if (rc == SNAP_TOO_LARGE) return "the files and what compile made are too many or too large to run test cases on";
  if (rc != SNAP_OK || size < 0 || (size > 0 && !s->data)) return "cannot keep the box's files between test cases";
  return NULL;
}

/* In the sandbox's identity, in the box proven empty: every file of the snapshot at arg, again. */
static int write_snapshot_files(void *arg) {
  const box_snapshot_t *s = arg;
  umask(0);
  int box = open(BOX_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (box < 0) return WRITE_FAILED;
  for (size_t off = 0; off < s->len;) {
    record_t header;
    memcpy(&header, s->data + off, sizeof header);
    char *path = s->data + off + sizeof header;
    file_t file = {.path = path, .content = path + header.path_len, .len = (size_t)header.size};
    int rc = write_box_file(box, &file, (mode_t)header.mode);
    if (rc != WRITE_OK) return rc;
    off += sizeof header + header.path_len + header.size;
  }
  close(box);
  return WRITE_OK;
}

int restore_box_snapshot(const box_snapshot_t *s) {
  return as_sandbox(write_snapshot_files, (void *)s, clean_budget_ms) == WRITE_OK ? 0 : -1;
}

void free_box_snapshot(box_snapshot_t *s) {
  if (s->data) munmap(s->data, s->len);
  memset(s, 0, sizeof *s);
}
