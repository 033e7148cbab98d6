package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"testing"
)

// Block 125552, the Bitcoin wiki's hashing example: fields published independently of this code.
const block125552 = "0100000081cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000e320b6c2fffc8d750423db8b1eb942ae710e951ed797f7affc8892b0f1fc122bc7f5d74df2b9441a42a14695"
const block125552Hash = "00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d"

func mustHeader(t *testing.T, hexText string) Header {
	t.Helper()
	raw, err := hex.DecodeString(hexText)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParseHeader(raw)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func mainnetLimit(t *testing.T) *big.Int {
	limit, err := TargetFromBits(networks["mainnet"].PowLimitBits)
	if err != nil {
		t.Fatal(err)
	}
	return limit
}

func TestMainnetHeaderVectorHashesAndMeetsItsTarget(t *testing.T) {
	h := mustHeader(t, block125552)
	if got := HashHex(h.Hash); got != block125552Hash {
		t.Fatalf("hash %s, want %s", got, block125552Hash)
	}
	if h.Time != 1305998791 || h.Bits != 440711666 || h.Nonce != 2504433986 || h.Version != 1 {
		t.Fatalf("fields decoded wrong: %+v", h)
	}
	if err := CheckPoW(h, mainnetLimit(t)); err != nil {
		t.Fatalf("real header failed PoW: %v", err)
	}
}

// The same real headers the TypeScript relay's tests use (test/fixtures/mainnet-headers.json).
func TestMainnetFixtureHeaders0To2(t *testing.T) {
	data, err := os.ReadFile("../../test/fixtures/mainnet-headers.json")
	if err != nil {
		t.Fatal(err)
	}
	var fixture []struct {
		Height       int
		Hash, Header string
	}
	if err := json.Unmarshal(data, &fixture); err != nil || len(fixture) != 3 {
		t.Fatalf("fixture: %v (%d entries)", err, len(fixture))
	}
	chain, _ := NewChain(networks["mainnet"])
	var headers []Header
	for _, f := range fixture {
		h := mustHeader(t, f.Header)
		if HashHex(h.Hash) != f.Hash {
			t.Fatalf("height %d: hash %s, want %s", f.Height, HashHex(h.Hash), f.Hash)
		}
		headers = append(headers, h)
	}
	if chain.Tip().Header.Hash != headers[0].Hash {
		t.Fatal("built-in mainnet genesis differs from the fixture's")
	}
	res, err := chain.Connect(headers[1:], nil)
	if err != nil || len(res.Added) != 2 || chain.Tip().Height != 2 {
		t.Fatalf("connect: %v, added %d, tip %d", err, len(res.Added), chain.Tip().Height)
	}
}

func TestTamperedNonceFailsPoW(t *testing.T) {
	raw, _ := hex.DecodeString(block125552)
	raw[76] ^= 1
	h, _ := ParseHeader(raw)
	if err := CheckPoW(h, mainnetLimit(t)); !errors.Is(err, ErrBadPoW) {
		t.Fatalf("got %v, want ErrBadPoW", err)
	}
}

func TestEasierTargetThanNetworkAllowsIsRefused(t *testing.T) {
	regtest := mustHeader(t, networks["regtest"].GenesisHex)
	if err := CheckPoW(regtest, mainnetLimit(t)); !errors.Is(err, ErrBadBits) {
		t.Fatalf("got %v, want ErrBadBits", err)
	}
}

func TestCompactBitsExpandLikeCore(t *testing.T) {
	want := new(big.Int).Lsh(big.NewInt(0xffff), 208)
	if got, _ := TargetFromBits(0x1d00ffff); got.Cmp(want) != 0 {
		t.Fatalf("0x1d00ffff -> %x", got)
	}
	if got, _ := TargetFromBits(0x01123456); got.Int64() != 0x12 {
		t.Fatalf("0x01123456 -> %x", got)
	}
	for _, bits := range []uint32{0x04923456 /* negative */, 0x00000000, 0xff123456 /* overflow */} {
		if _, err := TargetFromBits(bits); !errors.Is(err, ErrBadBits) {
			t.Fatalf("bits %08x: got %v, want ErrBadBits", bits, err)
		}
	}
}

func TestChainRefusesUnconnectingAndBrokenRuns(t *testing.T) {
	chain, _ := NewChain(networks["mainnet"])
	h := mustHeader(t, block125552)
	if _, err := chain.Connect([]Header{h}, nil); !errors.Is(err, ErrUnconnecting) {
		t.Fatalf("got %v, want ErrUnconnecting", err)
	}
	data, _ := os.ReadFile("../../test/fixtures/mainnet-headers.json")
	var fixture []struct{ Header string }
	_ = json.Unmarshal(data, &fixture)
	one, two := mustHeader(t, fixture[1].Header), mustHeader(t, fixture[2].Header)
	if _, err := chain.Connect([]Header{two, one}, nil); err == nil {
		t.Fatal("a run out of order was accepted")
	}
	if chain.Tip().Height != 0 {
		t.Fatal("a refused run changed the tip")
	}
	if _, err := chain.Connect([]Header{one, two}, nil); err != nil {
		t.Fatal(err)
	}
	if again, _ := chain.Connect([]Header{one, two}, nil); len(again.Added) != 0 {
		t.Fatal("headers already on the chain were reported as new")
	}
}

// The chain's cached, allocation-free check must refuse exactly what CheckPoW refuses.
func TestChainPoWCheckAgreesWithCheckPoW(t *testing.T) {
	data, _ := os.ReadFile("../../test/fixtures/mainnet-headers.json")
	var fixture []struct{ Header string }
	_ = json.Unmarshal(data, &fixture)
	raw, _ := hex.DecodeString(fixture[1].Header)
	raw[76] ^= 1
	tampered, _ := ParseHeader(raw)
	chain, _ := NewChain(networks["mainnet"])
	if _, err := chain.Connect([]Header{tampered}, nil); !errors.Is(err, ErrBadPoW) {
		t.Fatalf("tampered header: %v", err)
	}
	easy := mustHeader(t, networks["regtest"].GenesisHex)
	easy.Prev = chain.Tip().Header.Hash
	if _, err := chain.Connect([]Header{easy}, nil); !errors.Is(err, ErrBadBits) {
		t.Fatalf("regtest bits on mainnet: %v", err)
	}
	check := powCheck{limit: mainnetLimit(t)}
	for _, f := range fixture {
		h := mustHeader(t, f.Header)
		if (check.check(&h) == nil) != (CheckPoW(h, mainnetLimit(t)) == nil) {
			t.Fatalf("disagreement on %s", HashHex(h.Hash))
		}
	}
	if check.check(&tampered) == nil {
		t.Fatal("cached check accepted the tampered header")
	}
}
