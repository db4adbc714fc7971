/*
 * libFuzzer driver for Sluice's .NET fuzz targets.
 *
 * libFuzzer runs in this process; the code under test runs in a long-lived .NET child
 * (`dotnet Sluice.Fuzz.dll TARGET`) whose assemblies were instrumented by SharpFuzz. The two talk
 * the way SharpFuzz 2.3's Fuzzer.LibFuzzer.Run expects (checked against that assembly, not assumed):
 *
 *   - a SysV shared-memory segment: COVERAGE_BYTES of AFL-style edge counters the instrumented code
 *     bumps, then the input bytes at offset COVERAGE_BYTES; its id goes to the child in
 *     __LIBFUZZER_SHM_ID;
 *   - a control pipe (child reads) and a status pipe (child writes), whose descriptor numbers go to the
 *     child in __LIBFUZZER_CONTROL_PIPE_ID and __LIBFUZZER_STATUS_PIPE_ID;
 *   - the child writes a little-endian int32 0 once it is ready; then, per execution, the driver writes
 *     the input length as a little-endian int32 and the child answers with an int32 status: 0 when the
 *     action returned, 2 when an exception escaped it (after which the child prints it and exits).
 *
 * After each execution the child's counters are copied into an array in libFuzzer's extra-counters
 * section, which libFuzzer reads as coverage, and cleared for the next run. An exception, or the child
 * dying, aborts this process so libFuzzer saves the input as a crash. Hangs are libFuzzer's -timeout.
 *
 * Environment:
 *   SLUICE_FUZZ_DLL      path to the published, instrumented Sluice.Fuzz.dll (required)
 *   SLUICE_FUZZ_TARGET   target name passed to it, e.g. pg-frontend (required)
 *   SLUICE_FUZZ_DOTNET   the dotnet host to run it with (default: dotnet, found on PATH)
 *
 * Build: clang-16 -fsanitize=fuzzer -O2 -o sluice-libfuzzer sluice-libfuzzer.c
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define COVERAGE_BYTES 65536
#define MAX_INPUT_BYTES (1 << 20)

/* The descriptor numbers the child finds its pipes on; any free numbers would do. */
#define CHILD_CONTROL_FD 198
#define CHILD_STATUS_FD 199

/* SharpFuzz's status for an exception that escaped the action (its Fault.Crash). */
#define STATUS_OK 0

/* libFuzzer treats every byte of this section as an 8-bit coverage counter. */
__attribute__((used, section("__libfuzzer_extra_counters")))
static uint8_t extra_counters[COVERAGE_BYTES];

/* Every map slot any execution of this process has hit, to report how much of the map a run reached. */
static uint64_t slots_seen[COVERAGE_BYTES / 64];
static uint64_t executions;

static uint8_t *shared;
static int shm_id = -1;
static pid_t child = -1;
static int control_fd = -1; /* we write input lengths */
static int status_fd = -1;  /* we read statuses */

static void remove_segment(void);

/* Setup failed: not a finding, so leave without libFuzzer's exit hook saving the input as a crash. */
static void die(const char *what) {
  fprintf(stderr, "sluice-libfuzzer: %s: %s\n", what, strerror(errno));
  remove_segment();
  _exit(1);
}

static void remove_segment(void) {
  if (shared != NULL) {
    shmdt(shared);
    shared = NULL;
  }
  if (shm_id >= 0) {
    shmctl(shm_id, IPC_RMID, NULL);
    shm_id = -1;
  }
}

static void stop_child(void) {
  if (control_fd >= 0) {
    close(control_fd); /* the child's next read sees end of file and it returns */
    control_fd = -1;
  }
  if (child > 0) {
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    child = -1;
  }
}

static void at_exit(void) {
  if (executions > 0) {
    unsigned long seen = 0;
    for (size_t i = 0; i < COVERAGE_BYTES / 64; i++) seen += (unsigned long)__builtin_popcountll(slots_seen[i]);
    fprintf(stderr, "sluice-libfuzzer: %llu executions, %lu of %d coverage-map slots hit\n",
            (unsigned long long)executions, seen, COVERAGE_BYTES);
  }
  stop_child();
  remove_segment();
}

static int write_all(int fd, const void *buffer, size_t count) {
  const uint8_t *p = buffer;
  while (count > 0) {
    ssize_t n = write(fd, p, count);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    count -= (size_t)n;
  }
  return 0;
}

/* Returns 0 when all bytes arrived, -1 on end of file or error (the child is gone). */
static int read_all(int fd, void *buffer, size_t count) {
  uint8_t *p = buffer;
  while (count > 0) {
    ssize_t n = read(fd, p, count);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    count -= (size_t)n;
  }
  return 0;
}

static void put_le32(uint8_t out[4], uint32_t value) {
  out[0] = (uint8_t)value;
  out[1] = (uint8_t)(value >> 8);
  out[2] = (uint8_t)(value >> 16);
  out[3] = (uint8_t)(value >> 24);
}

static int32_t get_le32(const uint8_t in[4]) {
  return (int32_t)((uint32_t)in[0] | ((uint32_t)in[1] << 8) | ((uint32_t)in[2] << 16) | ((uint32_t)in[3] << 24));
}

/* The child is gone or failed: say why, then abort so libFuzzer keeps the input that did it. */
static void report_child_failure(const char *what) {
  int status = 0;
  fprintf(stderr, "\nsluice-libfuzzer: %s (target %s)\n", what, getenv("SLUICE_FUZZ_TARGET"));
  if (child > 0 && waitpid(child, &status, 0) == child) {
    if (WIFEXITED(status)) {
      fprintf(stderr, "sluice-libfuzzer: the .NET child exited with code %d\n", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
      fprintf(stderr, "sluice-libfuzzer: the .NET child was killed by signal %d\n", WTERMSIG(status));
    }
    child = -1;
  }
  fflush(stderr);
  abort();
}

static void start_child(void) {
  const char *dll = getenv("SLUICE_FUZZ_DLL");
  const char *target = getenv("SLUICE_FUZZ_TARGET");
  const char *dotnet = getenv("SLUICE_FUZZ_DOTNET");
  if (dll == NULL || target == NULL) {
    fprintf(stderr, "sluice-libfuzzer: set SLUICE_FUZZ_DLL (the instrumented Sluice.Fuzz.dll) and "
                    "SLUICE_FUZZ_TARGET (the target name)\n");
    _exit(1);
  }
  if (dotnet == NULL) dotnet = "dotnet";

  shm_id = shmget(IPC_PRIVATE, COVERAGE_BYTES + MAX_INPUT_BYTES, IPC_CREAT | IPC_EXCL | 0600);
  if (shm_id < 0) die("shmget");
  shared = shmat(shm_id, NULL, 0);
  if (shared == (void *)-1) {
    shared = NULL;
    die("shmat");
  }

  int control[2], status[2];
  if (pipe(control) != 0 || pipe(status) != 0) die("pipe");

  child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    /* The child must not outlive the fuzzer, whatever way the fuzzer ends. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (dup2(control[0], CHILD_CONTROL_FD) < 0 || dup2(status[1], CHILD_STATUS_FD) < 0) _exit(126);
    close(control[0]);
    close(control[1]);
    close(status[0]);
    close(status[1]);
    char id[32];
    snprintf(id, sizeof id, "%d", shm_id);
    setenv("__LIBFUZZER_SHM_ID", id, 1);
    snprintf(id, sizeof id, "%d", CHILD_CONTROL_FD);
    setenv("__LIBFUZZER_CONTROL_PIPE_ID", id, 1);
    snprintf(id, sizeof id, "%d", CHILD_STATUS_FD);
    setenv("__LIBFUZZER_STATUS_PIPE_ID", id, 1);
    execlp(dotnet, dotnet, dll, target, (char *)NULL);
    fprintf(stderr, "sluice-libfuzzer: cannot run %s: %s\n", dotnet, strerror(errno));
    _exit(127);
  }

  close(control[0]);
  close(status[1]);
  control_fd = control[1];
  status_fd = status[0];

  /* A child that cannot start is a setup problem, not a finding: exit without a crash artifact. */
  uint8_t ready[4];
  if (read_all(status_fd, ready, sizeof ready) != 0 || get_le32(ready) != STATUS_OK) {
    int status = 0;
    waitpid(child, &status, 0);
    child = -1;
    fprintf(stderr, "sluice-libfuzzer: the .NET child (%s %s %s) did not start; exit status %d. Is the DLL "
                    "published and instrumented, and the target name right?\n", dotnet, dll, target,
            WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    remove_segment();
    _exit(1); /* not exit(): libFuzzer would report "fuzz target exited" and keep the input as a crash */
  }
  /* Whatever startup touched is not coverage of any input. */
  memset(shared, 0, COVERAGE_BYTES);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  /* A dead child shows as EPIPE on the control pipe, handled below, not as a fatal signal here. */
  signal(SIGPIPE, SIG_IGN);
  atexit(at_exit);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* Started on first use, so libFuzzer's merge coordinator, which runs no input, starts no child. */
  if (child < 0) start_child();
  if (size > MAX_INPUT_BYTES) size = MAX_INPUT_BYTES;

  memcpy(shared + COVERAGE_BYTES, data, size);
  uint8_t length[4], status[4];
  put_le32(length, (uint32_t)size);
  if (write_all(control_fd, length, sizeof length) != 0) {
    report_child_failure("the .NET child is gone (writing the input length failed)");
  }
  if (read_all(status_fd, status, sizeof status) != 0) {
    report_child_failure("the .NET child died while running the input");
  }

  /* Hand the counters to libFuzzer and clear them, a word at a time: most of the map is zero. */
  uint64_t *counters = (uint64_t *)shared;
  for (size_t i = 0; i < COVERAGE_BYTES / 8; i++) {
    uint64_t word = counters[i];
    memcpy(extra_counters + i * 8, &word, 8);
    if (word != 0) {
      counters[i] = 0;
      uint64_t hit = 0;
      for (int b = 0; b < 8; b++) hit |= (uint64_t)(((word >> (b * 8)) & 0xFF) != 0) << b;
      slots_seen[i / 8] |= hit << ((i % 8) * 8);
    }
  }
  executions++;

  int32_t code = get_le32(status);
  if (code != STATUS_OK) {
    char what[96];
    snprintf(what, sizeof what, "an exception escaped the target (SharpFuzz status %d; printed above)", code);
    report_child_failure(what);
  }
  return 0;
}
