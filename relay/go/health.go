package main

import (
	"encoding/json"
	"net/http"
	"runtime"
	"strings"
)

// healthHandler serves /ready, /health and /metrics on the health port, without a key: the panel and
// Prometheus poll these without competing with API clients for rate-limit tokens.
func (r *Relay) healthHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			writeJSON(w, http.StatusMethodNotAllowed, errMethod)
			return
		}
		switch req.URL.Path {
		case "/ready":
			if r.Ready() {
				writeJSON(w, http.StatusOK, []byte(`{"ready":true}`))
			} else {
				writeJSON(w, http.StatusServiceUnavailable, []byte(`{"ready":false}`))
			}
		case "/health":
			body, _ := json.Marshal(r.Health())
			writeJSON(w, http.StatusOK, body)
		case "/metrics":
			w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write([]byte(r.Metrics()))
		default:
			writeJSON(w, http.StatusNotFound, errNotFound)
		}
	})
}

var levelValue = map[string]float64{"standard": 1, "high": 2, "maximum": 3}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Metrics is the Prometheus text exposition, written by hand (the standard library has no client).
func (r *Relay) Metrics() string {
	var b strings.Builder
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	ws, sse := r.hub.Counts()
	sync := r.Sync()
	r.relayLatency.write(&b, "bitcoin_sprint_relay_latency_seconds", "From the upstream announcement arriving at the relay to its write to stream clients")
	r.apiLatency.write(&b, "bitcoin_sprint_api_latency_seconds", "Time the relay spends answering an API request")
	writeFamily(&b, "bitcoin_sprint_blocks_relayed_total", "counter", "New blocks pushed to stream clients", one(float64(r.relayLatency.Count())))
	writeFamily(&b, "bitcoin_sprint_api_requests_total", "counter", "API requests answered, any status", one(float64(r.apiRequests.Load())))
	writeFamily(&b, "bitcoin_sprint_stream_clients", "gauge", "Connected stream clients by transport",
		metricLine{`transport="ws"`, float64(ws)}, metricLine{`transport="sse"`, float64(sse)})
	writeFamily(&b, "bitcoin_sprint_peers", "gauge", "Upstream peers with a completed handshake", one(float64(r.upstream.ReadyPeers())))
	writeFamily(&b, "bitcoin_sprint_tip_height", "gauge", "Height of the best valid header", one(float64(r.chain.Tip().Height)))
	writeFamily(&b, "bitcoin_sprint_sync_progress_ratio", "gauge", "Header sync progress, 0 to 1", one(sync["progress"].(float64)))
	writeFamily(&b, "bitcoin_sprint_sync_headers", "gauge", "Headers in the best chain", one(float64(r.chain.Tip().Height+1)))
	writeFamily(&b, "bitcoin_sprint_ready", "gauge", "1 while synced and streaming (GET /ready answers 200)", one(boolValue(r.Ready())))
	writeFamily(&b, "bitcoin_sprint_optimization_level", "gauge", "Optimization level of the tier: 1 standard, 2 high, 3 maximum",
		metricLine{`level="` + labelValue(r.cfg.Tier.Level) + `",tier="` + labelValue(r.cfg.Tier.Name) + `"`, levelValue[r.cfg.Tier.Level]})
	writeFamily(&b, "bitcoin_sprint_gc_percent", "gauge", "GC percent read back from the Go runtime (-1 = off)", one(float64(GCPercentNow())))
	writeFamily(&b, "bitcoin_sprint_cpu_cores", "gauge", "CPU cores the relay may use (GOMAXPROCS)", one(float64(runtime.GOMAXPROCS(0))))
	writeFamily(&b, "go_goroutines", "gauge", "Number of goroutines that currently exist", one(float64(runtime.NumGoroutine())))
	writeFamily(&b, "go_memstats_heap_alloc_bytes", "gauge", "Heap bytes allocated and still in use", one(float64(mem.HeapAlloc)))
	writeFamily(&b, "go_gc_cycles_total", "counter", "Completed GC cycles", one(float64(mem.NumGC)))
	writeFamily(&b, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch in seconds", one(float64(r.startedAt.UnixNano())/1e9))
	return b.String()
}
