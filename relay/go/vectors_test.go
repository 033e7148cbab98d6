package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"strconv"
	"testing"
)

// The header rules' vectors shared with the TypeScript relay: test/header-rules-vectors.test.ts
// computes them from relay/chain/rules.ts and checks the file in; this test holds the Go relay to the
// same answers (and its chain parameters to the same table).
const vectorsFile = "../../test/fixtures/header-rules-vectors.json"

type row [3]int64 // height, time, bits

type rowAncestry struct {
	t    *testing.T
	rows map[int]row
}

func newAncestry(t *testing.T, rows []row) rowAncestry {
	m := map[int]row{}
	for _, r := range rows {
		m[int(r[0])] = r
	}
	return rowAncestry{t, m}
}

func (a rowAncestry) get(h int) row {
	r, ok := a.rows[h]
	if !ok {
		a.t.Fatalf("the Go rules read height %d, which the vector's ancestry does not list (the TypeScript rules did not read it)", h)
	}
	return r
}
func (a rowAncestry) TimeAt(h int) uint32 { return uint32(a.get(h)[1]) }
func (a rowAncestry) BitsAt(h int) uint32 { return uint32(a.get(h)[2]) }

type vectors struct {
	Params map[string]struct {
		PowLimitBits       string       `json:"powLimitBits"`
		RetargetInterval   int          `json:"retargetInterval"`
		TargetTimespan     int64        `json:"targetTimespan"`
		TargetSpacing      int64        `json:"targetSpacing"`
		NoRetargeting      bool         `json:"noRetargeting"`
		AllowMinDifficulty bool         `json:"allowMinDifficulty"`
		MinimumChainWork   string       `json:"minimumChainWork"`
		Checkpoints        []Checkpoint `json:"checkpoints"`
		BIP94              bool         `json:"bip94"`
	} `json:"params"`
	Compact []struct {
		Bits    string `json:"bits"`
		Target  string `json:"target"`
		Compact string `json:"compact"`
	} `json:"compact"`
	Retarget []struct {
		Network   string `json:"network"`
		LastBits  string `json:"lastBits"`
		FirstTime int64  `json:"firstTime"`
		LastTime  int64  `json:"lastTime"`
		Want      string `json:"want"`
	} `json:"retarget"`
	RequiredBits []struct {
		Network  string `json:"network"`
		Height   int    `json:"height"`
		Time     uint32 `json:"time"`
		Ancestry []row  `json:"ancestry"`
		Want     string `json:"want"`
	} `json:"requiredBits"`
	MedianTimePast []struct {
		Height   int    `json:"height"`
		Ancestry []row  `json:"ancestry"`
		Want     uint32 `json:"want"`
	} `json:"medianTimePast"`
	HeaderRules []struct {
		Network  string  `json:"network"`
		Height   int     `json:"height"`
		Time     uint32  `json:"time"`
		Bits     string  `json:"bits"`
		Hash     string  `json:"hash"`
		Now      int64   `json:"now"`
		Ancestry []row   `json:"ancestry"`
		Code     *string `json:"code"`
	} `json:"headerRules"`
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	data, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatalf("shared vectors: %v", err)
	}
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("shared vectors: %v", err)
	}
	if len(v.HeaderRules) == 0 || len(v.Retarget) == 0 || len(v.RequiredBits) == 0 {
		t.Fatal("shared vectors file has empty sections")
	}
	return v
}

func bitsOf(t *testing.T, s string) uint32 {
	n, err := strconv.ParseUint(s, 0, 32)
	if err != nil {
		t.Fatalf("bits %q: %v", s, err)
	}
	return uint32(n)
}

func TestChainParamsMatchTheTypeScriptRelays(t *testing.T) {
	v := loadVectors(t)
	for name, want := range v.Params {
		got, ok := chainParams[name]
		if !ok {
			t.Fatalf("network %s has no Go chain parameters", name)
		}
		if bitsOf(t, want.PowLimitBits) != networks[name].PowLimitBits || got.RetargetInterval != want.RetargetInterval ||
			got.TargetTimespan != want.TargetTimespan || got.TargetSpacing != want.TargetSpacing ||
			got.NoRetargeting != want.NoRetargeting || got.AllowMinDifficulty != want.AllowMinDifficulty ||
			got.MinimumChainWork.Text(16) != want.MinimumChainWork || got.BIP94 != want.BIP94 {
			t.Errorf("%s: Go %+v, TypeScript %+v", name, got, want)
		}
		if len(got.Checkpoints) != len(want.Checkpoints) {
			t.Fatalf("%s: %d checkpoints, TypeScript has %d", name, len(got.Checkpoints), len(want.Checkpoints))
		}
		for i := range want.Checkpoints {
			if got.Checkpoints[i] != want.Checkpoints[i] {
				t.Errorf("%s checkpoint %d: %+v, TypeScript %+v", name, i, got.Checkpoints[i], want.Checkpoints[i])
			}
		}
	}
}

func TestCompactEncodingMatchesTheSharedVectors(t *testing.T) {
	for i, c := range loadVectors(t).Compact {
		target, _ := new(big.Int).SetString(c.Target, 16)
		if c.Bits != "" {
			got, err := TargetFromBits(bitsOf(t, c.Bits))
			if err != nil || got.Cmp(target) != 0 {
				t.Errorf("vector %d: %s expands to %v (%v), want %s", i, c.Bits, got, err, c.Target)
			}
		}
		if got := BitsFromTarget(target); got != bitsOf(t, c.Compact) {
			t.Errorf("vector %d: GetCompact(%s) = 0x%08x, want %s", i, c.Target, got, c.Compact)
		}
	}
}

func TestRetargetMatchesTheSharedVectors(t *testing.T) {
	for i, c := range loadVectors(t).Retarget {
		got := RetargetBits(chainParams[c.Network], networks[c.Network].PowLimitBits, bitsOf(t, c.LastBits), c.FirstTime, c.LastTime)
		if got != bitsOf(t, c.Want) {
			t.Errorf("vector %d (%s %s %d..%d): 0x%08x, want %s", i, c.Network, c.LastBits, c.FirstTime, c.LastTime, got, c.Want)
		}
	}
}

func TestRequiredBitsMatchTheSharedVectors(t *testing.T) {
	for i, c := range loadVectors(t).RequiredBits {
		got := RequiredBits(chainParams[c.Network], networks[c.Network].PowLimitBits, c.Height, c.Time, newAncestry(t, c.Ancestry))
		if got != bitsOf(t, c.Want) {
			t.Errorf("vector %d (%s height %d): 0x%08x, want %s", i, c.Network, c.Height, got, c.Want)
		}
	}
}

func TestMedianTimePastMatchesTheSharedVectors(t *testing.T) {
	for i, c := range loadVectors(t).MedianTimePast {
		if got := MedianTimePast(newAncestry(t, c.Ancestry), c.Height); got != c.Want {
			t.Errorf("vector %d (height %d): %d, want %d", i, c.Height, got, c.Want)
		}
	}
}

func TestHeaderRulesMatchTheSharedVectors(t *testing.T) {
	for i, c := range loadVectors(t).HeaderRules {
		display, err := hex.DecodeString(c.Hash)
		if err != nil || len(display) != 32 {
			t.Fatalf("vector %d: hash %q", i, c.Hash)
		}
		var hash [32]byte
		for j := range display {
			hash[j] = display[31-j]
		}
		facts := HeaderFacts{Height: c.Height, Time: c.Time, Bits: bitsOf(t, c.Bits), Hash: hash}
		err = CheckHeaderRules(chainParams[c.Network], networks[c.Network].PowLimitBits, facts, newAncestry(t, c.Ancestry), c.Now)
		got := ""
		var rule *RuleError
		if errors.As(err, &rule) {
			got = rule.Code
		} else if err != nil {
			t.Fatalf("vector %d: not a rule error: %v", i, err)
		}
		want := ""
		if c.Code != nil {
			want = *c.Code
		}
		if got != want {
			t.Errorf("vector %d (%s height %d time %d now %d): %q, TypeScript %q", i, c.Network, c.Height, c.Time, c.Now, got, want)
		}
		if rule != nil && rule.Misbehaving == (got == "TIME_TOO_NEW") {
			t.Errorf("vector %d: %s misbehaving=%v (only a too-new time is blameless)", i, got, rule.Misbehaving)
		}
	}
}
