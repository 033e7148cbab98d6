package main

import (
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"sync"
)

// KnobReport is requested beside applied, as /health reports every knob (shared/relay-contract.ts).
// A nil requested means "the runtime's default"; applied is what the Go runtime reports.
type KnobReport struct {
	Requested interface{} `json:"requested"`
	Applied   interface{} `json:"applied"`
	Reason    string      `json:"reason,omitempty"`
}

var gcReadMu sync.Mutex

// GCPercentNow reads the collector's setting back from the runtime: SetGCPercent returns the
// previous value, so setting and restoring it reads it. Serialised, or two concurrent read-backs
// could restore each other's -1 and leave the collector off.
func GCPercentNow() int {
	gcReadMu.Lock()
	defer gcReadMu.Unlock()
	previous := debug.SetGCPercent(-1)
	debug.SetGCPercent(previous)
	return previous
}

func gcValue(percent int) interface{} {
	if percent < 0 {
		return "off"
	}
	return percent
}

func settingValue(g GCSetting) interface{} {
	if !g.Set {
		return nil
	}
	return gcValue(g.Percent())
}

func intOrNil(n int) interface{} {
	if n == 0 {
		return nil
	}
	return n
}

// ApplyRuntimeKnobs sets what the Go runtime did not already take from its own environment (GOGC and
// GOMAXPROCS are read by the runtime at start; the launcher's values win) and reports each knob.
func ApplyRuntimeKnobs(c *Config) map[string]KnobReport {
	knobs := map[string]KnobReport{}
	tierGC := GCSetting{}
	if c.Tier.GCOff {
		tierGC = GCSetting{Set: true, Off: true}
	} else if c.Tier.GCPercent > 0 {
		tierGC = GCSetting{Set: true, Value: c.Tier.GCPercent}
	}
	switch {
	case c.GOGC.Set:
		// Already applied by the runtime before main; nothing to do but read it back.
	case c.GCPercent.Set:
		debug.SetGCPercent(c.GCPercent.Percent())
	case tierGC.Set:
		debug.SetGCPercent(tierGC.Percent())
	}
	gc := GCPercentNow()
	gcReport := KnobReport{Requested: settingValue(c.GCPercent), Applied: gcValue(gc)}
	if c.GOGC.Set && c.GCPercent.Set && c.GOGC.Percent() != c.GCPercent.Percent() {
		gcReport.Reason = fmt.Sprintf("GOGC=%s from the launcher takes precedence over GC_PERCENT=%s; the Go runtime reports %v (debug.SetGCPercent read-back)", c.GOGC, c.GCPercent, gcValue(gc))
	}
	knobs["GC_PERCENT"] = gcReport
	knobs["GOGC"] = KnobReport{Requested: settingValue(c.GOGC), Applied: gcValue(gc)}
	knobs["GOMEMLIMIT"] = applyMemoryLimit(c.MemLimitEnv, gc)

	cpus := runtime.NumCPU()
	procs := runtime.GOMAXPROCS(0)
	if c.MaxCPUCores > 0 && c.MaxCPUCores < procs {
		runtime.GOMAXPROCS(c.MaxCPUCores)
		procs = runtime.GOMAXPROCS(0)
	}
	procsReport := KnobReport{Requested: intOrNil(c.GOMAXPROCS), Applied: procs}
	if c.GOMAXPROCS > 0 && procs != c.GOMAXPROCS {
		procsReport.Reason = fmt.Sprintf("capped to %d by MAX_CPU_CORES", procs)
	}
	knobs["GOMAXPROCS"] = procsReport
	coresReport := KnobReport{Requested: intOrNil(c.MaxCPUCores), Applied: procs}
	if c.MaxCPUCores > procs {
		coresReport.Reason = fmt.Sprintf("GOMAXPROCS is %d (%d CPUs usable); affinity is set by the launch plan", procs, cpus)
	}
	knobs["MAX_CPU_CORES"] = coresReport

	knobs["HIGH_PRIORITY"] = applyHighPriority(c.HighPrio)
	knobs["LOCK_OS_THREAD"] = flagKnob(c.LockThread, "upstream read loop pinned with runtime.LockOSThread")
	knobs["PREALLOC_BUFFERS"] = flagKnob(c.Prealloc, "/v1/btc/latest served from a body encoded once per block")
	knobs["OPTIMIZE_SYSTEM"] = flagKnob(c.OptimizeSys, "process level only: TCP keep-alive and no-delay on upstream sockets; no sysctl changes")
	return knobs
}

// defaultMemoryLimit bounds a collector that is off when the launcher gave no GOMEMLIMIT: "GC off"
// then means "collect only near this budget", never "grow until the host runs out". It is the
// enterprise tier's budget (shared/tiers.ts): the chain is mapped outside the Go heap, so 64 MiB is
// for the API, streams and sync, and bounds how far 20 s of API load grows the relay.
const defaultMemoryLimit = 64 << 20

// applyMemoryLimit reports GOMEMLIMIT as the runtime applied it (the runtime reads the variable
// itself before main; a malformed value stops it with exit code 2) and bounds an unbounded "GC off".
func applyMemoryLimit(requested string, gcPercent int) KnobReport {
	limit := debug.SetMemoryLimit(-1)
	report := KnobReport{Requested: nil, Applied: limit}
	if requested != "" {
		report.Requested = requested
	}
	if gcPercent < 0 && limit == math.MaxInt64 {
		debug.SetMemoryLimit(defaultMemoryLimit)
		report.Applied = debug.SetMemoryLimit(-1)
		report.Reason = fmt.Sprintf("GC is off and no GOMEMLIMIT was given: bounded at %d bytes (the collector runs only near this limit)", defaultMemoryLimit)
	} else if limit == math.MaxInt64 {
		report.Reason = "no limit (the collector paces by GOGC alone)"
	}
	return report
}

// flagKnob: a knob this relay applies itself whenever asked; the note says how.
func flagKnob(requested bool, how string) KnobReport {
	if !requested {
		return KnobReport{Requested: false, Applied: false}
	}
	return KnobReport{Requested: true, Applied: true, Reason: how}
}
