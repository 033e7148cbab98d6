//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package main

// allocChunk: in the Go heap where there is no anonymous mmap through syscall.
func allocChunk() ([]chainEntry, func()) { return make([]chainEntry, chunkSize), func() {} }
