package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// RateLimiter is one token bucket per configured key (unknown keys are refused before it, so a
// client cannot grow the map); the first key, the panel's own, is exempt.
type RateLimiter struct {
	mu        sync.Mutex
	perSecond float64
	burst     float64
	exempt    string
	buckets   map[string]*bucket
	now       func() time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewRateLimiter for the tier's rate (requests/s) and burst.
func NewRateLimiter(perSecond, burst float64, keys []string) *RateLimiter {
	l := &RateLimiter{perSecond: perSecond, burst: burst, buckets: map[string]*bucket{}, now: time.Now}
	if len(keys) > 0 {
		l.exempt = keys[0]
	}
	for _, k := range keys {
		l.buckets[k] = &bucket{tokens: burst, at: l.now()}
	}
	return l
}

// Known reports whether key is configured.
func (l *RateLimiter) Known(key string) bool {
	_, ok := l.buckets[key] // written only in the constructor
	return ok
}

// Admit takes a token, or says how many whole seconds until one is available.
func (l *RateLimiter) Admit(key string) (bool, int) {
	if key == l.exempt {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	now := l.now()
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.perSecond)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, int(math.Max(1, math.Ceil((1-b.tokens)/l.perSecond)))
}

// Header values shared by every answer (never appended to or written through), so an answer sets
// them without allocating a slice each.
var (
	jsonContentType = []string{"application/json"}
	noStore         = []string{"no-store"}
)

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Cache-Control"] = noStore
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

var (
	errUnauthorized = []byte(`{"error":"missing or invalid API key"}`)
	errRateLimited  = []byte(`{"error":"rate limit exceeded"}`)
	errNotFound     = []byte(`{"error":"not found"}`)
	errMethod       = []byte(`{"error":"method not allowed"}`)
	errNoBlock      = []byte(`{"error":"no block received yet"}`)
)

// routeOf names a path for metrics (a fixed set, so labels stay bounded); "" is not a route.
func routeOf(path string) string {
	switch {
	case path == "/v1/btc/latest" || path == "/v1/btc/status" || path == "/v1/btc/events" ||
		path == "/v1/btc/stream" || path == "/v1/btc/headers":
		return path
	case strings.HasPrefix(path, "/v1/btc/header/") && len(path) > len("/v1/btc/header/"):
		return "/v1/btc/header"
	}
	return ""
}

// okLabels: the label set of each route's 200 answer, built once (the hot path allocates none).
var okLabels = func() map[string]string {
	m := map[string]string{}
	for _, route := range []string{"/v1/btc/latest", "/v1/btc/status", "/v1/btc/events", "/v1/btc/stream",
		"/v1/btc/headers", "/v1/btc/header", "other"} {
		m[route] = `route="` + route + `",code="200"`
	}
	return m
}()

func requestLabels(route string, code int) string {
	if code == http.StatusOK {
		if labels, ok := okLabels[route]; ok {
			return labels
		}
	}
	return `route="` + route + `",code="` + strconv.Itoa(code) + `"`
}

// statusRecorder keeps the status a handler wrote, for the requests counter.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if s.code == 0 {
		s.code = http.StatusSwitchingProtocols
	}
	return s.ResponseWriter.(http.Hijacker).Hijack()
}

// resumeFrom reads ?since= (either stream) or SSE's Last-Event-ID, and ?epoch=.
func resumeFrom(req *http.Request) (Resume, error) {
	q := req.URL.Query()
	raw := q.Get("since")
	if raw == "" {
		raw = req.Header.Get("Last-Event-ID")
	}
	resume := Resume{Epoch: q.Get("epoch")}
	if resume.Epoch != "" && !epochPattern.MatchString(resume.Epoch) {
		return resume, errors.New("epoch: letters, digits, '-' and '_' only, at most 64")
	}
	if raw == "" {
		return resume, nil
	}
	n, err := strconv.ParseUint(raw, 10, 63)
	if err != nil {
		return resume, fmt.Errorf("since: %q is not a seq (a non-negative integer)", raw)
	}
	resume.Since, resume.HasSince = n, true
	return resume, nil
}

var epochPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// apiHandler serves the API port. Streams also take ?key= (browsers cannot set headers there).
func (r *Relay) apiHandler() http.Handler {
	var lastRejectLog atomic.Int64
	return http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
		started := time.Now()
		path := req.URL.Path
		route := routeOf(path)
		streaming := route == "/v1/btc/events" || route == "/v1/btc/stream"
		w := &statusRecorder{ResponseWriter: rw}
		defer func() {
			label := route
			if label == "" {
				label = "other"
			}
			code := w.code
			if code == 0 {
				code = http.StatusOK
			}
			r.apiRequests.Inc(requestLabels(label, code), `route="other",code="other"`)
			// A stream's lifetime is not an answer time; only its admission is counted.
			if !streaming {
				r.apiLatency.Observe(time.Since(started).Seconds())
			}
		}()
		if route == "" {
			writeJSON(w, http.StatusNotFound, errNotFound)
			return
		}
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeJSON(w, http.StatusMethodNotAllowed, errMethod)
			return
		}
		key := req.Header.Get("X-API-Key")
		if key == "" && streaming {
			key = req.URL.Query().Get("key")
		}
		if !r.limiter.Known(key) {
			// At most one line a second: a client hammering with bad keys must not flood the log.
			if now := time.Now().Unix(); lastRejectLog.Swap(now) != now {
				r.log.Warn("rejected API request", F("path", path), F("reason", "missing or invalid API key"), F("remote", req.RemoteAddr))
			}
			writeJSON(w, http.StatusUnauthorized, errUnauthorized)
			return
		}
		if ok, retry := r.limiter.Admit(key); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(retry))
			writeJSON(w, http.StatusTooManyRequests, errRateLimited)
			return
		}
		var resume Resume
		if streaming {
			var err error
			if resume, err = resumeFrom(req); err != nil {
				writeError(w, http.StatusBadRequest, err.Error())
				return
			}
		}
		switch route {
		case "/v1/btc/latest":
			r.serveLatest(w)
		case "/v1/btc/status":
			body, _ := json.Marshal(r.Status())
			writeJSON(w, http.StatusOK, body)
		case "/v1/btc/header":
			r.serveHeader(w, strings.TrimPrefix(path, "/v1/btc/header/"))
		case "/v1/btc/headers":
			r.serveHeaders(w, req)
		case "/v1/btc/events":
			r.hub.ServeSSE(w, req, resume)
		case "/v1/btc/stream":
			wsKey, err := CheckUpgrade(req)
			if err != nil {
				writeError(w, http.StatusBadRequest, err.Error())
				return
			}
			r.hub.ServeWebSocket(w, wsKey, resume)
		}
	})
}

func writeError(w http.ResponseWriter, status int, message string) {
	body, _ := json.Marshal(map[string]string{"error": message})
	writeJSON(w, status, body)
}

var hashPattern = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// serveHeader answers /v1/btc/header/{height|hash} from the best chain.
func (r *Relay) serveHeader(w http.ResponseWriter, which string) {
	var rec HeaderRecord
	var ok bool
	switch {
	case hashPattern.MatchString(which):
		var hash [32]byte
		raw, _ := hex.DecodeString(which)
		for i := range raw {
			hash[i] = raw[31-i]
		}
		rec, ok = r.chain.RecordByHash(hash)
	default:
		height, err := strconv.Atoi(which)
		if err != nil || height < 0 || strings.HasPrefix(which, "+") {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("header: %q is neither a height (a non-negative integer) nor a block hash (64 hex digits)", which))
			return
		}
		rec, ok = r.chain.RecordAt(height)
	}
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no header %s on the best chain", which))
		return
	}
	body, _ := json.Marshal(rec)
	writeJSON(w, http.StatusOK, body)
}

// serveHeaders answers /v1/btc/headers?from=H&count=N (at most maxHeadersPerRequest).
func (r *Relay) serveHeaders(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	from, err := strconv.Atoi(q.Get("from"))
	if err != nil || from < 0 || strings.HasPrefix(q.Get("from"), "+") {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("from: %q is not a height (a non-negative integer)", q.Get("from")))
		return
	}
	count := maxHeadersPerRequest
	if raw := q.Get("count"); raw != "" {
		if count, err = strconv.Atoi(raw); err != nil || count < 1 || strings.HasPrefix(raw, "+") {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("count: %q is not a positive integer (at most %d headers are returned)", raw, maxHeadersPerRequest))
			return
		}
		if count > maxHeadersPerRequest {
			count = maxHeadersPerRequest
		}
	}
	// The stream position first: events after it describe changes since this page was read.
	seq := r.hub.Position()
	headers, tip := r.chain.Records(from, count)
	body, _ := json.Marshal(map[string]interface{}{"network": r.cfg.Network.Name, "from": from, "headers": headers,
		"tip": tip, "seq": seq, "epoch": r.hub.Epoch()})
	writeJSON(w, http.StatusOK, body)
}

// maxHeadersPerRequest is shared/relay-stream.ts MAX_HEADERS_PER_REQUEST.
const maxHeadersPerRequest = 2000

// serveLatest never serves an old header while catching up: 503 with the sync progress instead.
func (r *Relay) serveLatest(w http.ResponseWriter) {
	if !r.upstream.Synced() {
		body, _ := json.Marshal(map[string]interface{}{"error": "not synced: catching up with the upstream peer", "sync": r.Sync()})
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, body)
		return
	}
	body := r.Latest()
	if body == nil {
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, errNoBlock)
		return
	}
	writeJSON(w, http.StatusOK, body)
}
