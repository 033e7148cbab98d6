package main

import (
	"encoding/json"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
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
	writeFamily(&b, "bitcoin_sprint_sync_headers", "gauge", `Headers: held on the best chain (kind="stored") and the height peers report (kind="target")`,
		metricLine{`kind="stored"`, float64(r.chain.Tip().Height)}, metricLine{`kind="target"`, float64(sync["targetHeight"].(int))})
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

// Health is /health in the shape RelayHealth (shared/relay-contract.ts) validates.
func (r *Relay) Health() map[string]interface{} {
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	gc := GCPercentNow()
	// The agreed /health status: syncing while a connected peer is still sending history.
	status := "ok"
	switch {
	case r.Ready():
	case r.upstream.ReadyPeers() > 0 && !r.upstream.Synced():
		status = "syncing"
	default:
		status = "degraded"
	}
	return map[string]interface{}{
		"status": status, "tier": r.cfg.Tier.Name, "optimizationLevel": r.cfg.Tier.Level, "version": relayVersion,
		"runtime": map[string]interface{}{
			"name": "go", "goVersion": runtime.Version(), "cpuCores": runtime.GOMAXPROCS(0),
			"gomaxprocs": runtime.GOMAXPROCS(0), "numCPU": runtime.NumCPU(), "gc_percent": gc, "gc": gcValue(gc),
			"numGC": mem.NumGC, "goroutines": runtime.NumGoroutine(),
			"heapUsedMb": round3(float64(mem.HeapAlloc) / 1048576), "sysMb": round3(float64(mem.Sys) / 1048576), "rssMb": rssMb(),
			"eventLoopDelayMs": map[string]float64{}, "uptimeSeconds": int(time.Since(r.startedAt).Seconds()),
		},
		"upstream": map[string]interface{}{
			"state": r.upstreamState(), "synced": r.upstream.Synced(), "network": r.cfg.Network.Name,
			"peers": r.upstream.Peers(), "tip": r.tip(), "sync": r.Sync(),
		},
		"knobs": r.knobs,
		"performance": map[string]interface{}{
			"blocksRelayed": r.relayLatency.Count(), "relayLatencyMs": r.relayLatency.SummaryMs(),
			"apiRequests": r.apiRequests.Load(), "apiLatencyMs": r.apiLatency.SummaryMs(),
			"streamClients": r.streamClients(),
		},
	}
}

// rssMb is the resident set from /proc (Linux); null where there is no /proc.
func rssMb() interface{} {
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return nil
	}
	fields := strings.Fields(string(statm))
	if len(fields) < 2 {
		return nil
	}
	pages, err := strconv.Atoi(fields[1])
	if err != nil {
		return nil
	}
	return round3(float64(pages*os.Getpagesize()) / 1048576)
}
