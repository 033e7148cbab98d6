package main

import (
	"fmt"
	"math"
	"sort"
	"sync"
)

// maxClockOffsetSeconds is shared/clock-offset.ts MAX_CLOCK_OFFSET_SECONDS: past 70 minutes either
// way (Core's warning) headers are judged against the wrong "now": a slow clock refuses new headers
// as future-dated.
const maxClockOffsetSeconds = 70 * 60

// clockWarningText is shared/clock-offset.ts clockWarningText: one text for every relay's /health
// and log, and the panel's relay card.
func clockWarningText(peerOffsetSeconds float64) *string {
	if math.IsNaN(peerOffsetSeconds) || math.IsInf(peerOffsetSeconds, 0) || math.Abs(peerOffsetSeconds) <= maxClockOffsetSeconds {
		return nil
	}
	side := "ahead of"
	if peerOffsetSeconds > 0 {
		side = "behind"
	}
	text := fmt.Sprintf("This machine's clock is %s min %s its peers: set the time (NTP); headers may be refused as future-dated until then",
		thousands(int64(math.Round(math.Abs(peerOffsetSeconds)/60))), side)
	return &text
}

// thousands writes n with commas, as toLocaleString('en-US') does.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// peerClocks holds each connected peer's clock against ours (its version message's time minus our
// time on receipt), as Core compares them; a peer's entry goes when its connection does.
type peerClocks struct {
	mu      sync.Mutex
	offsets map[int]float64
	logged  *string
}

// ClockReport is /health upstream.clock (shared/clock-offset.ts UpstreamClock).
type ClockReport struct {
	PeerOffsetSeconds *float64 `json:"peerOffsetSeconds"`
	Warning           *string  `json:"warning"`
}

func (c *peerClocks) report() ClockReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reportLocked()
}

func (c *peerClocks) reportLocked() ClockReport {
	if len(c.offsets) == 0 {
		return ClockReport{}
	}
	values := make([]float64, 0, len(c.offsets))
	for _, v := range c.offsets {
		values = append(values, v)
	}
	sort.Float64s(values)
	mid := len(values) / 2
	median := values[mid]
	if len(values)%2 == 0 {
		median = (values[mid-1] + values[mid]) / 2
	}
	rounded := math.Round(median)
	return ClockReport{PeerOffsetSeconds: &rounded, Warning: clockWarningText(median)}
}

// set (or with ok false, forget) a peer's offset, and log the warning once each time it changes:
// when it appears, changes or clears, not on every poll. With no peer left there is nothing to
// compare against, so the last verdict stands until one returns.
func (c *peerClocks) set(i int, offset float64, ok bool, log *Logger) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.offsets == nil {
		c.offsets = map[int]float64{}
	}
	if ok {
		c.offsets[i] = offset
	} else {
		delete(c.offsets, i)
	}
	r := c.reportLocked()
	if r.PeerOffsetSeconds == nil || sameText(r.Warning, c.logged) {
		return
	}
	previous := c.logged
	c.logged = r.Warning
	switch {
	case r.Warning != nil:
		log.Warn(*r.Warning, F("peerOffsetSeconds", *r.PeerOffsetSeconds), F("peers", len(c.offsets)))
	case previous != nil:
		log.Info("local clock agrees with the peers again", F("peerOffsetSeconds", *r.PeerOffsetSeconds))
	}
}

func sameText(a, b *string) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
