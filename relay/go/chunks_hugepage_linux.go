package main

import "syscall"

// preferHugePages asks for 2 MB pages where the kernel's transparent huge pages allow it
// (madvise mode): filling a mainnet chain then takes ~70 page faults instead of ~32,000.
func preferHugePages(mem []byte) { _ = syscall.Madvise(mem, 14 /* MADV_HUGEPAGE */) }
