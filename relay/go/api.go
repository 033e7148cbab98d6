package main

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
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

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
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

var apiRoutes = map[string]bool{"/v1/btc/latest": true, "/v1/btc/status": true, "/v1/btc/events": true, "/v1/btc/stream": true}

// apiHandler serves the API port. Streams also take ?key= (browsers cannot set headers there).
func (r *Relay) apiHandler() http.Handler {
	var lastRejectLog atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		started := time.Now()
		path := req.URL.Path
		streaming := path == "/v1/btc/events" || path == "/v1/btc/stream"
		defer func() {
			r.apiRequests.Add(1)
			// A stream's lifetime is not an answer time; only its admission is counted.
			if !streaming {
				r.apiLatency.Observe(time.Since(started).Seconds())
			}
		}()
		if !apiRoutes[path] {
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
		switch path {
		case "/v1/btc/latest":
			r.serveLatest(w)
		case "/v1/btc/status":
			body, _ := json.Marshal(r.Status())
			writeJSON(w, http.StatusOK, body)
		case "/v1/btc/events":
			r.hub.ServeSSE(w, req)
		case "/v1/btc/stream":
			wsKey, err := CheckUpgrade(req)
			if err != nil {
				body, _ := json.Marshal(map[string]string{"error": err.Error()})
				writeJSON(w, http.StatusBadRequest, body)
				return
			}
			r.hub.ServeWebSocket(w, wsKey)
		}
	})
}

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
