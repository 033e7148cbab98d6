//go:build linux || darwin || freebsd || netbsd || openbsd

package main

import (
	"syscall"
	"unsafe"
)

// allocChunk maps a chunk of chain entries outside the Go heap: the chain (pointer-free, ~140 MB
// at mainnet size) then does not count toward the collector's pacing, which would otherwise let
// the heap grow to twice it, nor toward GOMEMLIMIT.
func allocChunk() ([]chainEntry, func()) {
	size := chunkSize * int(unsafe.Sizeof(chainEntry{}))
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]chainEntry, chunkSize), func() {}
	}
	preferHugePages(mem)
	entries := unsafe.Slice((*chainEntry)(unsafe.Pointer(&mem[0])), chunkSize)
	return entries, func() { _ = syscall.Munmap(mem) }
}
