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
 * Why the proxy stays uid 0 while the program runs as uid 1000: a supervisor with the same uid
 * as the code it supervises can be signalled, traced or starved by that code. The container
 * keeps only SETUID, SETGID and KILL; the program loses all of them when it changes uid.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>

#define BOX_DIR "/box"
#define RUNTIME_SCRIPT "/opt/codering/runtime.sh"
#define MAX_REQUEST_BYTES (64u * 1024u * 1024u)
#define MAX_FILES 256
#define MAX_ARGS 256
#define REAP_TIMEOUT_MS 3000

extern char **environ;

/* ---------- small helpers ---------- */

static void die_internal(const char *fmt, ...);

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die_internal("out of memory");
  return p;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void log_err(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("codering-proxy: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* A growable byte buffer, optionally capped: bytes past the cap are counted, not kept. */
typedef struct {
  char *data;
  size_t len, cap, limit;
  int truncated;
} buffer_t;

static void buf_init(buffer_t *b, size_t limit) {
  b->data = NULL;
  b->len = b->cap = 0;
  b->limit = limit;
  b->truncated = 0;
}

static void buf_free(buffer_t *b) {
  free(b->data);
  buf_init(b, b->limit);
}

/* Appends up to the limit; returns the number of bytes that did not fit. */
static size_t buf_append(buffer_t *b, const char *src, size_t n) {
  size_t room = b->limit > b->len ? b->limit - b->len : 0;
  size_t take = n < room ? n : room;
  if (take) {
    if (b->len + take > b->cap) {
      size_t ncap = b->cap ? b->cap : 4096;
      while (ncap < b->len + take) ncap *= 2;
      char *nd = realloc(b->data, ncap);
      if (!nd) die_internal("out of memory");
      b->data = nd;
      b->cap = ncap;
    }
    memcpy(b->data + b->len, src, take);
    b->len += take;
  }
  if (take < n) b->truncated = 1;
  return n - take;
}

static void buf_printf(buffer_t *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0) buf_append(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void buf_puts(buffer_t *b, const char *s) { buf_append(b, s, strlen(s)); }

static void buf_base64(buffer_t *out, const char *src, size_t n) {
  static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char quad[4];
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = ((uint8_t)src[i] << 16) | ((uint8_t)src[i + 1] << 8) | (uint8_t)src[i + 2];
    quad[0] = tbl[v >> 18], quad[1] = tbl[(v >> 12) & 63], quad[2] = tbl[(v >> 6) & 63], quad[3] = tbl[v & 63];
    buf_append(out, quad, 4);
  }
  if (i < n) {
    uint32_t v = (uint8_t)src[i] << 16;
    if (i + 1 < n) v |= (uint8_t)src[i + 1] << 8;
    quad[0] = tbl[v >> 18], quad[1] = tbl[(v >> 12) & 63];
    quad[2] = i + 1 < n ? tbl[(v >> 6) & 63] : '=';
    quad[3] = '=';
    buf_append(out, quad, 4);
  }
}

/* JSON string escaping for the few texts we write (messages, signal names). */
static void buf_json_string(buffer_t *out, const char *s) {
  buf_puts(out, "\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      buf_append(out, e, 2);
    } else if (c < 0x20) {
      buf_printf(out, "\\u%04x", c);
    } else {
      buf_append(out, (const char *)&c, 1);
    }
  }
  buf_puts(out, "\"");
}

/* ---------- buffered reader on stdin (we also poll fd 0 for `cancel` during a run) ---------- */

static struct {
  char buf[65536];
  size_t start, end;
  int eof;
} in;

static int fill_input(void) {
  if (in.start > 0 && in.start == in.end) in.start = in.end = 0;
  if (in.end == sizeof in.buf) {
    memmove(in.buf, in.buf + in.start, in.end - in.start);
    in.end -= in.start;
    in.start = 0;
  }
  for (;;) {
    ssize_t n = read(0, in.buf + in.end, sizeof in.buf - in.end);
    if (n > 0) {
      in.end += (size_t)n;
      return 1;
    }
    if (n == 0) {
      in.eof = 1;
      return 0;
    }
    if (errno != EINTR) {
      in.eof = 1;
      return 0;
    }
  }
}

/* Reads one line (without '\n') of at most max bytes. Returns length, or -1 at EOF/too long. */
static ssize_t read_line(char *dst, size_t max) {
  size_t n = 0;
  for (;;) {
    while (in.start < in.end) {
      char c = in.buf[in.start++];
      if (c == '\n') {
        dst[n] = 0;
        return (ssize_t)n;
      }
      if (n + 1 >= max) return -1;
      dst[n++] = c;
    }
    if (!fill_input()) return -1;
  }
}

static int read_exact(char *dst, size_t n) {
  while (n > 0) {
    if (in.start == in.end && !fill_input()) return -1;
    size_t have = in.end - in.start;
    size_t take = have < n ? have : n;
    memcpy(dst, in.buf + in.start, take);
    in.start += take;
    dst += take;
    n -= take;
  }
  return 0;
}

/* ---------- the request ---------- */

typedef struct {
  char *path;
  char *content;
  size_t len;
} file_t;

typedef struct {
  file_t files[MAX_FILES];
  int nfiles;
  char *args[MAX_ARGS];
  int nargs;
  char *main_file;
  char *stdin_data;
  size_t stdin_len;
  char id[128];
  long wall_ms, cpu_ms, compile_wall_ms, output_bytes, processes;
  long long memory_bytes, file_bytes;
} request_t;

static void request_free(request_t *r) {
  for (int i = 0; i < r->nfiles; i++) free(r->files[i].path);
  for (int i = 0; i < r->nargs; i++) free(r->args[i]);
  free(r->main_file);
  free(r->stdin_data);
  memset(r, 0, sizeof *r);
}

static long long parse_number(const char *s, size_t n) {
  long long v = 0;
  if (n == 0 || n > 18) return -1;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* A relative path inside /box: no '/' at start, no '..' or '.' or empty segment, printable. */
static int safe_path(const char *p) {
  size_t n = strlen(p);
  if (n == 0 || n > 255 || p[0] == '/') return 0;
  const char *seg = p;
  for (size_t i = 0; i <= n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == '/' || c == 0) {
      size_t len = (size_t)(p + i - seg);
      if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.')) return 0;
      seg = p + i + 1;
    } else if (c < 0x20 || c == 0x7f || c == '\\') {
      return 0;
    }
  }
  return 1;
}

/* Returns NULL on success, or a message for a malformed request. 1 in *eof on clean EOF. */
static const char *read_request(request_t *r, int *eof) {
  char line[256];
  size_t total = 0;
  memset(r, 0, sizeof *r);
  r->wall_ms = 5000;
  r->cpu_ms = 5000;
  r->compile_wall_ms = 15000;
  r->output_bytes = 64 * 1024;
  r->memory_bytes = 0;
  r->file_bytes = 16 * 1024 * 1024;
  *eof = 0;
  ssize_t n;
  /* a `cancel` sent just as the previous program ended arrives here: it has nothing left to do */
  while ((n = read_line(line, sizeof line)) >= 0 && strcmp(line, "cancel") == 0) {
  }
  if (n < 0) {
    *eof = 1;
    return "end of input";
  }
  if (strcmp(line, "codering/1") != 0) return "request does not start with codering/1";
  for (;;) {
    if (read_line(line, sizeof line) < 0) return "truncated request";
    if (strcmp(line, "end") == 0) break;
    char *sp = strchr(line, ' ');
    if (!sp) return "field line without length";
    *sp = 0;
    long long len = parse_number(sp + 1, strlen(sp + 1));
    if (len < 0) return "bad field length";
    total += (size_t)len;
    if (total > MAX_REQUEST_BYTES) return "request too large";
    char *val = xmalloc((size_t)len + 1);
    if (read_exact(val, (size_t)len) < 0) {
      free(val);
      return "truncated field";
    }
    val[len] = 0;
    char nl;
    if (read_exact(&nl, 1) < 0 || nl != '\n') {
      free(val);
      return "field not followed by newline";
    }
    const char *name = line;
    if (strcmp(name, "file") == 0) {
      size_t plen = strnlen(val, (size_t)len);
      if (plen == (size_t)len || !safe_path(val) || r->nfiles >= MAX_FILES) {
        free(val);
        return "bad file field";
      }
      r->files[r->nfiles].path = val;
      r->files[r->nfiles].content = val + plen + 1;
      r->files[r->nfiles].len = (size_t)len - plen - 1;
      r->nfiles++;
      continue;
    }
    if (strcmp(name, "arg") == 0) {
      if (r->nargs >= MAX_ARGS || strlen(val) != (size_t)len) {
        free(val);
        return "bad arg field";
      }
      r->args[r->nargs++] = val;
      continue;
    }
    if (strcmp(name, "main") == 0) {
      free(r->main_file);
      r->main_file = val;
      continue;
    }
    if (strcmp(name, "stdin") == 0) {
      free(r->stdin_data);
      r->stdin_data = val;
      r->stdin_len = (size_t)len;
      continue;
    }
    if (strcmp(name, "id") == 0) {
      snprintf(r->id, sizeof r->id, "%s", val);
      free(val);
      continue;
    }
    long long num = parse_number(val, (size_t)len);
    int numeric = 1;
    if (strcmp(name, "wall_ms") == 0) r->wall_ms = num;
    else if (strcmp(name, "cpu_ms") == 0) r->cpu_ms = num;
    else if (strcmp(name, "compile_wall_ms") == 0) r->compile_wall_ms = num;
    else if (strcmp(name, "output_bytes") == 0) r->output_bytes = num;
    else if (strcmp(name, "processes") == 0) r->processes = num;
    else if (strcmp(name, "memory_bytes") == 0) r->memory_bytes = num;
    else if (strcmp(name, "file_bytes") == 0) r->file_bytes = num;
    else numeric = 0; /* unknown fields are ignored: newer callers, older images */
    free(val);
    if (numeric && num < 0) return "bad number";
  }
  if (!r->main_file) return "no main file";
  if (!safe_path(r->main_file)) return "bad main file";
  if (r->wall_ms <= 0 || r->cpu_ms <= 0 || r->compile_wall_ms <= 0) return "limits must be positive";
  return NULL;
}

/* ---------- sandbox identity ---------- */

static uid_t sandbox_uid = 1000;
/* set when the platform gave us a uid of our own (CODERING_SANDBOX_UID): only then does a process
   limit count this container's processes alone, since the kernel counts a uid host-wide */
static int own_uid;
static gid_t sandbox_gid = 1000;
static int we_are_root;   /* we can switch uid and own the container: kill(-1) is ours to use */
static int serve_mode;

static void drop_to_sandbox(void) {
  /* no setuid binary, no file capability can give back what we take away here, on any platform
     (Nuclio's function spec can't set no-new-privileges on the container: we set it ourselves) */
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (!we_are_root) return; /* e.g. a platform that runs us unprivileged: the program runs as us */
  if (setgroups(0, NULL) != 0 || setgid(sandbox_gid) != 0 || setuid(sandbox_uid) != 0) {
    log_err("cannot drop to the sandbox user: %s", strerror(errno));
    _exit(126);
  }
}

/* ---------- cleaning up between runs ---------- */

static int pidfd_open_compat(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

/*
 * Kills every process the program left, double-forked daemons included. As uid 0 with CAP_KILL in
 * our own container, kill(-1) reaches all of them at once and, since fork takes the task list lock
 * that kill(-1) holds, a fork bomb cannot outrun it. Unprivileged (--once under a platform that
 * shares the container with us), we sweep our own descendants instead: we are their subreaper,
 * so orphans come back to us as children.
 */
static void signal_everything(pid_t main_pid) {
  if (we_are_root && serve_mode) {
    kill(-1, SIGKILL);
  } else if (main_pid > 0) {
    kill(-main_pid, SIGKILL);
    kill(main_pid, SIGKILL);
  }
}

static void kill_everything(pid_t main_pid) {
  signal_everything(main_pid);
  int64_t deadline = now_ms() + REAP_TIMEOUT_MS;
  for (;;) {
    pid_t p = waitpid(-1, NULL, WNOHANG);
    if (p > 0) continue;
    if (p < 0 && errno == ECHILD) break;
    if (now_ms() > deadline) {
      log_err("some processes did not die in time");
      break;
    }
    if (!(we_are_root && serve_mode)) {
      /* kill the children we have now; their own children come back to us next round */
      DIR *d = opendir("/proc");
      struct dirent *e;
      while (d && (e = readdir(d))) {
        char path[300], stat[512];
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        size_t got = fread(stat, 1, sizeof stat - 1, f);
        fclose(f);
        stat[got] = 0;
        char *rp = strrchr(stat, ')');
        int ppid = 0;
        if (rp && sscanf(rp + 2, "%*c %d", &ppid) == 1 && ppid == getpid()) kill(atoi(e->d_name), SIGKILL);
      }
      if (d) closedir(d);
    } else {
      kill(-1, SIGKILL);
    }
    usleep(1000);
  }
}

/*
 * ---------- a worker proven clean between runs ----------
 *
 * Workers are reused, so the next tenant must find exactly what a fresh worker shows. The paths
 * the sandbox user can write (the image's root is read-only) are emptied after every run, and
 * then the state is *proven* fresh from outside the sandbox: each writable path empty with its
 * first mode and owner, no IPC object, no process left. A worker that can't be proven clean
 * within its budget is retired, never reused. Nothing starts for the next tenant (no program, no
 * prewarmed interpreter) before the proof.
 */
static const char *const WRITABLE_DIRS[] = {BOX_DIR, "/tmp", "/dev/shm", "/dev/mqueue"};
#define N_WRITABLE_DIRS (sizeof WRITABLE_DIRS / sizeof WRITABLE_DIRS[0])

/* How each writable path looked when the worker started: the proof compares with it. */
static struct {
  int present;
  mode_t mode;
  uid_t uid;
  gid_t gid;
} fresh_dirs[N_WRITABLE_DIRS];

static long clean_budget_ms = 5000;

static void record_fresh_dirs(void) {
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

/* Runs fn in a child with the sandbox identity; past budget_ms it is killed. Returns its status. */
static int as_sandbox(int (*fn)(void *), void *arg, long budget_ms) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    drop_to_sandbox();
    _exit(fn(arg));
  }
  int status = 0;
  int pfd = pidfd_open_compat(pid);
  if (pfd >= 0) {
    struct pollfd p = {.fd = pfd, .events = POLLIN};
    int ready;
    while ((ready = poll(&p, 1, (int)budget_ms)) < 0 && errno == EINTR) {
    }
    if (ready == 0) kill(pid, SIGKILL);
    close(pfd);
  }
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* In the sandbox's identity (the owner of what the program made): empty every writable path. */
static int clean_sandbox_state(void *unused) {
  (void)unused;
  int failed = 0;
  for (size_t i = 0; i < N_WRITABLE_DIRS; i++) {
    if (!fresh_dirs[i].present) continue;
    const char *path = WRITABLE_DIRS[i];
    /* /box is the sandbox's own: the program may have changed its mode or set attributes on it */
    if (fresh_dirs[i].uid == geteuid()) {
      chmod(path, fresh_dirs[i].mode);
      remove_xattrs(path);
    }
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || empty_tree(fd) != 0) failed = 1;
  }
  remove_sysv_ipc();
  return failed;
}

/* Why the worker is not as fresh, into why[]; 0 when it is. Runs as uid 0, outside the sandbox. */
static int prove_clean(char *why, size_t why_len) {
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
  /* no process left: in our own container, none but init and us; elsewhere none of the sandbox */
  DIR *d = opendir("/proc");
  struct dirent *e;
  int stray = 0;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    pid_t pid = (pid_t)atoi(e->d_name);
    if (pid == getpid()) continue;
    if (we_are_root && serve_mode) {
      if (pid != 1) stray = pid;
      continue;
    }
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
      unsigned ruid, euid;
      if (sscanf(line, "Uid: %u %u", &ruid, &euid) == 2) {
        if (ruid == sandbox_uid || euid == sandbox_uid) stray = pid;
        break;
      }
    }
    if (f) fclose(f);
  }
  if (d) closedir(d);
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
static int clean_and_prove(char *why, size_t why_len) {
  int64_t started = now_ms();
  int rc = as_sandbox(clean_sandbox_state, NULL, clean_budget_ms);
  if (prove_clean(why, why_len) == 0) return 0;
  if (rc != 0 && now_ms() - started >= clean_budget_ms) {
    size_t used = strlen(why);
    snprintf(why + used, why_len - used, " (cleaning ran out of its %ld ms budget)", clean_budget_ms);
  }
  return 1;
}

/* ---------- writing the user's files ---------- */

enum { WRITE_OK = 0, WRITE_FAILED = 2, WRITE_CONFLICT = 6, WRITE_TOO_LARGE = 5 };

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
static int write_one_file(int box, const file_t *file) {
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
  int fd = openat(dirfd, segment, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
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

static int write_files(void *arg) {
  request_t *r = arg;
  umask(022);
  int box = open(BOX_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (box < 0) return WRITE_FAILED;
  for (int i = 0; i < r->nfiles; i++) {
    int rc = write_one_file(box, &r->files[i]);
    if (rc != WRITE_OK) return rc;
  }
  close(box);
  return WRITE_OK;
}

/* ---------- running one phase (compile or run) ---------- */

typedef struct {
  int exited;       /* 1 if exited normally */
  int exit_code;
  int signal;       /* terminating signal, 0 if none */
  int timed_out;
  int output_limited;
  int cancelled;
  int input_closed; /* the caller went away: stop everything */
  int64_t wall_ms;
  int64_t cpu_ms;
  long long max_rss_bytes;
  buffer_t out, err;
} phase_t;

static long long read_oom_kills(void) {
  /* cgroup v1 and v2 both count OOM kills of the container's cgroup; we compare before/after */
  static const char *files[] = {"/sys/fs/cgroup/memory/memory.oom_control", "/sys/fs/cgroup/memory.events"};
  for (size_t i = 0; i < 2; i++) {
    FILE *f = fopen(files[i], "r");
    if (!f) continue;
    char key[64];
    long long v;
    long long found = -1;
    while (fscanf(f, "%63s %lld", key, &v) == 2) {
      if (strcmp(key, "oom_kill") == 0) found = v;
    }
    fclose(f);
    if (found >= 0) return found;
  }
  return -1;
}

/*
 * Variables that make an interpreter or the loader run code or read files at start-up. None may
 * reach a program, whatever the image or platform sets: what starts a tenant's program must come
 * from the image's read-only files alone, never from a place someone could write.
 */
static const char *const STARTUP_HOOK_VARS[] = {
    "PYTHONSTARTUP", "PYTHONUSERBASE", "PYTHONINSPECT", "PYTHONBREAKPOINT", "PYTHONHOME", "NODE_OPTIONS",
    "NODE_REPL_EXTERNAL_MODULE", "NODE_EXTRA_CA_CERTS", "RUBYOPT", "RUBYLIB", "PERL5OPT", "PERL5LIB",
    "PERLLIB", "PHPRC", "PHP_INI_SCAN_DIR", "BASH_ENV", "ENV", "LD_PRELOAD", "LD_AUDIT", "LD_LIBRARY_PATH",
    "GCONV_PATH", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "HOME", "CODERING_MAIN",
    "HOSTNAME", "USER", "PYTHONNOUSERSITE",
};

static int is_startup_hook(const char *entry) {
  size_t name_len = strcspn(entry, "=");
  for (size_t i = 0; i < sizeof STARTUP_HOOK_VARS / sizeof STARTUP_HOOK_VARS[0]; i++)
    if (strlen(STARTUP_HOOK_VARS[i]) == name_len && strncmp(entry, STARTUP_HOOK_VARS[i], name_len) == 0) return 1;
  return 0;
}

static char **build_env(const request_t *r) {
  size_t n = 0;
  while (environ[n]) n++;
  char **env = xmalloc((n + 8) * sizeof *env);
  size_t k = 0;
  /* the image's own ENV (PATH, NODE_PATH, PYTHONPATH…) is trusted, less the start-up hooks */
  for (size_t i = 0; i < n; i++)
    if (!is_startup_hook(environ[i])) env[k++] = environ[i];
  static char main_var[PATH_MAX + 32];
  env[k++] = "HOME=" BOX_DIR;
  env[k++] = "USER=sandbox";
  /* python's user site (~/.local/lib/python3.X/site-packages, usercustomize) is never loaded */
  env[k++] = "PYTHONNOUSERSITE=1";
  if (r && r->main_file) {
    snprintf(main_var, sizeof main_var, "CODERING_MAIN=%s", r->main_file);
    env[k++] = main_var;
  }
  if (!getenv("PATH")) env[k++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  if (!getenv("LANG")) env[k++] = "LANG=C.UTF-8";
  env[k] = NULL;
  return env;
}

static void set_limit(int resource, rlim_t soft, rlim_t hard) {
  struct rlimit rl = {.rlim_cur = soft, .rlim_max = hard};
  setrlimit(resource, &rl);
}

/* Reads what is there: 1 = read some, 0 = end of file (or broken), -1 = nothing right now. */
static int drain(int fd, buffer_t *b, size_t *total, size_t cap, int *limited) {
  char chunk[65536];
  ssize_t n = read(fd, chunk, sizeof chunk);
  if (n < 0) return errno == EAGAIN || errno == EINTR ? -1 : 0;
  if (n == 0) return 0;
  size_t room = cap > *total ? cap - *total : 0;
  size_t keep = (size_t)n < room ? (size_t)n : room;
  buf_append(b, chunk, keep);
  *total += (size_t)n;
  if ((size_t)n > keep) {
    b->truncated = 1;
    *limited = 1;
  }
  return 1;
}

/*
 * ---------- a seccomp filter of ours, on top of the engine's ----------
 *
 * Filters stack: whatever the platform applies (Docker's default profile, Kubernetes'
 * RuntimeDefault) stays, and every program we start also gets this one, on every platform. It
 * answers ENOSYS ("this kernel does not have it") to calls no student program needs and that
 * widen the kernel's surface: io_uring, memfd_secret, userfaultfd, perf, bpf, keyrings,
 * namespaces and mounts, file handles, another process's descriptors. Runtimes that probe for
 * io_uring (libuv in node) fall back to ordinary calls, as on an older kernel.
 */
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter 426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register 427
#endif
#ifndef __NR_open_tree
#define __NR_open_tree 428
#endif
#ifndef __NR_move_mount
#define __NR_move_mount 429
#endif
#ifndef __NR_fsopen
#define __NR_fsopen 430
#endif
#ifndef __NR_fsconfig
#define __NR_fsconfig 431
#endif
#ifndef __NR_fsmount
#define __NR_fsmount 432
#endif
#ifndef __NR_fspick
#define __NR_fspick 433
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif
#ifndef __NR_process_madvise
#define __NR_process_madvise 440
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif
#ifndef __NR_memfd_secret
#define __NR_memfd_secret 447
#endif

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#define X32_SYSCALL_BIT 0x40000000u
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "codering-proxy: no seccomp architecture for this target"
#endif

static const unsigned denied_syscalls[] = {
    __NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register, __NR_memfd_secret, __NR_userfaultfd,
    __NR_perf_event_open, __NR_bpf, __NR_keyctl, __NR_add_key, __NR_request_key, __NR_unshare, __NR_setns,
    __NR_mount, __NR_umount2, __NR_pivot_root, __NR_open_tree, __NR_move_mount, __NR_fsopen, __NR_fsconfig,
    __NR_fsmount, __NR_fspick, __NR_mount_setattr, __NR_open_by_handle_at, __NR_name_to_handle_at,
    __NR_fanotify_init, __NR_pidfd_getfd, __NR_process_madvise, __NR_kexec_load, __NR_init_module,
    __NR_finit_module, __NR_delete_module,
};
#define N_DENIED (sizeof denied_syscalls / sizeof denied_syscalls[0])

/* Installs the filter in the calling process (after no_new_privs); -1 if the kernel refuses. */
static int install_syscall_filter(void) {
  struct sock_filter prog[N_DENIED + 8];
  size_t n = 0;
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  /* another ABI (i386 through int 0x80) numbers its calls otherwise: none of it for a program */
  prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 1, 0);
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef X32_SYSCALL_BIT
  prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1);
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
#endif
  /* each denied call jumps to the ENOSYS return after the final ALLOW */
  for (size_t i = 0; i < N_DENIED; i++)
    prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, denied_syscalls[i], (unsigned char)(N_DENIED - i), 0);
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  struct sock_fprog fprog = {.len = (unsigned short)n, .filter = prog};
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) == 0 ? 0 : -1;
}

/* In the child: the program's identity, limits and descriptors, then exec. Never returns. */
static void exec_program(char **argv, char **env, int in_fd, int out_fd, int err_fd, int ctl_fd, long cpu_ms, long long file_bytes,
                         long processes) {
  setsid();
  /* dup2 onto itself keeps close-on-exec: move everything above the target range first */
  in_fd = fcntl(in_fd, F_DUPFD_CLOEXEC, 10);
  out_fd = fcntl(out_fd, F_DUPFD_CLOEXEC, 10);
  err_fd = fcntl(err_fd, F_DUPFD_CLOEXEC, 10);
  if (ctl_fd >= 0) ctl_fd = fcntl(ctl_fd, F_DUPFD_CLOEXEC, 10);
  dup2(in_fd, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  if (ctl_fd >= 0) dup2(ctl_fd, 3);
  /* the program must not read our request stream, nor inherit any other descriptor of ours */
  for (int fd = ctl_fd >= 0 ? 4 : 3; fd < 1024; fd++) close(fd);
  signal(SIGPIPE, SIG_DFL);
  long cpu_s = (cpu_ms + 999) / 1000;
  set_limit(RLIMIT_CPU, (rlim_t)cpu_s, (rlim_t)cpu_s + 1);
  set_limit(RLIMIT_CORE, 0, 0);
  if (file_bytes > 0) set_limit(RLIMIT_FSIZE, (rlim_t)file_bytes, (rlim_t)file_bytes);
  /* threads count too; the uid is this worker's own (see the base image), so the count is ours */
  if (processes > 0 && we_are_root && own_uid) set_limit(RLIMIT_NPROC, (rlim_t)processes, (rlim_t)processes);
  drop_to_sandbox();
  if (chdir(BOX_DIR) != 0) _exit(126);
  /* fail closed: a program never runs without the filter */
  if (install_syscall_filter() != 0) {
    log_err("cannot install the syscall filter: %s", strerror(errno));
    _exit(126);
  }
  execve(argv[0], argv, env);
  _exit(127);
}

/*
 * Beyond the interpreter's own start: between requests, `runtime.sh prewarm` starts the
 * interpreter, which loads itself and then blocks reading fd 3. A request only writes the files
 * and sends `main NUL arg NUL arg…` on fd 3: the program starts in an interpreter that is already
 * up. Enabled by the image (ENV CODERING_PREWARM=1) for runtimes whose runtime.sh has the step.
 */
typedef struct {
  pid_t pid;
  int ctl, in, out, err;
  /* the rlimits it was started with: only we could change them, and we lack CAP_SYS_RESOURCE */
  long cpu_s;
  long long file_bytes;
  long processes;
  int64_t boot_cpu_ms;
} prewarmed_t;

static prewarmed_t warm;
static int prewarm_enabled;
/* the next interpreter is started with the last request's limits: most requests use the defaults */
static long next_cpu_ms = 5000;
static long long next_file_bytes = 16LL * 1024 * 1024;
static long next_processes = 0;

static void start_prewarm(void) {
  if (!prewarm_enabled || warm.pid > 0) return;
  int ctl[2], in_p[2], po[2], pe[2];
  if (pipe2(ctl, O_CLOEXEC) != 0) return;
  if (pipe2(in_p, O_CLOEXEC) != 0 || pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) {
    log_err("prewarm: pipe: %s", strerror(errno));
    prewarm_enabled = 0;
    return;
  }
  char **env = build_env(NULL);
  char *argv[] = {"/bin/sh", RUNTIME_SCRIPT, "prewarm", NULL};
  pid_t pid = fork();
  if (pid < 0) {
    free(env);
    return;
  }
  if (pid == 0) exec_program(argv, env, in_p[0], po[1], pe[1], ctl[0], next_cpu_ms, next_file_bytes, next_processes);
  free(env);
  close(ctl[0]);
  close(in_p[0]);
  close(po[1]);
  close(pe[1]);
  warm = (prewarmed_t){.pid = pid, .ctl = ctl[1], .in = in_p[1], .out = po[0], .err = pe[0],
                       .cpu_s = (next_cpu_ms + 999) / 1000, .file_bytes = next_file_bytes, .processes = next_processes};
}

/* CPU time a process has used so far (clock-tick resolution), from /proc/<pid>/stat. */
static int64_t process_cpu_ms(pid_t pid) {
  char path[64], stat[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t got = fread(stat, 1, sizeof stat - 1, f);
  fclose(f);
  stat[got] = 0;
  char *rp = strrchr(stat, ')');
  unsigned long long utime = 0, stime = 0;
  /* after the command's ')': state, then fields 4..13, then utime (14) and stime (15) */
  if (!rp || sscanf(rp + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return 0;
  long ticks = sysconf(_SC_CLK_TCK);
  return ticks > 0 ? (int64_t)((utime + stime) * 1000 / (unsigned long long)ticks) : 0;
}

static void close_prewarmed(prewarmed_t *p) {
  close(p->ctl);
  close(p->in);
  close(p->out);
  close(p->err);
}

/*
 * Takes the prewarmed interpreter if it is still waiting and was started with this request's
 * limits; one with other limits is ended (the request starts cold). Disables prewarm if the
 * interpreter died idle: its runtime.sh can't prewarm.
 */
static int take_prewarmed(const request_t *r, prewarmed_t *taken) {
  next_cpu_ms = r->cpu_ms;
  next_file_bytes = r->file_bytes;
  next_processes = r->processes;
  if (warm.pid <= 0) return 0;
  *taken = warm;
  warm.pid = 0;
  if (waitpid(taken->pid, NULL, WNOHANG) != 0) {
    log_err("prewarm: the interpreter ended before any request: prewarm disabled");
    prewarm_enabled = 0;
    close_prewarmed(taken);
    return 0;
  }
  if (taken->cpu_s == (r->cpu_ms + 999) / 1000 && taken->file_bytes == r->file_bytes && taken->processes == r->processes) {
    /* the interpreter's own start is not the program's CPU time */
    taken->boot_cpu_ms = process_cpu_ms(taken->pid);
    return 1;
  }
  kill(taken->pid, SIGKILL);
  waitpid(taken->pid, NULL, 0);
  close_prewarmed(taken);
  return 0;
}

static void run_phase(const request_t *r, const char *phase, long wall_ms, phase_t *out) {
  memset(out, 0, sizeof *out);
  buf_init(&out->out, (size_t)r->output_bytes);
  buf_init(&out->err, (size_t)r->output_bytes);
  int po[2], pe[2];
  int is_run = strcmp(phase, "run") == 0;
  prewarmed_t pw;
  int64_t start;
  pid_t pid;
  /* stdin for a prewarmed interpreter is a pipe we feed from the poll loop */
  int stdin_writer = -1;
  size_t stdin_sent = 0;
  int64_t boot_cpu_ms = 0;
  if (is_run && take_prewarmed(r, &pw)) {
    size_t len = strlen(r->main_file) + 1;
    for (int i = 0; i < r->nargs; i++) len += strlen(r->args[i]) + 1;
    char *msg = xmalloc(len);
    size_t off = 0;
    memcpy(msg + off, r->main_file, strlen(r->main_file) + 1);
    off += strlen(r->main_file) + 1;
    for (int i = 0; i < r->nargs; i++) {
      memcpy(msg + off, r->args[i], strlen(r->args[i]) + 1);
      off += strlen(r->args[i]) + 1;
    }
    start = now_ms();
    /* the interpreter is blocked reading fd 3: it drains the pipe as we write */
    size_t sent = 0;
    while (sent < len - 1) {
      ssize_t w = write(pw.ctl, msg + sent, len - 1 - sent);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      sent += (size_t)w;
    }
    free(msg);
    close(pw.ctl);
    pid = pw.pid;
    boot_cpu_ms = pw.boot_cpu_ms;
    po[0] = pw.out;
    pe[0] = pw.err;
    stdin_writer = pw.in;
    fcntl(stdin_writer, F_SETFL, O_NONBLOCK);
    if (r->stdin_len == 0) {
      close(stdin_writer);
      stdin_writer = -1;
    }
    goto supervise;
  }
  if (pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) die_internal("pipe: %s", strerror(errno));
  int stdin_fd = (int)syscall(SYS_memfd_create, "stdin", 0);
  if (stdin_fd < 0) die_internal("memfd_create: %s", strerror(errno));
  if (strcmp(phase, "run") == 0 && r->stdin_len) {
    size_t off = 0;
    while (off < r->stdin_len) {
      ssize_t w = write(stdin_fd, r->stdin_data + off, r->stdin_len - off);
      if (w <= 0) die_internal("writing stdin: %s", strerror(errno));
      off += (size_t)w;
    }
    lseek(stdin_fd, 0, SEEK_SET);
  }
  char **env = build_env(r);
  char *argv[MAX_ARGS + 4];
  int a = 0;
  argv[a++] = "/bin/sh";
  argv[a++] = RUNTIME_SCRIPT;
  argv[a++] = (char *)phase;
  if (strcmp(phase, "run") == 0)
    for (int i = 0; i < r->nargs; i++) argv[a++] = r->args[i];
  argv[a] = NULL;

  start = now_ms();
  pid = fork();
  if (pid < 0) die_internal("fork: %s", strerror(errno));
  /* a compiler's output is ours to allow, not the program's: only the tmpfs bounds it */
  if (pid == 0)
    exec_program(argv, env, stdin_fd, po[1], pe[1], -1, is_run ? r->cpu_ms : r->compile_wall_ms, is_run ? r->file_bytes : 0,
                 is_run ? r->processes : 0);
  free(env);
  close(po[1]);
  close(pe[1]);
  close(stdin_fd);
supervise:;
  int pfd = pidfd_open_compat(pid);
  if (pfd < 0) die_internal("pidfd_open: %s", strerror(errno));
  fcntl(po[0], F_SETFL, O_NONBLOCK);
  fcntl(pe[0], F_SETFL, O_NONBLOCK);

  size_t total = 0;
  int out_open = 1, err_open = 1, child_done = 0;
  int64_t deadline = start + wall_ms;
  while (!child_done) {
    struct pollfd fds[5];
    int nf = 0, io = -1, ie = -1, ic = -1, iw = -1;
    fds[nf] = (struct pollfd){.fd = pfd, .events = POLLIN};
    nf++;
    if (out_open) io = nf, fds[nf++] = (struct pollfd){.fd = po[0], .events = POLLIN};
    if (err_open) ie = nf, fds[nf++] = (struct pollfd){.fd = pe[0], .events = POLLIN};
    if (serve_mode && !in.eof) ic = nf, fds[nf++] = (struct pollfd){.fd = 0, .events = POLLIN};
    if (stdin_writer >= 0) iw = nf, fds[nf++] = (struct pollfd){.fd = stdin_writer, .events = POLLOUT};
    int64_t left = deadline - now_ms();
    if (left <= 0) {
      out->timed_out = 1;
      break;
    }
    int ready = poll(fds, (nfds_t)nf, (int)left);
    if (ready < 0 && errno != EINTR) die_internal("poll: %s", strerror(errno));
    if (ready <= 0) continue;
    if (io >= 0 && fds[io].revents) out_open = drain(po[0], &out->out, &total, (size_t)r->output_bytes, &out->output_limited) != 0;
    if (ie >= 0 && fds[ie].revents) err_open = drain(pe[0], &out->err, &total, (size_t)r->output_bytes, &out->output_limited) != 0;
    if (out->output_limited) break;
    if (iw >= 0 && fds[iw].revents) {
      ssize_t w = write(stdin_writer, r->stdin_data + stdin_sent, r->stdin_len - stdin_sent);
      if (w > 0) stdin_sent += (size_t)w;
      /* done, or the program closed its stdin (EPIPE): either way, no more to give */
      if (stdin_sent >= r->stdin_len || (w < 0 && errno != EAGAIN && errno != EINTR) || (fds[iw].revents & (POLLERR | POLLHUP))) {
        close(stdin_writer);
        stdin_writer = -1;
      }
    }
    if (ic >= 0 && fds[ic].revents) {
      /* only `cancel` may arrive while a program runs; anything else is a broken caller */
      if (in.start == in.end) fill_input();
      if (in.eof) {
        out->input_closed = 1;
        break;
      }
      char line[64];
      if (memchr(in.buf + in.start, '\n', in.end - in.start)) {
        read_line(line, sizeof line);
        if (strcmp(line, "cancel") == 0) {
          out->cancelled = 1;
          break;
        }
      }
    }
    if (fds[0].revents) child_done = 1;
  }
  if (!child_done) signal_everything(pid);
  struct rusage ru;
  int status = 0;
  memset(&ru, 0, sizeof ru);
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  out->wall_ms = now_ms() - start;
  /* what the program wrote just before it ended is still in the pipes */
  while (out_open && !out->output_limited && drain(po[0], &out->out, &total, (size_t)r->output_bytes, &out->output_limited) == 1) {
  }
  while (err_open && !out->output_limited && drain(pe[0], &out->err, &total, (size_t)r->output_bytes, &out->output_limited) == 1) {
  }
  close(po[0]);
  close(pe[0]);
  close(pfd);
  if (stdin_writer >= 0) close(stdin_writer);
  kill_everything(pid);
  out->cpu_ms = (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
  out->cpu_ms = out->cpu_ms > boot_cpu_ms ? out->cpu_ms - boot_cpu_ms : 0;
  out->max_rss_bytes = (long long)ru.ru_maxrss * 1024;
  if (WIFEXITED(status)) {
    out->exited = 1;
    out->exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    out->signal = WTERMSIG(status);
  }
}

/* ---------- the result ---------- */

static const char *signal_name(int sig) {
  /* sigabbrev_np() needs glibc 2.32; bullseye has 2.31 */
  switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1";
    case SIGSEGV: return "SIGSEGV";
    case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGSYS: return "SIGSYS";
    default: return "SIGUNKNOWN";
  }
}

static void write_phase_outputs(buffer_t *json, phase_t *p) {
  buf_puts(json, "\"stdout\":\"");
  buf_base64(json, p->out.data ? p->out.data : "", p->out.len);
  buf_puts(json, "\",\"stderr\":\"");
  buf_base64(json, p->err.data ? p->err.data : "", p->err.len);
  buf_puts(json, "\"");
}

static void emit(buffer_t *json) {
  size_t off = 0;
  char header[64];
  if (serve_mode) {
    int n = snprintf(header, sizeof header, "codering/1 %zu\n", json->len);
    if (write(1, header, (size_t)n) != n) exit(0);
  }
  buf_append(json, "\n", 1);
  while (off < json->len) {
    ssize_t w = write(1, json->data + off, json->len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) exit(0); /* nobody listens any more: nothing left to do */
    off += (size_t)w;
  }
}

static void emit_simple(const char *status, const char *message) {
  buffer_t json;
  buf_init(&json, SIZE_MAX);
  buf_puts(&json, "{\"status\":");
  buf_json_string(&json, status);
  buf_puts(&json, ",\"exitCode\":null,\"signal\":null,\"stdout\":\"\",\"stderr\":\"\",\"stdoutTruncated\":false,"
                  "\"stderrTruncated\":false,\"compile\":null,\"wallMs\":0,\"cpuMs\":0,\"memoryBytes\":0,\"message\":");
  buf_json_string(&json, message);
  buf_puts(&json, "}");
  emit(&json);
  buf_free(&json);
}

static void die_internal(const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  log_err("%s", msg);
  emit_simple("internal_error", msg);
  /* our own state is unknown now: end the worker, the platform replaces it */
  exit(0);
}

static int compiled_runtime(void) {
  const char *v = getenv("CODERING_COMPILED");
  return v && strcmp(v, "1") == 0;
}

/* What the next run needs from this one: whether the caller went away (then we stop). */
static int handle(request_t *r) {
  long long oom_before = read_oom_kills();
  int rc = as_sandbox(write_files, r, clean_budget_ms);
  if (rc != WRITE_OK) {
    /* the request's own fault (names that collide, files larger than the box): the worker is fine.
       The interpreter waiting for this request goes too: the proof admits no process, and the next
       one starts after it, on a box proven empty again. */
    if (warm.pid > 0) {
      kill(warm.pid, SIGKILL);
      waitpid(warm.pid, NULL, 0);
      close_prewarmed(&warm);
      warm.pid = 0;
    }
    emit_simple("files_rejected", rc == WRITE_TOO_LARGE ? "the files do not fit in the workdir"
                                   : rc == WRITE_CONFLICT ? "two files' paths collide (a file and a folder of the same name, or the same path twice)"
                                                          : "cannot write the files");
    return 0;
  }
  phase_t compile, run;
  int did_compile = 0;
  const char *status = "ok";
  char message[256] = "";
  memset(&run, 0, sizeof run);
  if (compiled_runtime()) {
    did_compile = 1;
    run_phase(r, "compile", r->compile_wall_ms, &compile);
    if (compile.cancelled || compile.input_closed) {
      status = "cancelled";
    } else if (compile.timed_out) {
      status = "compile_error";
      snprintf(message, sizeof message, "compilation took longer than %ld ms", r->compile_wall_ms);
    } else if (compile.output_limited) {
      status = "compile_error";
      snprintf(message, sizeof message, "the compiler wrote more than %ld bytes", r->output_bytes);
    } else if (!compile.exited || compile.exit_code != 0) {
      status = "compile_error";
    }
  }
  int ran = strcmp(status, "ok") == 0;
  if (ran) {
    run_phase(r, "run", r->wall_ms, &run);
    long long oom_after = read_oom_kills();
    int oom = oom_before >= 0 && oom_after > oom_before;
    int over_memory = r->memory_bytes > 0 && run.max_rss_bytes > r->memory_bytes;
    if (run.cancelled || run.input_closed) status = "cancelled";
    else if (run.output_limited) {
      status = "output_limit";
      snprintf(message, sizeof message, "the program wrote more than %ld bytes", r->output_bytes);
    } else if (run.timed_out) {
      status = "timeout";
      snprintf(message, sizeof message, "the program ran longer than %ld ms", r->wall_ms);
    } else if (oom || (over_memory && !(run.exited && run.exit_code == 0))) {
      status = "memory_limit";
      snprintf(message, sizeof message, "the program used more memory than allowed");
    } else if (over_memory) {
      status = "memory_limit";
      snprintf(message, sizeof message, "the program used %lld bytes, more than the %lld allowed", run.max_rss_bytes, r->memory_bytes);
    } else if (run.signal == SIGXCPU || (run.signal == SIGKILL && run.cpu_ms >= r->cpu_ms) || run.cpu_ms > r->cpu_ms) {
      status = "timeout";
      snprintf(message, sizeof message, "the program used more than %ld ms of CPU", r->cpu_ms);
    } else if (!run.exited || run.exit_code != 0) {
      status = "runtime_error";
    }
  }
  int input_closed = (did_compile && compile.input_closed) || (ran && run.input_closed);

  buffer_t json;
  buf_init(&json, SIZE_MAX);
  buf_puts(&json, "{\"status\":");
  buf_json_string(&json, status);
  if (ran && run.exited) buf_printf(&json, ",\"exitCode\":%d", run.exit_code);
  else buf_puts(&json, ",\"exitCode\":null");
  if (ran && run.signal) {
    buf_puts(&json, ",\"signal\":");
    buf_json_string(&json, signal_name(run.signal));
  } else {
    buf_puts(&json, ",\"signal\":null");
  }
  buf_puts(&json, ",");
  if (ran) {
    write_phase_outputs(&json, &run);
    buf_printf(&json, ",\"stdoutTruncated\":%s,\"stderrTruncated\":%s", run.out.truncated ? "true" : "false", run.err.truncated ? "true" : "false");
  } else {
    buf_puts(&json, "\"stdout\":\"\",\"stderr\":\"\",\"stdoutTruncated\":false,\"stderrTruncated\":false");
  }
  if (did_compile) {
    buf_puts(&json, ",\"compile\":{");
    if (compile.exited) buf_printf(&json, "\"exitCode\":%d,", compile.exit_code);
    else buf_puts(&json, "\"exitCode\":null,");
    write_phase_outputs(&json, &compile);
    buf_printf(&json, ",\"wallMs\":%lld}", (long long)compile.wall_ms);
  } else {
    buf_puts(&json, ",\"compile\":null");
  }
  buf_printf(&json, ",\"wallMs\":%lld,\"cpuMs\":%lld,\"memoryBytes\":%lld,\"message\":", (long long)(ran ? run.wall_ms : 0),
             (long long)(ran ? run.cpu_ms : 0), ran ? run.max_rss_bytes : 0LL);
  buf_json_string(&json, message);
  buf_puts(&json, "}");

  if (did_compile) {
    buf_free(&compile.out);
    buf_free(&compile.err);
  }
  if (ran) {
    buf_free(&run.out);
    buf_free(&run.err);
  }
  if (!input_closed) emit(&json);
  buf_free(&json);
  return input_closed;
}

/*
 * After every answer: clean, then prove. `--serve` tells the platform with a state frame, since the
 * worker is busy until then; one that can't be proven clean says so and ends (the platform
 * replaces it). `--once` has nobody to tell: its next request starts with the proof instead.
 */
static void after_run(void) {
  char why[256] = "";
  int64_t started = now_ms();
  int dirty = clean_and_prove(why, sizeof why);
  if (!serve_mode) return;
  buffer_t json;
  buf_init(&json, SIZE_MAX);
  if (dirty) {
    log_err("retiring: %s", why);
    buf_puts(&json, "{\"state\":\"retired\",\"reason\":");
    buf_json_string(&json, why);
    buf_puts(&json, "}");
  } else {
    buf_printf(&json, "{\"state\":\"clean\",\"cleanMs\":%lld}", (long long)(now_ms() - started));
  }
  emit(&json);
  buf_free(&json);
  if (dirty) exit(0);
}

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
  /* orphans of the program come back to us, so we can reap and count them */
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  /* a program of the same uid must not be able to ptrace us or read our memory */
  prctl(PR_SET_DUMPABLE, 0);
  const char *uid = getenv("CODERING_SANDBOX_UID");
  if (uid && *uid) {
    sandbox_uid = (uid_t)atoi(uid);
    own_uid = 1;
  }
  we_are_root = geteuid() == 0;
  const char *prewarm = getenv("CODERING_PREWARM");
  prewarm_enabled = serve_mode && !once && prewarm && strcmp(prewarm, "1") == 0;
  if (!we_are_root) log_err("not running as root: the program runs with our own uid");

  const char *budget = getenv("CODERING_CLEAN_BUDGET_MS");
  if (budget && *budget && atol(budget) > 0) clean_budget_ms = atol(budget);
  record_fresh_dirs();

  request_t r;
  for (;;) {
    int eof = 0;
    /* the next tenant's interpreter starts only on a worker proven clean (after_run, or fresh) */
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
    if (once && prove_clean(why, sizeof why) != 0) {
      /* a container shared across events (Nuclio) that an earlier event left dirty: refuse */
      request_free(&r);
      log_err("not clean: %s", why);
      emit_simple("internal_error", "the worker is not clean");
      break;
    }
    int caller_gone = handle(&r);
    request_free(&r);
    if (caller_gone) break;
    after_run();
    if (once) break;
  }
  return 0;
}
