package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestKnobsReadBackWhatTheGoRuntimeApplied(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	c, _ := ParseConfig(env(map[string]string{"API_KEYS": "k", "TIER": "pro", "GC_PERCENT": "37", "MAX_CPU_CORES": "1"}))
	knobs := ApplyRuntimeKnobs(c)
	if GCPercentNow() != 37 || knobs["GC_PERCENT"].Applied != 37 || knobs["GOGC"].Applied != 37 {
		t.Fatalf("GC_PERCENT=37: runtime %d, knobs %+v", GCPercentNow(), knobs["GC_PERCENT"])
	}
	if runtime.GOMAXPROCS(0) != 1 || knobs["MAX_CPU_CORES"].Applied != 1 || knobs["GOMAXPROCS"].Applied != 1 {
		t.Fatalf("MAX_CPU_CORES=1: GOMAXPROCS %d, knobs %+v", runtime.GOMAXPROCS(0), knobs["GOMAXPROCS"])
	}
	// The tier's own default applies when nothing is set: enterprise turns the collector off.
	c, _ = ParseConfig(env(map[string]string{"API_KEYS": "k", "TIER": "enterprise"}))
	if knobs = ApplyRuntimeKnobs(c); knobs["GOGC"].Applied != "off" || GCPercentNow() != -1 {
		t.Fatalf("enterprise: %+v", knobs["GOGC"])
	}
	// GOGC from the launcher wins over GC_PERCENT, and the report says so.
	debug.SetGCPercent(-1)
	c, _ = ParseConfig(env(map[string]string{"API_KEYS": "k", "GOGC": "off", "GC_PERCENT": "25"}))
	if knobs = ApplyRuntimeKnobs(c); knobs["GC_PERCENT"].Applied != "off" || knobs["GC_PERCENT"].Reason == "" {
		t.Fatalf("GOGC over GC_PERCENT: %+v", knobs["GC_PERCENT"])
	}
}
