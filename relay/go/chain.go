package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sync"
)

type chainEntry struct {
	header Header
	work   *big.Int // cumulative chain work up to and including this header
}

// Chain is the best header chain from genesis, with a hash index. A branch replaces the tail of the
// best chain only when it carries more cumulative work (a reorg); less-work branches are dropped, so
// nothing but the best chain is kept.
type Chain struct {
	mu       sync.RWMutex
	entries  []chainEntry
	index    map[[32]byte]int
	powLimit *big.Int
}

// Tip is the best header and its height.
type Tip struct {
	Height int
	Header Header
}

// ErrUnconnecting: the first header's parent is unknown (the peer is ahead of our locator).
var ErrUnconnecting = errors.New("UNCONNECTING: first header's parent is not in the chain")

// NewChain starts at the network's genesis header.
func NewChain(n Network) (*Chain, error) {
	raw, err := hex.DecodeString(n.GenesisHex)
	if err != nil {
		return nil, err
	}
	genesis, err := ParseHeader(raw)
	if err != nil {
		return nil, err
	}
	powLimit, err := TargetFromBits(n.PowLimitBits)
	if err != nil {
		return nil, err
	}
	c := &Chain{index: map[[32]byte]int{}, powLimit: powLimit}
	c.entries = []chainEntry{{genesis, Work(genesis.Bits)}}
	c.index[genesis.Hash] = 0
	return c, nil
}

// Tip returns the best header.
func (c *Chain) Tip() Tip {
	c.mu.RLock()
	defer c.mu.RUnlock()
	last := len(c.entries) - 1
	return Tip{last, c.entries[last].header}
}

// Locator lists hashes from the tip back to genesis: ten one apart, then doubling gaps.
func (c *Chain) Locator() [][32]byte {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out [][32]byte
	step := 1
	for h := len(c.entries) - 1; h > 0 && len(out) < maxLocatorHashes-1; h -= step {
		out = append(out, c.entries[h].header.Hash)
		if len(out) >= 10 {
			step *= 2
		}
	}
	return append(out, c.entries[0].header.Hash)
}

// Connect validates a run of headers (each must build on the one before and meet its target) and
// adopts it when it makes the best chain heavier. It returns the headers newly on the best chain.
func (c *Chain) Connect(headers []Header) ([]Tip, error) {
	if len(headers) == 0 {
		return nil, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	base, ok := c.index[headers[0].Prev]
	if !ok {
		return nil, ErrUnconnecting
	}
	work := new(big.Int).Set(c.entries[base].work)
	branch := make([]chainEntry, 0, len(headers))
	for i, h := range headers {
		if i > 0 && h.Prev != headers[i-1].Hash {
			return nil, fmt.Errorf("BAD_HEADERS: header %d does not build on the one before", i)
		}
		if err := CheckPoW(h, c.powLimit); err != nil {
			return nil, err
		}
		work = new(big.Int).Add(work, Work(h.Bits))
		branch = append(branch, chainEntry{h, work})
	}
	// Headers we already have on the best chain are not news; skip to the first that differs.
	skip := 0
	for skip < len(branch) && base+1+skip < len(c.entries) && c.entries[base+1+skip].header.Hash == branch[skip].header.Hash {
		skip++
	}
	branch, base = branch[skip:], base+skip
	if len(branch) == 0 || work.Cmp(c.entries[len(c.entries)-1].work) <= 0 {
		return nil, nil
	}
	for _, e := range c.entries[base+1:] {
		delete(c.index, e.header.Hash)
	}
	c.entries = c.entries[:base+1]
	added := make([]Tip, 0, len(branch))
	for _, e := range branch {
		c.entries = append(c.entries, e)
		c.index[e.header.Hash] = len(c.entries) - 1
		added = append(added, Tip{len(c.entries) - 1, e.header})
	}
	return added, nil
}

// Has reports whether a hash is on the best chain.
func (c *Chain) Has(hash [32]byte) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.index[hash]
	return ok
}

// RawFrom copies the raw headers of the best chain from height `from` (at least 1) to the tip.
func (c *Chain) RawFrom(from int) [][80]byte {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if from < 1 {
		from = 1
	}
	var out [][80]byte
	for h := from; h < len(c.entries); h++ {
		out = append(out, c.entries[h].header.Raw)
	}
	return out
}
