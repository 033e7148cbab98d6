package main

import (
	"encoding/json"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
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
		case "/metrics", "/metrics/compat":
			w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			if req.URL.Path == "/metrics" {
				_, _ = w.Write([]byte(r.Metrics()))
			} else {
				_, _ = w.Write([]byte(r.CompatMetrics()))
			}
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

// Metrics is the Prometheus text exposition, written by hand (the standard library has no client):
// the TypeScript relay's families (relay/health/metrics.ts, peer-metrics.ts, the lint-clean compat
// names) with the Go runtime's own beside them.
func (r *Relay) Metrics() string {
	var b strings.Builder
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	ws, sse := r.hub.Counts()
	sync := r.Sync()
	tier := r.cfg.Tier
	writeFamily(&b, "bitcoin_sprint_build_info", "gauge", "Relay build and runtime, value 1",
		metricLine{`version="` + labelValue(relayVersion) + `",runtime="go",runtime_version="` + labelValue(runtime.Version()) +
			`",network="` + labelValue(r.cfg.Network.Name) + `"`, 1})
	writeFamily(&b, "bitcoin_sprint_tier_info", "gauge", "Tier the relay runs under and its optimization level, value 1",
		metricLine{`tier="` + labelValue(tier.Name) + `",level="` + labelValue(tier.Level) + `"`, 1})
	writeFamily(&b, "bitcoin_sprint_sla_target_seconds", "gauge", "Latency a block must be relayed within to count toward the tier's SLA", one(tier.TargetSeconds))
	writeFamily(&b, "bitcoin_sprint_sla_objective_ratio", "gauge", "Share of blocks the tier's SLA requires within target (0.999 = 99.9%)", one(tier.Objective))
	r.relayLatency.write(&b, "bitcoin_sprint_relay_latency_seconds", "From the upstream announcement arriving at the relay to its write to stream clients")
	r.apiLatency.write(&b, "bitcoin_sprint_api_latency_seconds", "Time the relay spends answering an API request")
	writeFamily(&b, "bitcoin_sprint_blocks_relayed_total", "counter", "New blocks pushed to stream clients", one(float64(r.relayLatency.Count())))
	writeFamily(&b, "bitcoin_sprint_api_requests_total", "counter", "API requests answered, by route and HTTP status code (401 bad key, 429 rate limited)", r.apiRequests.lines()...)
	writeFamily(&b, "bitcoin_sprint_stream_clients", "gauge", "Connected stream clients by transport",
		metricLine{`transport="ws"`, float64(ws)}, metricLine{`transport="sse"`, float64(sse)})
	writeFamily(&b, "bitcoin_sprint_memory_alloc_bytes", "gauge", "Heap in use by the relay runtime (Go heap in use for Go)", one(float64(mem.HeapAlloc)))
	writeFamily(&b, "bitcoin_sprint_tip_height", "gauge", "Height of the best valid header", one(float64(r.chain.Height())))
	writeFamily(&b, "bitcoin_sprint_sync_progress_ratio", "gauge", "Header sync progress, 0 to 1 (1 once caught up with the best peer)", one(sync["progress"].(float64)))
	writeFamily(&b, "bitcoin_sprint_sync_headers", "gauge", `Headers: held on the best chain (kind="stored") and the height peers report (kind="target")`,
		metricLine{`kind="stored"`, float64(sync["height"].(int))}, metricLine{`kind="target"`, float64(sync["targetHeight"].(int))})
	writeFamily(&b, "bitcoin_sprint_peers", "gauge", "Upstream peers with a completed handshake", one(float64(r.upstream.ReadyPeers())))
	writeFamily(&b, "bitcoin_sprint_peer_disconnects_total", "counter", "Upstream peer connections that ended, by reason code", r.upstream.disconnects.lines()...)
	writeFamily(&b, "bitcoin_sprint_peer_bans_total", "counter", "Upstream peers banned, by reason code (the Go relay drops misbehaving peers and reconnects with backoff; it does not ban)")
	r.upstream.writeAnnounceLead(&b)
	writeFamily(&b, "bitcoin_sprint_reorgs_total", "counter", "Reorganisations of the best chain (a branch with more work replaced blocks on it)", one(float64(r.reorgDepth.Count())))
	r.reorgDepth.write(&b, "bitcoin_sprint_reorg_depth_blocks", "Blocks disconnected by each reorganisation")
	writeFamily(&b, "bitcoin_sprint_stream_replay_events", "gauge", "Stream events held for resume (?since= / Last-Event-ID)", one(float64(r.hub.ReplayEvents())))
	writeFamily(&b, "bitcoin_sprint_ready", "gauge", "1 while synced and streaming (GET /ready answers 200)", one(boolValue(r.Ready())))
	writeFamily(&b, "bitcoin_sprint_optimization_level", "gauge", "Compatibility name: optimization level as a value (1 standard, 2 high, 3 maximum); see bitcoin_sprint_tier_info",
		metricLine{`level="` + labelValue(tier.Level) + `",tier="` + labelValue(tier.Name) + `"`, levelValue[tier.Level]})
	writeFamily(&b, "bitcoin_sprint_gc_percent", "gauge", "GC percent read back from the Go runtime (-1 = off)", one(float64(GCPercentNow())))
	writeFamily(&b, "bitcoin_sprint_cpu_cores", "gauge", "CPU cores the relay may use (GOMAXPROCS)", one(float64(runtime.GOMAXPROCS(0))))
	if n := r.relayLatency.Count(); n > 0 {
		writeFamily(&b, "bitcoin_sprint_sla_compliance_rate", "gauge", "Compatibility name: share of relayed blocks within the tier's target since start; prefer bucket ratios of bitcoin_sprint_relay_latency_seconds",
			one(float64(r.relayLatency.CountAtOrBelow(tier.TargetSeconds))/float64(n)))
	}
	writeFamily(&b, "go_goroutines", "gauge", "Number of goroutines that currently exist", one(float64(runtime.NumGoroutine())))
	writeFamily(&b, "go_memstats_heap_alloc_bytes", "gauge", "Heap bytes allocated and still in use", one(float64(mem.HeapAlloc)))
	writeFamily(&b, "go_memstats_sys_bytes", "gauge", "Bytes obtained from the OS by the Go runtime", one(float64(mem.Sys)))
	writeFamily(&b, "go_memory_limit_bytes", "gauge", "Soft memory limit of the Go runtime (GOMEMLIMIT; debug.SetMemoryLimit read-back)", one(float64(debug.SetMemoryLimit(-1))))
	writeFamily(&b, "go_gc_cycles_total", "counter", "Completed GC cycles", one(float64(mem.NumGC)))
	writeFamily(&b, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch in seconds", one(float64(r.startedAt.UnixNano())/1e9))
	if rss, ok := rssBytes(); ok {
		writeFamily(&b, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes", one(float64(rss)))
	}
	return b.String()
}

// CompatMetrics is /metrics/compat: the seed's five names, as the TypeScript relay serves them
// (bitcoin_sprint_memory_alloc_mb's abbreviated unit is why they are not all on /metrics).
func (r *Relay) CompatMetrics() string {
	var b strings.Builder
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	tier := r.cfg.Tier
	writeFamily(&b, "bitcoin_sprint_optimization_level", "gauge", "Compatibility name: optimization level as a value (1 standard, 2 high, 3 maximum); see bitcoin_sprint_tier_info",
		metricLine{`level="` + labelValue(tier.Level) + `",tier="` + labelValue(tier.Name) + `"`, levelValue[tier.Level]})
	writeFamily(&b, "bitcoin_sprint_gc_percent", "gauge", "GC percent read back from the Go runtime (-1 = off)", one(float64(GCPercentNow())))
	writeFamily(&b, "bitcoin_sprint_cpu_cores", "gauge", "CPU cores the relay may use (GOMAXPROCS)", one(float64(runtime.GOMAXPROCS(0))))
	if n := r.relayLatency.Count(); n > 0 {
		writeFamily(&b, "bitcoin_sprint_sla_compliance_rate", "gauge", "Compatibility name: share of relayed blocks within the tier's target since start; prefer bucket ratios of bitcoin_sprint_relay_latency_seconds",
			one(float64(r.relayLatency.CountAtOrBelow(tier.TargetSeconds))/float64(n)))
	}
	writeFamily(&b, "bitcoin_sprint_memory_alloc_mb", "gauge", "Compatibility name: Go heap in use, MB; see bitcoin_sprint_memory_alloc_bytes", one(round3(float64(mem.HeapAlloc)/1048576)))
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
			"name": "go", "goVersion": runtime.Version(), "go_version": runtime.Version(), "cpuCores": runtime.GOMAXPROCS(0),
			"memory_limit": debug.SetMemoryLimit(-1), "gogc": gc,
			"gomaxprocs": runtime.GOMAXPROCS(0), "numCPU": runtime.NumCPU(), "gc_percent": gc, "gc": gcValue(gc),
			"numGC": mem.NumGC, "goroutines": runtime.NumGoroutine(),
			"heapUsedMb": round3(float64(mem.HeapAlloc) / 1048576), "sysMb": round3(float64(mem.Sys) / 1048576), "rssMb": rssMb(),
			"eventLoopDelayMs": map[string]float64{}, "uptimeSeconds": int(time.Since(r.startedAt).Seconds()),
		},
		"upstream": map[string]interface{}{
			"state": r.upstreamState(), "synced": r.upstream.Synced(), "network": r.cfg.Network.Name,
			"peers": r.upstream.Peers(), "tip": r.tip(), "sync": r.Sync(), "clock": r.upstream.clocks.report(),
		},
		"knobs": r.knobs,
		"performance": map[string]interface{}{
			"blocksRelayed": r.relayLatency.Count(), "relayLatencyMs": r.relayLatency.SummaryMs(),
			"apiRequests": uint64(r.apiRequests.Total()), "apiLatencyMs": r.apiLatency.SummaryMs(),
			"streamClients": r.streamClients(),
		},
	}
}

// rssBytes is the resident set from /proc (Linux); false where there is no /proc.
func rssBytes() (int, bool) {
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	fields := strings.Fields(string(statm))
	if len(fields) < 2 {
		return 0, false
	}
	pages, err := strconv.Atoi(fields[1])
	if err != nil {
		return 0, false
	}
	return pages * os.Getpagesize(), true
}

// rssMb is the resident set in MB; null where there is no /proc.
func rssMb() interface{} {
	if rss, ok := rssBytes(); ok {
		return round3(float64(rss) / 1048576)
	}
	return nil
}
