package main

import (
	"fmt"
	"math/big"
	"sort"
)

// maxFutureSeconds is Bitcoin Core's MAX_FUTURE_BLOCK_TIME.
const maxFutureSeconds = 2 * 60 * 60

const mtpSpan = 11

// Ancestry reads the headers before the one being judged, on its own branch.
type Ancestry interface {
	TimeAt(height int) uint32
	BitsAt(height int) uint32
}

// RuleError is a header that breaks a consensus rule. Code matches the TypeScript relay's codes
// (BAD_DIFFICULTY, TIME_TOO_OLD, TIME_TOO_NEW, CHECKPOINT_MISMATCH). Misbehaving is false for a
// header only "too new" for our clock: Core rejects it without punishing the peer.
type RuleError struct {
	Code        string
	Detail      string
	Misbehaving bool
}

func (e *RuleError) Error() string { return e.Code + ": " + e.Detail }

// MedianTimePast of the (up to) 11 timestamps before height.
func MedianTimePast(anc Ancestry, height int) uint32 {
	n := height
	if n > mtpSpan {
		n = mtpSpan
	}
	if n == 0 {
		return 0
	}
	var times [mtpSpan]uint32
	for i := 0; i < n; i++ {
		times[i] = anc.TimeAt(height - 1 - i)
	}
	view := times[:n]
	sort.Slice(view, func(a, b int) bool { return view[a] < view[b] })
	return view[n/2]
}

// BitsFromTarget is Core's GetCompact: the inverse of TargetFromBits, rounding the mantissa down.
func BitsFromTarget(target *big.Int) uint32 {
	size := uint((target.BitLen() + 7) / 8)
	var mantissa uint64
	if size <= 3 {
		mantissa = new(big.Int).Lsh(target, 8*(3-size)).Uint64()
	} else {
		mantissa = new(big.Int).Rsh(target, 8*(size-3)).Uint64()
	}
	if mantissa&0x00800000 != 0 {
		mantissa >>= 8
		size++
	}
	return uint32(size)<<24 | uint32(mantissa)
}

// RetargetBits at a period boundary: the actual timespan clamped to 4x either way, capped at the limit.
func RetargetBits(p ChainParams, powLimitBits, lastBits uint32, firstTime, lastTime int64) uint32 {
	span := lastTime - firstTime
	if span < p.TargetTimespan/4 {
		span = p.TargetTimespan / 4
	}
	if span > p.TargetTimespan*4 {
		span = p.TargetTimespan * 4
	}
	limit, _ := TargetFromBits(powLimitBits)
	last, err := TargetFromBits(lastBits)
	if err != nil {
		return powLimitBits
	}
	target := new(big.Int).Mul(last, big.NewInt(span))
	target.Div(target, big.NewInt(p.TargetTimespan))
	if target.Cmp(limit) > 0 {
		target = limit
	}
	return BitsFromTarget(target)
}

// RequiredBits is Core's GetNextWorkRequired: the bits the header at height (with time) must carry.
func RequiredBits(p ChainParams, powLimitBits uint32, height int, time uint32, anc Ancestry) uint32 {
	prevBits := anc.BitsAt(height - 1)
	if p.NoRetargeting {
		return prevBits
	}
	interval := p.RetargetInterval
	if height%interval != 0 {
		if !p.AllowMinDifficulty {
			return prevBits
		}
		// Testnet: 20 minutes without a block allows a min-difficulty block; otherwise the bits of the
		// last block in this period that was not such a block.
		if int64(time) > int64(anc.TimeAt(height-1))+p.TargetSpacing*2 {
			return powLimitBits
		}
		h := height - 1
		for h > 0 && h%interval != 0 && anc.BitsAt(h) == powLimitBits {
			h--
		}
		return anc.BitsAt(h)
	}
	base := prevBits
	if p.BIP94 {
		// From the period's first block, so a min-difficulty block at its end does not count.
		base = anc.BitsAt(height - interval)
	}
	return RetargetBits(p, powLimitBits, base, int64(anc.TimeAt(height-interval)), int64(anc.TimeAt(height-1)))
}

// HeaderFacts is what the contextual rules read of a header whose proof of work is already checked.
type HeaderFacts struct {
	Height int
	Time   uint32
	Bits   uint32
	Hash   [32]byte
}

// CheckHeaderRules applies the difficulty schedule, median-time-past, the future limit and the
// checkpoints, in the TypeScript relay's order (relay/chain/rules.ts).
func CheckHeaderRules(p ChainParams, powLimitBits uint32, h HeaderFacts, anc Ancestry, nowSeconds int64) error {
	if want := RequiredBits(p, powLimitBits, h.Height, h.Time, anc); h.Bits != want {
		return &RuleError{"BAD_DIFFICULTY", fmt.Sprintf("height %d has bits 0x%x, schedule says 0x%x", h.Height, h.Bits, want), true}
	}
	// Later than all of the last 11 is later than their median: the sort is only needed otherwise.
	var latest uint32
	for i := 1; i <= mtpSpan && i <= h.Height; i++ {
		if t := anc.TimeAt(h.Height - i); t > latest {
			latest = t
		}
	}
	if h.Time <= latest {
		if mtp := MedianTimePast(anc, h.Height); h.Time <= mtp {
			return &RuleError{"TIME_TOO_OLD", fmt.Sprintf("height %d time %d <= median %d", h.Height, h.Time, mtp), true}
		}
	}
	if p.BIP94 && h.Height%p.RetargetInterval == 0 {
		if prev := anc.TimeAt(h.Height - 1); int64(h.Time) < int64(prev)-maxTimewarpSeconds {
			return &RuleError{"TIME_TIMEWARP", fmt.Sprintf("height %d time %d is over %d s before its parent's %d (BIP94)", h.Height, h.Time, maxTimewarpSeconds, prev), true}
		}
	}
	if int64(h.Time) > nowSeconds+maxFutureSeconds {
		return &RuleError{"TIME_TOO_NEW", fmt.Sprintf("height %d time %d more than 2 h ahead", h.Height, h.Time), false}
	}
	for _, c := range p.Checkpoints {
		if c.Height == h.Height && c.Hash != HashHex(h.Hash) {
			return &RuleError{"CHECKPOINT_MISMATCH", fmt.Sprintf("height %d is not checkpoint %s", h.Height, c.Hash), true}
		}
	}
	return nil
}
