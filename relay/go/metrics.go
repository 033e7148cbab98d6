package main

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// latencyBuckets sit exactly on the SLA targets (5 ms, 300 ms, 1 s), as the TypeScript relay's do.
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.3, 0.5, 1, 2.5, 5}

const recentSamples = 1024 // latencies kept for /health percentiles: a ring, so memory is fixed

// Histogram is a Prometheus histogram plus a ring of recent values for percentiles.
type Histogram struct {
	mu     sync.Mutex
	counts []uint64 // per bucket, not cumulative; +Inf is the last
	sum    float64
	count  uint64
	ring   [recentSamples]float64
	next   int
	filled bool
}

// NewHistogram over latencyBuckets.
func NewHistogram() *Histogram { return &Histogram{counts: make([]uint64, len(latencyBuckets)+1)} }

// Observe one value in seconds.
func (h *Histogram) Observe(seconds float64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	i := sort.SearchFloat64s(latencyBuckets, seconds)
	h.counts[i]++
	h.sum += seconds
	h.count++
	h.ring[h.next] = seconds
	h.next = (h.next + 1) % recentSamples
	h.filled = h.filled || h.next == 0
}

// Count of observations since start.
func (h *Histogram) Count() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count
}

// SummaryMs gives count and p50/p90/p99/max in ms over the recent ring.
func (h *Histogram) SummaryMs() map[string]float64 {
	h.mu.Lock()
	n := h.next
	if h.filled {
		n = recentSamples
	}
	values := append([]float64(nil), h.ring[:n]...)
	count := h.count
	h.mu.Unlock()
	sort.Float64s(values)
	at := func(q float64) float64 {
		if len(values) == 0 {
			return 0
		}
		i := int(math.Ceil(q*float64(len(values)))) - 1
		if i < 0 {
			i = 0
		}
		return round3(values[i] * 1000)
	}
	return map[string]float64{"count": float64(count), "p50": at(0.5), "p90": at(0.9), "p99": at(0.99), "max": at(1)}
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func formatFloat(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// write appends the histogram's exposition lines.
func (h *Histogram) write(b *strings.Builder, name, help string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	var cumulative uint64
	for i, le := range append(append([]float64(nil), latencyBuckets...), math.Inf(1)) {
		cumulative += h.counts[i]
		fmt.Fprintf(b, "%s_bucket{le=\"%s\"} %d\n", name, formatFloat(le), cumulative)
	}
	fmt.Fprintf(b, "%s_sum %s\n%s_count %d\n", name, formatFloat(h.sum), name, h.count)
}

// metricLine is one sample: a gauge or counter with optional labels.
type metricLine struct {
	labels string
	value  float64
}

func writeFamily(b *strings.Builder, name, kind, help string, lines ...metricLine) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
	for _, l := range lines {
		if l.labels != "" {
			fmt.Fprintf(b, "%s{%s} %s\n", name, l.labels, formatFloat(l.value))
		} else {
			fmt.Fprintf(b, "%s %s\n", name, formatFloat(l.value))
		}
	}
}

func one(v float64) metricLine { return metricLine{"", v} }

// labelValue escapes a label value as the text format requires.
func labelValue(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}
