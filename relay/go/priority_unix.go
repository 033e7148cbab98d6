//go:build unix

package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

const highNice = -10

// currentNice reads the niceness of the main thread: /proc on Linux (the raw getpriority syscall
// there returns 20-nice), getpriority elsewhere.
func currentNice() (int, error) {
	if stat, err := os.ReadFile("/proc/self/stat"); err == nil {
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) > 16 {
			return strconv.Atoi(fields[16])
		}
	}
	return syscall.Getpriority(syscall.PRIO_PROCESS, 0)
}

// applyHighPriority raises priority only upward, and says what it did.
func applyHighPriority(requested bool) KnobReport {
	if !requested {
		return KnobReport{Requested: false, Applied: false}
	}
	before, err := currentNice()
	if err != nil {
		return KnobReport{Requested: true, Applied: false, Reason: "cannot read niceness: " + err.Error()}
	}
	if before <= highNice {
		return KnobReport{Requested: true, Applied: true, Reason: fmt.Sprintf("niceness already %d, set by the launcher", before)}
	}
	if err := syscall.Setpriority(syscall.PRIO_PROCESS, 0, highNice); err != nil {
		return KnobReport{Requested: true, Applied: false, Reason: fmt.Sprintf("setpriority refused (%v); raising priority needs CAP_SYS_NICE, the launch plan may grant it", err)}
	}
	after, _ := currentNice()
	return KnobReport{Requested: true, Applied: after <= highNice, Reason: fmt.Sprintf("niceness %d -> %d via setpriority; on Linux this reaches the calling thread only", before, after)}
}
