/*
 * A minimal fixed-schedule prober in C, the floor the panel's probe is held to: no runtime, no event
 * loop, no allocation on the hot path; the same empty send just before each request as the Node probers
 * make. Compiled by c-prober.int.test.ts at test time (never committed
 * as a binary).
 *
 *   c-prober --port P --path /v1/btc/latest --key KEY --rate HZ --start EPOCH_MS --duration MS
 *            [--warmup MS] [--timeout MS] [--spin MS]
 *
 * Loopback only (127.0.0.1). Slot k is due at start + k/rate. Each slot's request goes out on an idle
 * keep-alive connection (another is opened, up to MAX_CONN, when all are busy), and its answer is
 * stamped when the recv() holding its last byte returns. Output, when every slot has completed or
 * timed out: {"samples":[[intended, sent, done, ok], ...]} in epoch ms, the shape prober.mjs prints.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The panel's probe caps its pool at 8 sockets; the same cap keeps a stall's cost alike on both. */
#define MAX_CONN 8
/* The warm-up send goes this long before a request (the panel's WARM_LEAD_MS, 0.1 ms). */
#define WARM_LEAD_NS 100000
#define BUF_BYTES 65536
#define MAX_SLOTS 200000

typedef struct {
  int64_t intended, sent, done; /* CLOCK_MONOTONIC ns; done = 0 while outstanding */
  int ok;
} Slot;

typedef struct {
  int fd;   /* -1: closed */
  int slot; /* the slot in flight, -1: idle */
  size_t len;
  char buf[BUF_BYTES];
} Conn;

static Slot slots[MAX_SLOTS];
static Conn conns[MAX_CONN];
static struct sockaddr_in addr;
static char request[1024];
static size_t request_len;

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const char *arg(int argc, char **argv, const char *name, const char *fallback) {
  for (int i = 1; i + 1 < argc; i += 2)
    if (strcmp(argv[i], name) == 0) return argv[i + 1];
  if (!fallback) {
    fprintf(stderr, "%s is required\n", name);
    exit(2);
  }
  return fallback;
}

static void finish(int s, int ok, int64_t at) {
  if (s < 0 || slots[s].done) return;
  slots[s].done = at;
  slots[s].ok = ok;
}

static void drop(Conn *c, int64_t at) {
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->len = 0;
  finish(c->slot, 0, at);
  c->slot = -1;
}

static int open_conn(Conn *c) {
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  /* Nagle would hold a request behind an unacknowledged one on the same socket; the panel sets it too. */
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    return -1;
  }
  c->slot = -1;
  c->len = 0;
  return 0;
}

/* Where a complete answer ends in c->buf, 0 while more bytes are needed, -1 for anything unexpected.
 * Only what the relay sends: HTTP/1.1 with Content-Length; anything else closes the socket. */
static long answer_end(Conn *c, int *status) {
  c->buf[c->len] = '\0';
  char *head_end = strstr(c->buf, "\r\n\r\n");
  if (!head_end) return c->len >= BUF_BYTES - 1 ? -1 : 0;
  if (strncmp(c->buf, "HTTP/1.1 ", 9) != 0) return -1;
  *status = atoi(c->buf + 9);
  for (char *line = strstr(c->buf, "\r\n"); line && line < head_end; line = strstr(line + 2, "\r\n")) {
    if (strncasecmp(line + 2, "content-length:", 15) == 0) {
      long end = (head_end + 4 - c->buf) + atol(line + 17);
      if (end >= BUF_BYTES) return -1;
      return (long)c->len >= end ? end : 0;
    }
  }
  return -1;
}

static void on_readable(Conn *c) {
  ssize_t n = recv(c->fd, c->buf + c->len, BUF_BYTES - 1 - c->len, 0);
  /* The stamp: straight after the read that brought the bytes, before any parsing. */
  int64_t at = mono_ns();
  if (n <= 0) return drop(c, at);
  c->len += (size_t)n;
  int status = 0;
  long end = answer_end(c, &status);
  if (end < 0 || (end > 0 && (size_t)end != c->len) || (end > 0 && c->slot < 0)) return drop(c, at);
  if (end == 0) return;
  finish(c->slot, status == 200, at);
  c->slot = -1;
  c->len = 0;
}

/* Waits for answers until `deadline` (monotonic ns), handling each as it comes, and times out slots. */
static void serve(int64_t deadline, int64_t timeout_ns) {
  for (;;) {
    int64_t now = mono_ns();
    for (int i = 0; i < MAX_CONN; i++)
      if (conns[i].slot >= 0 && now - slots[conns[i].slot].intended >= timeout_ns) drop(&conns[i], now);
    if (now >= deadline) return;
    struct pollfd fds[MAX_CONN];
    int map[MAX_CONN], n = 0;
    for (int i = 0; i < MAX_CONN; i++)
      if (conns[i].fd >= 0) {
        fds[n] = (struct pollfd){.fd = conns[i].fd, .events = POLLIN};
        map[n++] = i;
      }
    int64_t wait = deadline - now;
    struct timespec ts = {.tv_sec = wait / 1000000000, .tv_nsec = wait % 1000000000};
    int ready = ppoll(fds, (nfds_t)n, &ts, NULL);
    if (ready < 0 && errno != EINTR) return;
    for (int j = 0; j < n && ready > 0; j++)
      if (fds[j].revents) on_readable(&conns[map[j]]);
  }
}

/* The connection the next request goes on: the lowest idle one, as the panel's pool reuses its warmest. */
static Conn *next_conn(void) {
  for (int i = 0; i < MAX_CONN; i++)
    if (conns[i].fd >= 0 && conns[i].slot < 0) return &conns[i];
  for (int i = 0; i < MAX_CONN; i++)
    if (conns[i].fd < 0 && open_conn(&conns[i]) == 0) return &conns[i];
  return NULL;
}

static void fire(int s, Conn *c) {
  slots[s].sent = mono_ns();
  if (!c) return; /* all busy (a stall): the slot waits out its timeout, unsent, as in prober.mjs */
  c->slot = s;
  if (send(c->fd, request, request_len, MSG_NOSIGNAL) != (ssize_t)request_len) drop(c, mono_ns());
}

int main(int argc, char **argv) {
  int port = atoi(arg(argc, argv, "--port", NULL));
  const char *path = arg(argc, argv, "--path", NULL);
  const char *key = arg(argc, argv, "--key", NULL);
  double rate = atof(arg(argc, argv, "--rate", NULL));
  double start_ms = atof(arg(argc, argv, "--start", NULL));
  double duration_ms = atof(arg(argc, argv, "--duration", NULL));
  double warmup_ms = atof(arg(argc, argv, "--warmup", "0"));
  int64_t timeout_ns = (int64_t)(atof(arg(argc, argv, "--timeout", "1000")) * 1e6);
  /* Sleep until this close to a slot, then spin: the panel's own window at the 5 ms tiers (timer lead
   * 1 ms + spin 0.25 ms), so both probes keep a core hot for as long before each send. */
  int64_t spin_ns = (int64_t)(atof(arg(argc, argv, "--spin", "1.25")) * 1e6);
  if (rate <= 0 || port <= 0 || duration_ms <= 0) {
    fprintf(stderr, "--rate, --port and --duration must be positive\n");
    return 2;
  }

  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  request_len = (size_t)snprintf(request, sizeof request,
                                 "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-API-Key: %s\r\n"
                                 "Accept: application/json\r\nConnection: keep-alive\r\n\r\n",
                                 path, port, key);
  if (request_len >= sizeof request) return 2;

  /* The schedule runs on CLOCK_MONOTONIC (no steps); the test's slots are epoch ms, so translate once. */
  struct timespec real;
  clock_gettime(CLOCK_REALTIME, &real);
  int64_t epoch_minus_mono = (int64_t)real.tv_sec * 1000000000 + real.tv_nsec - mono_ns();
  int64_t interval_ns = (int64_t)(1e9 / rate);
  int first = -(int)(warmup_ms * rate / 1000 + 0.5);
  int total = (int)(duration_ms * rate / 1000 + 0.5);
  if (total - first > MAX_SLOTS) return 2;
  int64_t start_ns = (int64_t)(start_ms * 1e6) - epoch_minus_mono;

  for (int i = 0; i < MAX_CONN; i++) conns[i] = (Conn){.fd = -1, .slot = -1};
  /* One connection opened ahead, so the first slot does not pay the handshake. */
  if (open_conn(&conns[0]) != 0) {
    perror("connect");
    return 1;
  }

  for (int k = first; k < total; k++) {
    int s = k - first;
    slots[s].intended = start_ns + (int64_t)k * interval_ns;
    serve(slots[s].intended - spin_ns, timeout_ns);
    Conn *c = next_conn();
    while (mono_ns() < slots[s].intended - WARM_LEAD_NS) {
      /* busy-wait: the send leaves at its time, not at a wake-up's */
    }
    /* An empty send just before the request, as both Node probers do (the panel's WARM_LEAD_MS): it
     * brings this socket's send path into cache, which CPU contention otherwise evicts between slots. */
    if (c) send(c->fd, "", 0, MSG_NOSIGNAL);
    while (mono_ns() < slots[s].intended) {
    }
    fire(s, c);
  }
  /* The last answers (or their timeouts). */
  int64_t last = slots[total - first - 1].intended + timeout_ns;
  for (int pending = 1; pending && mono_ns() < last;) {
    serve(mono_ns() + 1000000, timeout_ns);
    pending = 0;
    for (int i = 0; i < MAX_CONN; i++) pending |= conns[i].slot >= 0;
  }
  int64_t end = mono_ns();
  for (int i = 0; i < MAX_CONN; i++) drop(&conns[i], end);

  printf("{\"samples\":[");
  for (int k = 0; k < total; k++) {
    Slot *sl = &slots[k - first];
    /* Never sent or never answered: done at the timeout, as prober.mjs reports it. */
    int64_t done = sl->done ? sl->done : sl->intended + timeout_ns;
    int64_t sent = sl->sent ? sl->sent : sl->intended;
    printf("%s[%.4f,%.4f,%.4f,%s]", k ? "," : "", (sl->intended + epoch_minus_mono) / 1e6,
           (sent + epoch_minus_mono) / 1e6, (done + epoch_minus_mono) / 1e6, sl->ok ? "true" : "false");
  }
  printf("]}\n");
  return 0;
}
