package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sync"
)

// chainEntry is fixed-size and pointer-free, so the chain is one flat buffer the collector never
// scans (about 190 bytes a header with the index: ~180 MB at mainnet's 925,000).
type chainEntry struct {
	raw  [80]byte
	hash [32]byte
	work [32]byte // cumulative chain work up to and including this header, big-endian
}

func (e *chainEntry) header() Header { return headerFrom(e.raw, e.hash) }

func entryOf(h Header, work *big.Int) chainEntry {
	e := chainEntry{raw: h.Raw, hash: h.Hash}
	work.FillBytes(e.work[:])
	return e
}

// Chain is the best header chain from genesis, with a hash index. A branch replaces the tail of the
// best chain only when it carries more cumulative work (a reorg); less-work branches are dropped, so
// nothing but the best chain is kept.
type Chain struct {
	mu      sync.RWMutex
	entries []chainEntry
	index   map[[32]byte]int32
	pow     powCheck
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
	c := &Chain{index: map[[32]byte]int32{}, pow: powCheck{limit: powLimit}}
	c.entries = []chainEntry{entryOf(genesis, Work(genesis.Bits))}
	c.index[genesis.Hash] = 0
	return c, nil
}

// Tip returns the best header.
func (c *Chain) Tip() Tip {
	c.mu.RLock()
	defer c.mu.RUnlock()
	last := len(c.entries) - 1
	return Tip{last, c.entries[last].header()}
}

// Locator lists hashes from the tip back to genesis: ten one apart, then doubling gaps.
func (c *Chain) Locator() [][32]byte {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out [][32]byte
	step := 1
	for h := len(c.entries) - 1; h > 0 && len(out) < maxLocatorHashes-1; h -= step {
		out = append(out, c.entries[h].hash)
		if len(out) >= 10 {
			step *= 2
		}
	}
	return append(out, c.entries[0].hash)
}

// Connect validates a run of headers (each must build on the one before and meet its target) and
// adopts it when it makes the best chain heavier. It returns the headers newly on the best chain.
func (c *Chain) Connect(headers []Header) ([]Tip, error) {
	if len(headers) == 0 {
		return nil, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.index[headers[0].Prev]
	if !ok {
		return nil, ErrUnconnecting
	}
	base := int(at)
	work := new(big.Int).SetBytes(c.entries[base].work[:])
	branch := make([]chainEntry, 0, len(headers))
	for i, h := range headers {
		if i > 0 && h.Prev != headers[i-1].Hash {
			return nil, fmt.Errorf("BAD_HEADERS: header %d does not build on the one before", i)
		}
		if err := c.pow.check(h); err != nil {
			return nil, err
		}
		work.Add(work, c.pow.work)
		branch = append(branch, entryOf(h, work))
	}
	// Headers we already have on the best chain are not news; skip to the first that differs.
	skip := 0
	for skip < len(branch) && base+1+skip < len(c.entries) && c.entries[base+1+skip].hash == branch[skip].hash {
		skip++
	}
	branch, base = branch[skip:], base+skip
	if len(branch) == 0 || bytes.Compare(branch[len(branch)-1].work[:], c.entries[len(c.entries)-1].work[:]) <= 0 {
		return nil, nil
	}
	for i := range c.entries[base+1:] {
		delete(c.index, c.entries[base+1+i].hash)
	}
	c.entries = c.entries[:base+1]
	added := make([]Tip, 0, len(branch))
	for i := range branch {
		c.entries = append(c.entries, branch[i])
		c.index[branch[i].hash] = int32(len(c.entries) - 1)
		added = append(added, Tip{len(c.entries) - 1, headers[skip+i]})
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
		out = append(out, c.entries[h].raw)
	}
	return out
}
