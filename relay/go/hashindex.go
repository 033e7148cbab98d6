package main

import "encoding/binary"

// hashIndex maps a best-chain hash to its height: open addressing over int32 slots (height + 1,
// 0 = empty) keyed by the hash's first 8 bytes, with the full hash compared in the chain itself.
// 4 bytes a slot at most half full: 8 MB for a mainnet chain where a Go map of [32]byte keys takes
// ~80 MB, all of it in the heap the collector paces by.
type hashIndex struct {
	slots []int32
	mask  uint64
	count int
	hash  func(height int) *[32]byte
}

func newHashIndex(hash func(int) *[32]byte) *hashIndex {
	ix := &hashIndex{hash: hash}
	ix.resize(1 << 10)
	return ix
}

func (ix *hashIndex) resize(n int) {
	ix.slots = make([]int32, n)
	ix.mask = uint64(n - 1)
}

func (ix *hashIndex) home(hash *[32]byte) uint64 {
	// The first bytes of a block hash (internal order) are its least significant: uniformly random,
	// unlike the leading zeros that proof of work puts at the other end.
	return binary.LittleEndian.Uint64(hash[:8]) & ix.mask
}

// reserve makes room for n entries; heights 0..known-1 are re-inserted from the chain.
func (ix *hashIndex) reserve(n, known int) {
	size := len(ix.slots)
	for size < 2*n {
		size *= 2
	}
	if size == len(ix.slots) {
		return
	}
	ix.resize(size)
	ix.count = 0
	for h := 0; h < known; h++ {
		ix.insert(h)
	}
}

// insert adds height (its hash read from the chain), growing first when half full.
func (ix *hashIndex) insert(height int) {
	if 2*(ix.count+1) > len(ix.slots) {
		ix.reserve(ix.count+1, height)
	}
	i := ix.home(ix.hash(height))
	for ix.slots[i] != 0 {
		i = (i + 1) & ix.mask
	}
	ix.slots[i] = int32(height + 1)
	ix.count++
}

func (ix *hashIndex) slotOf(hash *[32]byte) (uint64, bool) {
	for i := ix.home(hash); ; i = (i + 1) & ix.mask {
		v := ix.slots[i]
		if v == 0 {
			return 0, false
		}
		if *ix.hash(int(v - 1)) == *hash {
			return i, true
		}
	}
}

// find returns the height of hash.
func (ix *hashIndex) find(hash *[32]byte) (int, bool) {
	i, ok := ix.slotOf(hash)
	if !ok {
		return 0, false
	}
	return int(ix.slots[i] - 1), true
}

// remove deletes hash with backward-shift deletion, so no tombstones accumulate across reorgs.
func (ix *hashIndex) remove(hash *[32]byte) {
	i, ok := ix.slotOf(hash)
	if !ok {
		return
	}
	for j := (i + 1) & ix.mask; ix.slots[j] != 0; j = (j + 1) & ix.mask {
		k := ix.home(ix.hash(int(ix.slots[j] - 1)))
		// Move slot j back to i unless its home lies cyclically in (i, j].
		if (j > i && (k <= i || k > j)) || (j < i && k <= i && k > j) {
			ix.slots[i] = ix.slots[j]
			i = j
		}
	}
	ix.slots[i] = 0
	ix.count--
}
