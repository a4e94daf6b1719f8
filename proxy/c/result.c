#define _GNU_SOURCE
#include "result.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buffer.h"
#include "worker.h"

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

static void write_phase_outputs(buffer_t *json, const phase_t *p) {
  buf_puts(json, "\"stdout\":\"");
  buf_base64(json, p->out.data ? p->out.data : "", p->out.len);
  buf_puts(json, "\",\"stderr\":\"");
  buf_base64(json, p->err.data ? p->err.data : "", p->err.len);
  buf_puts(json, "\"");
}

/* Writes one answer whole (framed in --serve); a caller that stopped listening ends us. */
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

void emit_frame(buffer_t *json) { emit(json); }

void emit_simple(const char *status, const char *message) {
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

void buf_result_fields(buffer_t *out, const char *status, const char *message, const phase_t *compile, const phase_t *run) {
  buffer_t json = *out; /* grown here as a local, handed back at the end */
  buf_puts(&json, "{\"status\":");
  buf_json_string(&json, status);
  if (run && run->exited) buf_printf(&json, ",\"exitCode\":%d", run->exit_code);
  else buf_puts(&json, ",\"exitCode\":null");
  if (run && run->signal) {
    buf_puts(&json, ",\"signal\":");
    buf_json_string(&json, signal_name(run->signal));
  } else {
    buf_puts(&json, ",\"signal\":null");
  }
  buf_puts(&json, ",");
  if (run) {
    write_phase_outputs(&json, run);
    buf_printf(&json, ",\"stdoutTruncated\":%s,\"stderrTruncated\":%s", run->out.truncated ? "true" : "false",
               run->err.truncated ? "true" : "false");
  } else {
    buf_puts(&json, "\"stdout\":\"\",\"stderr\":\"\",\"stdoutTruncated\":false,\"stderrTruncated\":false");
  }
  if (compile) {
    buf_puts(&json, ",\"compile\":{");
    if (compile->exited) buf_printf(&json, "\"exitCode\":%d,", compile->exit_code);
    else buf_puts(&json, "\"exitCode\":null,");
    write_phase_outputs(&json, compile);
    buf_printf(&json, ",\"wallMs\":%lld}", (long long)compile->wall_ms);
  } else {
    buf_puts(&json, ",\"compile\":null");
  }
  buf_printf(&json, ",\"wallMs\":%lld,\"cpuMs\":%lld,\"memoryBytes\":%lld,\"message\":", (long long)(run ? run->wall_ms : 0),
             (long long)(run ? run->cpu_ms : 0), run ? run->max_rss_bytes : 0LL);
  buf_json_string(&json, message);
  *out = json;
}

void emit_run_result(const char *status, const char *message, const phase_t *compile, const phase_t *run) {
  buffer_t json;
  buf_init(&json, SIZE_MAX);
  buf_result_fields(&json, status, message, compile, run);
  buf_puts(&json, "}");
  emit(&json);
  buf_free(&json);
}

void emit_state_clean(int64_t clean_ms) {
  buffer_t json;
  buf_init(&json, SIZE_MAX);
  buf_printf(&json, "{\"state\":\"clean\",\"cleanMs\":%lld}", (long long)clean_ms);
  emit(&json);
  buf_free(&json);
}

void emit_state_retired(const char *why) {
  buffer_t json;
  buf_init(&json, SIZE_MAX);
  buf_puts(&json, "{\"state\":\"retired\",\"reason\":");
  buf_json_string(&json, why);
  buf_puts(&json, "}");
  emit(&json);
  buf_free(&json);
}

void die_internal(const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  log_err("%s", msg);
  emit_simple("internal_error", msg);
  exit(0);
}
