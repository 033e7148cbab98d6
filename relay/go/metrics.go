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

// reorgDepthBuckets: a block or two is ordinary, tens rare, more an incident.
var reorgDepthBuckets = []float64{1, 2, 3, 6, 10, 100, 1000, 10000}

// announceLeadBuckets: from 0 (first) to a minute behind, as the TypeScript relay's.
var announceLeadBuckets = []float64{0, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// Histogram is a Prometheus histogram plus a ring of recent values for percentiles.
type Histogram struct {
	mu      sync.Mutex
	buckets []float64
	counts  []uint64 // per bucket, not cumulative; +Inf is the last
	sum     float64
	count   uint64
	ring    [recentSamples]float64
	next    int
	filled  bool
}

// NewHistogram over the given upper bounds (ascending).
func NewHistogram(buckets []float64) *Histogram {
	return &Histogram{buckets: buckets, counts: make([]uint64, len(buckets)+1)}
}

// Observe one value in seconds.
func (h *Histogram) Observe(seconds float64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	i := sort.SearchFloat64s(h.buckets, seconds)
	h.counts[i]++
	h.sum += seconds
	h.count++
	h.ring[h.next] = seconds
	h.next = (h.next + 1) % recentSamples
	h.filled = h.filled || h.next == 0
}

// CountAtOrBelow: observations at or below v (exact when v is a bucket bound, as SLA targets are).
func (h *Histogram) CountAtOrBelow(v float64) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	var n uint64
	for i, le := range h.buckets {
		if le <= v {
			n += h.counts[i]
		}
	}
	return n
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
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	h.samples(b, name, "")
}

// samples writes the bucket, sum and count lines, with extra labels ("peer=\"a\"") when given.
func (h *Histogram) samples(b *strings.Builder, name, labels string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	sep, braces := "", ""
	if labels != "" {
		sep, braces = labels+",", "{"+labels+"}"
	}
	var cumulative uint64
	for i, le := range append(append([]float64(nil), h.buckets...), math.Inf(1)) {
		cumulative += h.counts[i]
		fmt.Fprintf(b, "%s_bucket{%sle=\"%s\"} %d\n", name, sep, formatFloat(le), cumulative)
	}
	fmt.Fprintf(b, "%s_sum%s %s\n%s_count%s %d\n", name, braces, formatFloat(h.sum), name, braces, h.count)
}

// LabelledCounter counts by a label set, with at most max distinct sets: past it they add up
// under "other", so a hostile peer or client cannot grow the series without bound.
type LabelledCounter struct {
	mu     sync.Mutex
	max    int
	counts map[string]float64
}

const otherLabels = "other"

// NewLabelledCounter with a cap on distinct label sets.
func NewLabelledCounter(max int) *LabelledCounter {
	return &LabelledCounter{max: max, counts: map[string]float64{}}
}

// Inc adds one under labels (already escaped "a=\"x\",b=\"y\""), or under other once full.
func (c *LabelledCounter) Inc(labels, other string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.counts[labels]; !ok && len(c.counts) >= c.max {
		labels = other
	}
	c.counts[labels]++
}

// Total over every label set.
func (c *LabelledCounter) Total() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	total := 0.0
	for _, v := range c.counts {
		total += v
	}
	return total
}

func (c *LabelledCounter) lines() []metricLine {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]metricLine, 0, len(c.counts))
	for k, v := range c.counts {
		out = append(out, metricLine{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].labels < out[j].labels })
	return out
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
