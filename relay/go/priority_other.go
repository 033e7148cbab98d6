//go:build !unix

package main

func applyHighPriority(requested bool) KnobReport {
	if !requested {
		return KnobReport{Requested: false, Applied: false}
	}
	return KnobReport{Requested: true, Applied: false, Reason: "not implemented on this OS; the launch plan sets the priority class"}
}
