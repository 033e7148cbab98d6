package main

import (
	"errors"
	"testing"
)

type mapAncestry map[int][2]uint32 // height -> time, bits

func (m mapAncestry) TimeAt(h int) uint32 { return m[h][0] }
func (m mapAncestry) BitsAt(h int) uint32 { return m[h][1] }

// BIP94 (testnet4), beside the shared vectors' testnet4 cases: the retarget starts from the period's
// first bits, and the timewarp limit.
func TestTestnet4BIP94(t *testing.T) {
	p := chainParams["testnet4"]
	limit := networks["testnet4"].PowLimitBits
	anc := mapAncestry{2016 * 5: {1_700_000_000, 0x1c0fffff}, 2016*6 - 1: {1_700_000_000 + 1_209_600, limit}}
	if got := RequiredBits(p, limit, 2016*6, 1_700_000_000+1_210_000, anc); got != RetargetBits(p, limit, 0x1c0fffff, 1_700_000_000, 1_700_000_000+1_209_600) {
		t.Fatalf("BIP94 retarget from the last block's bits: 0x%08x", got)
	}
	facts := HeaderFacts{Height: 2016 * 6, Bits: RequiredBits(p, limit, 2016*6, 0, anc)}
	anc[2016*6-11] = [2]uint32{1_700_000_000, 0x1c0fffff}
	facts.Time = 1_700_000_000 + 1_209_600 - 601
	var rule *RuleError
	if err := CheckHeaderRules(p, limit, facts, anc, 1_800_000_000); !errors.As(err, &rule) || rule.Code != "TIME_TIMEWARP" {
		t.Fatalf("601 s before its parent at a period start: %v", err)
	}
	facts.Time += 1
	if err := CheckHeaderRules(p, limit, facts, anc, 1_800_000_000); err != nil {
		t.Fatalf("600 s before its parent: %v", err)
	}
}
