package main

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func TestFrameRoundTripAndChecksum(t *testing.T) {
	magic := networks["regtest"].Magic
	frame := EncodeFrame(magic, "ping", []byte{1, 2, 3, 4, 5, 6, 7, 8})
	// The checksum of an empty payload is Core's well-known 5df6e0e2.
	if empty := EncodeFrame(magic, "verack", nil); !bytes.Equal(empty[20:24], []byte{0x5d, 0xf6, 0xe0, 0xe2}) {
		t.Fatalf("empty checksum %x", empty[20:24])
	}
	m, err := ReadFrame(bytes.NewReader(frame), magic)
	if err != nil || m.Command != "ping" || len(m.Payload) != 8 {
		t.Fatalf("%v %+v", err, m)
	}
	bad := append([]byte(nil), frame...)
	bad[len(bad)-1] ^= 1
	if _, err := ReadFrame(bytes.NewReader(bad), magic); err == nil || !strings.Contains(err.Error(), "BAD_CHECKSUM") {
		t.Fatalf("tampered payload: %v", err)
	}
	if _, err := ReadFrame(bytes.NewReader(frame), networks["mainnet"].Magic); err == nil || !strings.Contains(err.Error(), "BAD_MAGIC") {
		t.Fatalf("wrong network: %v", err)
	}
}

func TestFrameRefusesOversizedClaimBeforeReadingIt(t *testing.T) {
	magic := networks["regtest"].Magic
	head := EncodeFrame(magic, "headers", nil)[:24]
	binary.LittleEndian.PutUint32(head[16:20], maxMessageBytes+1)
	if _, err := ReadFrame(bytes.NewReader(head), magic); err == nil || !strings.Contains(err.Error(), "OVERSIZED") {
		t.Fatalf("got %v", err)
	}
	garbage := EncodeFrame(magic, "ping", nil)
	copy(garbage[4:16], "pi\x00g\x00\x00\x00\x00\x00\x00\x00\x00")
	if _, err := ReadFrame(bytes.NewReader(garbage), magic); err == nil || !strings.Contains(err.Error(), "BAD_COMMAND") {
		t.Fatalf("NUL inside the command: %v", err)
	}
}

func TestHeadersMessageDecodesAndBoundsCount(t *testing.T) {
	raw := mustHeader(t, block125552).Raw
	payload := appendVarInt(nil, 2)
	for i := 0; i < 2; i++ {
		payload = append(append(payload, raw[:]...), 0)
	}
	hs, err := DecodeHeaders(payload)
	if err != nil || len(hs) != 2 || HashHex(hs[1].Hash) != block125552Hash {
		t.Fatalf("%v %d", err, len(hs))
	}
	if _, err := DecodeHeaders(appendVarInt(nil, maxHeadersPerMsg+1)); err == nil {
		t.Fatal("2001 headers accepted")
	}
	if _, err := DecodeHeaders(payload[:100]); err == nil {
		t.Fatal("truncated headers accepted")
	}
	withTx := append(append(appendVarInt(nil, 1), raw[:]...), 1)
	if _, err := DecodeHeaders(withTx); err == nil {
		t.Fatal("a header with transactions accepted")
	}
}

func TestVersionRoundTrip(t *testing.T) {
	v, err := DecodeVersion(EncodeVersion(42, 1700000000, 18444))
	if err != nil || v.Version != protocolVersion || v.UserAgent != userAgent || v.StartHeight != 0 {
		t.Fatalf("%v %+v", err, v)
	}
	if _, err := DecodeVersion([]byte{1, 2, 3}); err == nil {
		t.Fatal("truncated version accepted")
	}
}
