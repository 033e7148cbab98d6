package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
)

const (
	// commitmentPeriod: one salted commitment per this many headers (Core's period is of this order).
	commitmentPeriod = 600
	// maxBlocksPerSecond: the fastest a valid chain can grow, median-time-past allowing about six
	// blocks a second; what bounds the commitments a first pass may keep.
	maxBlocksPerSecond = 6
	// redownloadBuffer: second-pass headers held back until this many more have matched
	// commitments (Core: ~14,000), so a peer cannot swap in another chain near the end.
	redownloadBuffer = 14_000
)

// presync is a chain extending our tip while our chain is below the minimum chain work, checked
// before any of it is stored, as Bitcoin Core's headers presync (src/headerssync.cpp) and the
// TypeScript relay's relay/sync/presync.ts. First pass: each header is checked for continuity,
// proof of work and a permitted difficulty step, its work summed, and only a salted 32-bit digest
// of one header in every commitmentPeriod kept (4 bytes per 600 headers), their number bounded by
// how many blocks could exist since the start. Once the sum reaches the minimum work, the second
// pass downloads the chain again from the start, checks it against the digests, and releases it
// to be validated in full and stored, redownloadBuffer headers behind the last digest checked (all
// of it once the work is reached again). Memory: the digests and at most redownloadBuffer headers.
type presync struct {
	params         ChainParams
	powLimitBits   uint32
	salt           [16]byte
	offset         int
	target         *big.Int
	maxCommitments int
	commitments    []uint32
	redownload     bool
	// The pass in progress: the last header's hash, bits and height, and the work summed so far.
	lastHash [32]byte
	lastBits uint32
	height   int
	work     *big.Int
	pow      powCheck
	// First pass: the height it reached (what the peer showed us). Second: digests checked so far.
	presyncHeight int
	readAt        int
	reached       bool
	buffer        []Header
	start         Tip
	startWork     *big.Int
}

func newPresync(params ChainParams, powLimitBits uint32, start Tip, startWork *big.Int, nowSeconds int64) (*presync, error) {
	limit, err := TargetFromBits(powLimitBits)
	if err != nil {
		return nil, err
	}
	p := &presync{params: params, powLimitBits: powLimitBits, target: params.MinimumChainWork, start: start,
		startWork: new(big.Int).Set(startWork), pow: powCheck{limit: limit}}
	if _, err := rand.Read(p.salt[:]); err != nil {
		return nil, err
	}
	var r [4]byte
	_, _ = rand.Read(r[:])
	p.offset = int(binary.LittleEndian.Uint32(r[:]) % commitmentPeriod)
	seconds := nowSeconds - int64(start.Header.Time)
	if seconds < 0 {
		seconds = 0
	}
	seconds += maxFutureSeconds
	p.maxCommitments = int((maxBlocksPerSecond*seconds+commitmentPeriod-1)/commitmentPeriod) + 1
	p.restart()
	p.presyncHeight = start.Height
	return p, nil
}

// restart sets the pass back to the start header.
func (p *presync) restart() {
	p.lastHash, p.lastBits, p.height = p.start.Header.Hash, p.start.Header.Bits, p.start.Height
	p.work = new(big.Int).Set(p.startWork)
}

func (p *presync) digest(hash [32]byte) uint32 {
	sum := sha256.Sum256(append(p.salt[:], hash[:]...))
	return binary.LittleEndian.Uint32(sum[:4])
}

// permitted is Core's PermittedDifficultyTransition: without the full ancestry, a retarget may
// move the target at most by the timespan's factor of four, and bits may not change in between.
func (p *presync) permitted(height int, oldBits, newBits uint32) bool {
	if p.params.AllowMinDifficulty || p.params.NoRetargeting {
		return true
	}
	if height%p.params.RetargetInterval != 0 {
		return oldBits == newBits
	}
	observed, err := TargetFromBits(newBits)
	if err != nil {
		return false
	}
	old, err := TargetFromBits(oldBits)
	if err != nil {
		return false
	}
	limit, _ := TargetFromBits(p.powLimitBits)
	largest := new(big.Int).Mul(old, big.NewInt(4))
	if largest.Cmp(limit) > 0 {
		largest = limit
	}
	smallest := new(big.Int).Div(old, big.NewInt(4))
	maxTarget, _ := TargetFromBits(BitsFromTarget(largest))
	minTarget, _ := TargetFromBits(BitsFromTarget(smallest))
	return observed.Cmp(maxTarget) <= 0 && observed.Cmp(minTarget) >= 0
}

// step checks one header against the pass's last one and adds its work.
func (p *presync) step(h *Header) error {
	if h.Prev != p.lastHash {
		return fmt.Errorf("PRESYNC_NOT_CONTINUOUS: header at height %d does not build on the one before", p.height+1)
	}
	if !p.permitted(p.height+1, p.lastBits, h.Bits) {
		return fmt.Errorf("PRESYNC_BAD_DIFFICULTY: bits %08x at height %d are not a permitted step from %08x", h.Bits, p.height+1, p.lastBits)
	}
	if err := p.pow.check(h); err != nil {
		return err
	}
	p.work.Add(p.work, p.pow.work)
	p.lastHash, p.lastBits = h.Hash, h.Bits
	p.height++
	return nil
}

// first runs the first pass over a reply; true once the summed work reaches the minimum.
func (p *presync) first(headers []Header) (bool, error) {
	for i := range headers {
		h := &headers[i]
		if err := p.step(h); err != nil {
			return false, err
		}
		p.presyncHeight = p.height
		if p.height%commitmentPeriod == p.offset {
			if len(p.commitments) >= p.maxCommitments {
				return false, fmt.Errorf("PRESYNC_TOO_LONG: more than %d headers since height %d, more than time allows", p.maxCommitments*commitmentPeriod, p.start.Height)
			}
			p.commitments = append(p.commitments, p.digest(h.Hash))
		}
		if p.work.Cmp(p.target) >= 0 {
			p.redownload = true
			p.restart()
			return true, nil
		}
	}
	return false, nil
}

// second runs the second pass over a reply and returns the headers now safe to validate and store.
func (p *presync) second(headers []Header) ([]Header, error) {
	for i := range headers {
		h := &headers[i]
		if err := p.step(h); err != nil {
			return nil, err
		}
		if p.height%commitmentPeriod == p.offset && !p.reached {
			if p.readAt >= len(p.commitments) || p.digest(h.Hash) != p.commitments[p.readAt] {
				return nil, fmt.Errorf("PRESYNC_COMMITMENT_MISMATCH: the second download differs from the first at height %d", p.height)
			}
			p.readAt++
		}
		p.buffer = append(p.buffer, *h)
		if p.work.Cmp(p.target) >= 0 {
			p.reached = true
		}
	}
	var release []Header
	switch {
	case p.reached:
		release, p.buffer = p.buffer, nil
	case len(p.buffer) > redownloadBuffer:
		n := len(p.buffer) - redownloadBuffer
		release = append([]Header(nil), p.buffer[:n]...)
		p.buffer = append(p.buffer[:0], p.buffer[n:]...)
	}
	return release, nil
}
