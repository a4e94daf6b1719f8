#define _GNU_SOURCE
#include "clean.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "prewarm.h"
#include "processes.h"
#include "result.h"
#include "sandbox.h"
#include "worker.h"

static const char *const WRITABLE_DIRS[] = {BOX_DIR, "/tmp", "/dev/shm", "/dev/mqueue"};
#define N_WRITABLE_DIRS (sizeof WRITABLE_DIRS / sizeof WRITABLE_DIRS[0])

/* How each writable path looked when the worker started: the proof compares with it. */
static struct {
  int present;
  mode_t mode;
  uid_t uid;
  gid_t gid;
} fresh_dirs[N_WRITABLE_DIRS];

long clean_budget_ms = 5000;

void record_fresh_dirs(void) {
  for (size_t i = 0; i < N_WRITABLE_DIRS; i++) {
    struct stat st;
    fresh_dirs[i].present = lstat(WRITABLE_DIRS[i], &st) == 0 && S_ISDIR(st.st_mode);
    if (!fresh_dirs[i].present) continue;
    fresh_dirs[i].mode = st.st_mode & 07777;
    fresh_dirs[i].uid = st.st_uid;
    fresh_dirs[i].gid = st.st_gid;
  }
}

/* One directory level being emptied: the subdirectories its scan found not empty yet. */
typedef struct {
  char *name; /* its name in the parent; NULL for the top */
  char **pending;
  size_t npending, cap, next;
} level_t;

static int is_dir_entry(int dirfd, const struct dirent *e) {
  if (e->d_type != DT_UNKNOWN) return e->d_type == DT_DIR;
  struct stat st;
  return fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* Removes what can go at once; remembers the subdirectories that need a visit. 0 = no failure. */
static int scan_level(int dirfd, level_t *lv) {
  int failed = 0;
  int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    if (fd >= 0) close(fd);
    return -1;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (!is_dir_entry(dirfd, e)) {
      if (unlinkat(dirfd, e->d_name, 0) != 0) failed = 1;
      continue;
    }
    if (unlinkat(dirfd, e->d_name, AT_REMOVEDIR) == 0) continue; /* it was empty */
    /* a program may have taken its own permissions away: the owner gives them back */
    fchmodat(dirfd, e->d_name, 0700, 0);
    if (lv->npending == lv->cap) {
      lv->cap = lv->cap ? lv->cap * 2 : 16;
      lv->pending = realloc(lv->pending, lv->cap * sizeof *lv->pending);
      if (!lv->pending) _exit(3);
    }
    lv->pending[lv->npending++] = strdup(e->d_name);
  }
  closedir(d);
  return failed ? -1 : 0;
}

/*
 * Empties the directory open at `top` (the descriptor is consumed), whatever the depth or size of
 * the tree. Two descriptors at most: the way back up is `..` and a stack of names on the heap, so
 * a tree deeper than the descriptor limit goes like any other. Safe because no process of the
 * sandbox is left to move directories while we walk (the proof checks that too).
 */
static int empty_tree(int top) {
  size_t depth = 0, cap = 16;
  level_t *levels = calloc(cap, sizeof *levels);
  int cur = top, failed = 0;
  if (!levels) _exit(3);
  depth = 1;
  if (scan_level(cur, &levels[0]) != 0) failed = 1;
  while (depth > 0) {
    level_t *lv = &levels[depth - 1];
    if (lv->next < lv->npending) {
      char *child = lv->pending[lv->next];
      lv->pending[lv->next++] = NULL;
      int sub = openat(cur, child, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0) {
        failed = 1;
        free(child);
        continue;
      }
      close(cur);
      cur = sub;
      if (depth == cap) {
        cap *= 2;
        levels = realloc(levels, cap * sizeof *levels);
        if (!levels) _exit(3);
      }
      levels[depth] = (level_t){.name = child};
      depth++;
      if (scan_level(cur, &levels[depth - 1]) != 0) failed = 1;
      continue;
    }
    /* this level is done: go back up and remove it */
    char *name = lv->name;
    free(lv->pending);
    depth--;
    if (depth == 0) break;
    int parent = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    close(cur);
    cur = parent;
    if (cur < 0 || unlinkat(cur, name, AT_REMOVEDIR) != 0) failed = 1;
    free(name);
    if (cur < 0) break;
  }
  for (size_t i = 0; i < depth; i++) {
    for (size_t j = levels[i].next; j < levels[i].npending; j++) free(levels[i].pending[j]);
    free(levels[i].pending);
    free(levels[i].name);
  }
  free(levels);
  if (cur >= 0) close(cur);
  return failed ? -1 : 0;
}

/* Extended attributes (user.* on tmpfs) on a top directory would outlive its contents. */
static void remove_xattrs(const char *path) {
  char names[4096];
  ssize_t n = llistxattr(path, names, sizeof names);
  for (ssize_t off = 0; n > 0 && off < n; off += (ssize_t)strlen(names + off) + 1) lremovexattr(path, names + off);
}

/* System V IPC objects live in the container's IPC namespace, not in a file: remove ours. */
static void remove_sysv_ipc(void) {
  static const struct {
    const char *file;
    int kind;
  } tables[] = {{"/proc/sysvipc/shm", 0}, {"/proc/sysvipc/msg", 1}, {"/proc/sysvipc/sem", 2}};
  for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
    FILE *f = fopen(tables[t].file, "r");
    if (!f) continue;
    char line[512];
    if (!fgets(line, sizeof line, f)) {
      fclose(f);
      continue;
    }
    while (fgets(line, sizeof line, f)) {
      int key, id;
      if (sscanf(line, "%d %d", &key, &id) != 2) continue;
      if (tables[t].kind == 0) shmctl(id, IPC_RMID, NULL);
      else if (tables[t].kind == 1) msgctl(id, IPC_RMID, NULL);
      else semctl(id, 0, IPC_RMID);
    }
    fclose(f);
  }
}

/* In the sandbox's identity (the owner of what the program made): empty every writable path. */
static int clean_sandbox_state(void *unused) {
  (void)unused;
  int failed = 0;
  for (size_t i = 0; i < N_WRITABLE_DIRS; i++) {
    if (!fresh_dirs[i].present) continue;
    const char *path = WRITABLE_DIRS[i];
    /* /box is the sandbox's own: the program may have changed its mode */
    if (fresh_dirs[i].uid == geteuid()) chmod(path, fresh_dirs[i].mode);
    /* attributes too, whoever owns the folder: anyone may set them where anyone may write, and a
       Kubernetes emptyDir is root's with mode 0777 */
    remove_xattrs(path);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || empty_tree(fd) != 0) failed = 1;
  }
  remove_sysv_ipc();
  return failed;
}

static int note_stray(pid_t pid, void *stray) {
  if (pid == getpid()) return 0;
  if (we_are_root && serve_mode ? pid == 1 : !left_behind(pid)) return 0;
  *(pid_t *)stray = pid;
  return 1;
}

/* Runs as uid 0, outside the sandbox: nothing the program left can lie to it. */
int prove_clean(char *why, size_t why_len) {
  for (size_t i = 0; i < N_WRITABLE_DIRS; i++) {
    if (!fresh_dirs[i].present) continue;
    const char *path = WRITABLE_DIRS[i];
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || (st.st_mode & 07777) != fresh_dirs[i].mode ||
        st.st_uid != fresh_dirs[i].uid || st.st_gid != fresh_dirs[i].gid) {
      snprintf(why, why_len, "%s does not have its first mode and owner", path);
      return 1;
    }
    if (llistxattr(path, NULL, 0) > 0) {
      snprintf(why, why_len, "%s has extended attributes", path);
      return 1;
    }
    DIR *d = opendir(path);
    if (!d) {
      snprintf(why, why_len, "%s cannot be listed: %s", path, strerror(errno));
      return 1;
    }
    struct dirent *e;
    int entries = 0;
    /* in a container we share (Nuclio's processor beside us in --once), shared paths may hold
       the platform's own files: there only what the sandbox made counts; the box is ours alone */
    int shared = !(we_are_root && serve_mode) && strcmp(path, BOX_DIR) != 0;
    while ((e = readdir(d))) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      struct stat entry;
      if (shared && fstatat(dirfd(d), e->d_name, &entry, AT_SYMLINK_NOFOLLOW) == 0 && entry.st_uid != sandbox_uid) continue;
      entries++;
    }
    closedir(d);
    if (entries) {
      snprintf(why, why_len, "%s still has %d entries", path, entries);
      return 1;
    }
  }
  static const char *const ipc_tables[] = {"/proc/sysvipc/shm", "/proc/sysvipc/msg", "/proc/sysvipc/sem"};
  for (size_t t = 0; t < sizeof ipc_tables / sizeof ipc_tables[0]; t++) {
    FILE *f = fopen(ipc_tables[t], "r");
    if (!f) continue;
    char line[512];
    int lines = 0;
    while (fgets(line, sizeof line, f)) lines++;
    fclose(f);
    if (lines > 1) {
      snprintf(why, why_len, "%s lists %d objects", ipc_tables[t], lines - 1);
      return 1;
    }
  }
  /* no process left: in our own container, none but init and us; in one shared with the platform,
     none the sandbox user left outside the platform's sessions (processes.h) */
  pid_t stray = 0;
  each_process(note_stray, &stray);
  if (stray) {
    snprintf(why, why_len, "process %d is still alive", (int)stray);
    return 1;
  }
  return 0;
}

/*
 * Cleans, then proves. 0 = the worker is as fresh and may serve again; otherwise why[] says why
 * not and the worker must be retired. Its time is after the answer: never the program's.
 */
int clean_and_prove(char *why, size_t why_len) {
  int64_t started = now_ms();
  int rc = as_sandbox(clean_sandbox_state, NULL, clean_budget_ms);
  if (prove_clean(why, why_len) == 0) return 0;
  if (rc != 0 && now_ms() - started >= clean_budget_ms) {
    size_t used = strlen(why);
    snprintf(why + used, why_len - used, " (cleaning ran out of its %ld ms budget)", clean_budget_ms);
  }
  return 1;
}

int clean_before_request(char *why, size_t why_len) {
  if (prove_clean(why, why_len) == 0) return 0;
  /* what the platform's kill of an earlier event (us, and only us) left: its program, its files */
  log_err("cleaning what an earlier request left: %s", why);
  if (end_left_behind(clean_budget_ms) != 0) log_err("some processes of an earlier request did not end in time");
  return clean_and_prove(why, why_len);
}

void clean_after_answer(void) {
  char why[256] = "";
  int64_t started = now_ms();
  int dirty = clean_and_prove(why, sizeof why);
  if (!serve_mode) return;
  if (dirty) {
    log_err("retiring: %s", why);
    emit_state_retired(why);
    exit(0);
  }
  int64_t clean_ms = now_ms() - started;
  /* proven clean: the next interpreter may start, and it starts before the platform hears the
     worker is free, so that it boots while the next request is on its way (not after) */
  start_prewarm();
  emit_state_clean(clean_ms);
}
