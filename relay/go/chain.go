package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"
)

// chainEntry is fixed-size and pointer-free, so the chain is flat memory the collector never scans
// (144 bytes a header, plus the index: ~180 MB at mainnet's 925,000).
type chainEntry struct {
	raw  [80]byte
	hash [32]byte
	work [32]byte // cumulative chain work up to and including this header, big-endian
}

func (e *chainEntry) header() Header { return headerFrom(e.raw, e.hash) }
func (e *chainEntry) time() uint32   { return binary.LittleEndian.Uint32(e.raw[68:72]) }
func (e *chainEntry) bits() uint32   { return binary.LittleEndian.Uint32(e.raw[72:76]) }

func entryOf(h *Header, work *big.Int) chainEntry {
	e := chainEntry{raw: h.Raw, hash: h.Hash}
	work.FillBytes(e.work[:])
	return e
}

// The best chain lives in fixed chunks: growing it never copies what is already there (a doubling
// slice would briefly hold two copies of a mainnet-sized chain, and with the collector off, keep both).
const (
	chunkShift = 16
	chunkSize  = 1 << chunkShift
)

// maxBranchHeaders bounds a competing branch kept while its peer is still sending it and it has not
// yet overtaken the best chain's work (~29 MB per peer at 144 bytes a header). Deeper than this the
// peer is dropped: no honest fork since checkpoints were introduced comes near it.
const maxBranchHeaders = 200_000

// Branch is a peer's competing chain from a fork point on the best chain, kept between its headers
// messages until it carries more work than the best chain (then it becomes the best chain) or the
// peer has nothing more (then it is dropped). One per session, so memory is bounded per peer.
type Branch struct {
	fork    int
	entries []chainEntry
}

// Len is the number of headers held.
func (b *Branch) Len() int {
	if b == nil {
		return 0
	}
	return len(b.entries)
}

func (b *Branch) tipHash() [32]byte { return b.entries[len(b.entries)-1].hash }

// Chain is the best header chain from genesis, with a hash index.
type Chain struct {
	mu           sync.RWMutex
	chunks       [][]chainEntry
	release      []func()
	length       int
	index        *hashIndex
	pow          powCheck
	params       ChainParams
	network      string
	powLimitBits uint32
	now          func() int64
}

// Tip is a header and its height.
type Tip struct {
	Height int
	Header Header
}

// ConnectResult says what a headers message changed. Disconnected lists the old best chain's
// headers a reorg removed, highest first; Added the new best chain's, lowest first.
type ConnectResult struct {
	Added        []Tip
	Disconnected []Tip
	// Pending: the headers extend a branch with less work than the best chain; it is kept in the
	// caller's Branch until the peer sends more (or is dropped when the peer has no more).
	Pending bool
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
	c := &Chain{pow: powCheck{limit: powLimit}, params: chainParams[n.Name], network: n.Name,
		powLimitBits: n.PowLimitBits, now: func() int64 { return time.Now().Unix() }}
	if n.MinimumChainWork != nil {
		c.params.MinimumChainWork = n.MinimumChainWork
	}
	c.index = newHashIndex(func(h int) *[32]byte { return &c.at(h).hash })
	genesisEntry := entryOf(&genesis, Work(genesis.Bits))
	c.push(&genesisEntry)
	return c, nil
}

func (c *Chain) at(h int) *chainEntry { return &c.chunks[h>>chunkShift][h&(chunkSize-1)] }

// push appends to the best chain. Its chunks are mapped outside the Go heap: the chain (pointer-free,
// ~140 MB at mainnet size, bounded by the network's own length) then neither doubles under GOGC's
// pacing nor counts toward GOMEMLIMIT, which is left to bound what the API, streams and sync
// allocate. That is what lets the enterprise tier's 64 MiB budget hold a mainnet relay with GC off.
func (c *Chain) push(e *chainEntry) {
	if c.length>>chunkShift == len(c.chunks) {
		chunk, release := allocChunk()
		c.chunks = append(c.chunks, chunk)
		c.release = append(c.release, release)
	}
	*c.at(c.length) = *e
	c.length++
	c.index.insert(c.length - 1)
}

// truncate keeps heights 0..n-1 and frees whole chunks past them.
func (c *Chain) truncate(n int) {
	for h := c.length - 1; h >= n; h-- {
		c.index.remove(&c.at(h).hash)
	}
	c.length = n
	keep := (n + chunkSize - 1) >> chunkShift
	for i := keep; i < len(c.chunks); i++ {
		c.release[i]()
	}
	c.chunks, c.release = c.chunks[:keep], c.release[:keep]
}

// Reserve sizes the index for about height headers (a peer's claimed start height), capped so an
// absurd claim costs a bounded table: one allocation instead of a doubling series during sync.
func (c *Chain) Reserve(height int) {
	if height > 2_000_000 {
		height = 2_000_000
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.index.reserve(height+1, c.length)
}

// Tip returns the best header.
func (c *Chain) Tip() Tip {
	c.mu.RLock()
	defer c.mu.RUnlock()
	last := c.length - 1
	return Tip{last, c.at(last).header()}
}

// Height of the best header.
func (c *Chain) Height() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.length - 1
}

// TipWork is the best chain's cumulative work.
func (c *Chain) TipWork() *big.Int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return new(big.Int).SetBytes(c.at(c.length - 1).work[:])
}

// HasMinimumWork: below the network's minimum chain work the chain is not the real one, whatever a
// peer presents, and the relay is never synced on it.
func (c *Chain) HasMinimumWork() bool {
	return c.TipWork().Cmp(c.params.MinimumChainWork) >= 0
}

// At returns the best chain's header at height, if there is one.
func (c *Chain) At(height int) (Tip, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if height < 0 || height >= c.length {
		return Tip{}, false
	}
	return Tip{height, c.at(height).header()}, true
}

// Find returns the height of a hash on the best chain.
func (c *Chain) Find(hash [32]byte) (int, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.index.find(&hash)
}

// Locator lists hashes from the tip back to genesis: ten one apart, then doubling gaps. The
// prefix comes first (the last header of a full reply, a branch's tip), so the peer carries on from
// where it left off instead of from a locator point it may know only far below.
func (c *Chain) Locator(prefix ...[32]byte) [][32]byte {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := append([][32]byte(nil), prefix...)
	step := 1
	for h := c.length - 1; h > 0 && len(out) < maxLocatorHashes-1; h -= step {
		out = append(out, c.at(h).hash)
		if len(out) >= 10 {
			step *= 2
		}
	}
	return append(out, c.at(0).hash)
}

// ancestry reads times and bits from the best chain up to fork, then from the branch being judged.
type ancestry struct {
	c      *Chain
	fork   int
	branch []chainEntry
}

func (a *ancestry) entry(h int) *chainEntry {
	if h <= a.fork {
		return a.c.at(h)
	}
	return &a.branch[h-a.fork-1]
}
func (a *ancestry) TimeAt(h int) uint32 { return a.entry(h).time() }
func (a *ancestry) BitsAt(h int) uint32 { return a.entry(h).bits() }

// Connect validates a run of headers (chained, proof of work, the header rules) and adopts the
// branch it forms when that branch carries more work than the best chain. A run that neither
// connects to the best chain nor extends the caller's branch is ErrUnconnecting.
func (c *Chain) Connect(headers []Header, branch *Branch) (ConnectResult, error) {
	var res ConnectResult
	if len(headers) == 0 {
		return res, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fork, onMain := c.index.find(&headers[0].Prev)
	var kept []chainEntry
	base := int(fork)
	switch {
	case onMain:
		// Headers we already have on the best chain are not news; skip to the first that differs.
		skip := 0
		for skip < len(headers) && base+1 < c.length && c.at(base+1).hash == headers[skip].Hash {
			skip++
			base++
		}
		if headers = headers[skip:]; len(headers) == 0 {
			return res, nil
		}
	case branch.Len() > 0 && branch.tipHash() == headers[0].Prev:
		base, kept = branch.fork, branch.entries
	default:
		return res, ErrUnconnecting
	}
	if forking := base < c.length-1; forking {
		if last := c.params.lastCheckpoint(); base < last {
			return res, &RuleError{"CHECKPOINT_MISMATCH", fmt.Sprintf("a branch forking at height %d, below the last checkpoint %d", base, last), true}
		}
		if len(kept)+len(headers) > maxBranchHeaders {
			return res, fmt.Errorf("BRANCH_TOO_LONG: a competing branch of more than %d headers, still with less work than ours", maxBranchHeaders)
		}
	}
	var work *big.Int
	if len(kept) > 0 {
		work = new(big.Int).SetBytes(kept[len(kept)-1].work[:])
	} else {
		work = new(big.Int).SetBytes(c.at(base).work[:])
	}
	entries := make([]chainEntry, len(kept), len(kept)+len(headers))
	copy(entries, kept)
	anc := &ancestry{c, base, entries}
	var rules Ancestry = anc // converted once, not per header
	now := c.now()
	for i := range headers {
		h := &headers[i] // not copied: a header is 160 bytes and a reply 2,000 of them
		if i > 0 && h.Prev != headers[i-1].Hash {
			return res, fmt.Errorf("BAD_HEADERS: header %d does not build on the one before", i)
		}
		if err := c.pow.check(h); err != nil {
			return res, err
		}
		height := base + 1 + len(entries)
		anc.branch = entries
		if err := CheckHeaderRules(c.params, c.powLimitBits, HeaderFacts{height, h.Time, h.Bits, h.Hash}, rules, now); err != nil {
			return res, err
		}
		work.Add(work, c.pow.work)
		entries = append(entries, entryOf(h, work))
	}
	tipWork := c.at(c.length - 1).work[:]
	if bytes.Compare(entries[len(entries)-1].work[:], tipWork) <= 0 {
		res.Pending = true
		if branch != nil {
			branch.fork, branch.entries = base, entries
		}
		return res, nil
	}
	for h := c.length - 1; h > base; h-- {
		res.Disconnected = append(res.Disconnected, Tip{h, c.at(h).header()})
	}
	c.truncate(base + 1)
	res.Added = make([]Tip, 0, len(entries))
	for i := range entries {
		c.push(&entries[i])
		res.Added = append(res.Added, Tip{base + 1 + i, entries[i].header()})
	}
	if branch != nil {
		branch.entries = nil
	}
	return res, nil
}

// Has reports whether a hash is on the best chain.
func (c *Chain) Has(hash [32]byte) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.index.find(&hash)
	return ok
}

// RawFrom copies the raw headers of the best chain from height `from` (at least 1) to the tip.
func (c *Chain) RawFrom(from int) [][80]byte {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if from < 1 {
		from = 1
	}
	out := make([][80]byte, 0, maxInt(c.length-from, 0))
	for h := from; h < c.length; h++ {
		out = append(out, c.at(h).raw)
	}
	return out
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// RecordAt is the best chain's header at height, as the header endpoints answer it.
func (c *Chain) RecordAt(height int) (HeaderRecord, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if height < 0 || height >= c.length {
		return HeaderRecord{}, false
	}
	return recordOf(height, c.at(height)), true
}

// RecordByHash looks a hash up on the best chain only (a disconnected block is not found).
func (c *Chain) RecordByHash(hash [32]byte) (HeaderRecord, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	h, ok := c.index.find(&hash)
	if !ok {
		return HeaderRecord{}, false
	}
	return recordOf(int(h), c.at(int(h))), true
}

// Records lists up to count headers from height from, with the tip they were read under.
func (c *Chain) Records(from, count int) ([]HeaderRecord, BlockRef) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := []HeaderRecord{}
	for h := from; h < c.length && len(out) < count; h++ {
		out = append(out, recordOf(h, c.at(h)))
	}
	tip := c.length - 1
	return out, BlockRef{tip, HashHex(c.at(tip).hash)}
}

// AppendTrusted adds headers this relay validated before and wrote to its store, without hashing or
// judging each again: a header's hash is the next one's previous-hash field, so only the batch's last
// header is hashed, and the batch must link to the tip. A restart on a mainnet chain then costs a
// copy and an index insert per header instead of a double SHA-256 and the rules.
func (c *Chain) AppendTrusted(raw []byte) error {
	n := len(raw) / 80
	if n == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !bytes.Equal(raw[4:36], c.at(c.length - 1).hash[:]) {
		return errors.New("stored batch does not link to the tip")
	}
	work := new(big.Int).SetBytes(c.at(c.length - 1).work[:])
	var step *big.Int
	var stepBits uint32
	for i := 0; i < n; i++ {
		var e chainEntry
		copy(e.raw[:], raw[i*80:(i+1)*80])
		if i+1 < n {
			copy(e.hash[:], raw[(i+1)*80+4:(i+1)*80+36])
		} else {
			e.hash = doubleSHA256(e.raw[:])
		}
		if bits := e.bits(); step == nil || bits != stepBits {
			step, stepBits = Work(bits), bits
		}
		work.Add(work, step)
		work.FillBytes(e.work[:])
		c.push(&e)
	}
	return nil
}
