package main

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// mineRegtest builds n valid regtest headers on prev (the regtest target passes about every other hash).
func mineRegtest(t *testing.T, prev Header, n int, salt byte) []Header {
	t.Helper()
	var out []Header
	for i := 0; i < n; i++ {
		var raw [80]byte
		binary.LittleEndian.PutUint32(raw[0:4], 0x20000000)
		copy(raw[4:36], prev.Hash[:])
		raw[36] = salt
		binary.LittleEndian.PutUint32(raw[68:72], prev.Time+600)
		binary.LittleEndian.PutUint32(raw[72:76], networks["regtest"].PowLimitBits)
		limit, _ := TargetFromBits(networks["regtest"].PowLimitBits)
		for nonce := uint32(0); ; nonce++ {
			binary.LittleEndian.PutUint32(raw[76:80], nonce)
			h, _ := ParseHeader(raw[:])
			if CheckPoW(h, limit) == nil {
				out = append(out, h)
				prev = h
				break
			}
		}
	}
	return out
}

func TestHeaderStoreResumesFromTheStoredTipAndFollowsAReorg(t *testing.T) {
	dir := t.TempDir()
	chain, _ := NewChain(networks["regtest"])
	store, loaded, err := OpenHeaderStore(dir, chain, "regtest")
	if err != nil || loaded != 0 {
		t.Fatalf("fresh store: %v, %d loaded", err, loaded)
	}
	headers := mineRegtest(t, chain.Tip().Header, 30, 1)
	if _, err := chain.Connect(headers, nil); err != nil {
		t.Fatal(err)
	}
	if err := store.Save(chain, 1); err != nil {
		t.Fatal(err)
	}
	// A heavier branch from height 10 replaces the tail: 10 + 25 = height 35.
	fork := mineRegtest(t, headers[9], 25, 2)
	res, err := chain.Connect(fork, nil)
	if err != nil || len(res.Added) != 25 || res.Added[0].Height != 11 || len(res.Disconnected) != 20 {
		t.Fatalf("reorg: %v, %d added, %d disconnected", err, len(res.Added), len(res.Disconnected))
	}
	if err := store.Save(chain, res.Added[0].Height); err != nil {
		t.Fatal(err)
	}
	_ = store.Close()

	again, _ := NewChain(networks["regtest"])
	reopened, loaded, err := OpenHeaderStore(dir, again, "regtest")
	if err != nil || loaded != 35 || again.Tip().Header.Hash != chain.Tip().Header.Hash {
		t.Fatalf("reopen: %v, %d loaded, tip %d", err, loaded, again.Tip().Height)
	}
	_ = reopened.Close()
}

func TestHeaderStoreKeepsTheValidPrefixOfADamagedFile(t *testing.T) {
	dir := t.TempDir()
	chain, _ := NewChain(networks["regtest"])
	store, _, _ := OpenHeaderStore(dir, chain, "regtest")
	_, _ = chain.Connect(mineRegtest(t, chain.Tip().Header, 20, 3), nil)
	_ = store.Save(chain, 1)
	_ = store.Close()
	path := filepath.Join(dir, "go-relay-headers-regtest.bin")
	data, _ := os.ReadFile(path)
	data[12*80+5] ^= 0xff        // header 13's previous-hash link is broken
	data = append(data, 1, 2, 3) // and a torn write at the end
	_ = os.WriteFile(path, data, 0o600)

	again, _ := NewChain(networks["regtest"])
	reopened, loaded, err := OpenHeaderStore(dir, again, "regtest")
	if err != nil || loaded != 12 || again.Tip().Height != 12 {
		t.Fatalf("damaged: %v, %d loaded", err, loaded)
	}
	_ = reopened.Close()
	if info, _ := os.Stat(path); info.Size() != 12*80 {
		t.Fatalf("file not cut back to the valid prefix: %d bytes", info.Size())
	}
}
