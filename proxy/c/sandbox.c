#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "processes.h"
#include "syscall-filter.h"
#include "worker.h"

extern char **environ;

uid_t sandbox_uid = 1000;
int own_uid;
gid_t sandbox_gid = 1000;

static int capabilities(struct __user_cap_data_struct data[2], int set) {
  struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  return (int)syscall(set ? SYS_capset : SYS_capget, &header, data);
}

int has_uid_capabilities(void) {
  struct __user_cap_data_struct data[2];
  memset(data, 0, sizeof data);
  if (capabilities(data, 0) != 0) return 0;
  const int needed[] = {CAP_SETUID, CAP_SETGID, CAP_KILL};
  for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++) {
    if (!(data[needed[i] / 32].effective & (1u << (needed[i] % 32)))) return 0;
  }
  return 1;
}

void drop_to_sandbox(void) {
  /* no setuid binary, no file capability can give back what we take away here, on any platform
     (Nuclio's function spec can't set no-new-privileges on the container: we set it ourselves) */
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (!may_switch_uid) return; /* a platform that gives us no way to another uid: the program runs as us */
  if (setgroups(0, NULL) != 0 || setgid(sandbox_gid) != 0 || setuid(sandbox_uid) != 0) {
    log_err("cannot drop to the sandbox user: %s", strerror(errno));
    _exit(126);
  }
  /* from uid 0 the kernel clears them with the uid; from another uid (file capabilities) it keeps
     them, so the program would hold SETUID: we clear every set ourselves, and fail closed */
  struct __user_cap_data_struct none[2];
  memset(none, 0, sizeof none);
  if (capabilities(none, 1) != 0) {
    log_err("cannot drop the capabilities: %s", strerror(errno));
    _exit(126);
  }
}

int as_sandbox(int (*fn)(void *), void *arg, long budget_ms) {
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
    "HOSTNAME", "USER", "PYTHONNOUSERSITE", "CODERING_STREAM", "CODERING_INTERACTIVE",
};

static int is_startup_hook(const char *entry) {
  size_t name_len = strcspn(entry, "=");
  for (size_t i = 0; i < sizeof STARTUP_HOOK_VARS / sizeof STARTUP_HOOK_VARS[0]; i++)
    if (strlen(STARTUP_HOOK_VARS[i]) == name_len && strncmp(entry, STARTUP_HOOK_VARS[i], name_len) == 0) return 1;
  return 0;
}

char **build_env(const request_t *r) {
  size_t n = 0;
  while (environ[n]) n++;
  char **env = xmalloc((n + 10) * sizeof *env);
  size_t k = 0;
  /* the image's own ENV (PATH, NODE_PATH, PYTHONPATH…) is trusted, less the start-up hooks */
  for (size_t i = 0; i < n; i++)
    if (!is_startup_hook(environ[i])) env[k++] = environ[i];
  static char main_var[PATH_MAX + 32];
  env[k++] = "HOME=" BOX_DIR;
  env[k++] = "USER=sandbox";
  /* python's user site (~/.local/lib/python3.X/site-packages, usercustomize) is never loaded */
  env[k++] = "PYTHONNOUSERSITE=1";
  /* a streamed run's program writes as a terminal's would, line by line (runtime.sh reads these:
     python unbuffered, C's stdio line-buffered…); an interactive one also flushes before it reads */
  if (r && (r->stream || r->interactive)) env[k++] = "CODERING_STREAM=1";
  if (r && r->interactive) env[k++] = "CODERING_INTERACTIVE=1";
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

void exec_program(char **argv, char **env, int in_fd, int out_fd, int err_fd, int ctl_fd, long cpu_ms, long long file_bytes,
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
  if (processes > 0 && may_switch_uid && own_uid) set_limit(RLIMIT_NPROC, (rlim_t)processes, (rlim_t)processes);
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
