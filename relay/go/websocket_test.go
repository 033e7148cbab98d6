package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"net/http"
	"testing"
)

func TestAcceptKeyMatchesRFC6455Example(t *testing.T) {
	// RFC 6455 section 1.3.
	if got := AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="); got != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("got %s", got)
	}
}

func TestServerFrameLengthEncodings(t *testing.T) {
	cases := []struct {
		n    int
		head []byte
	}{
		{0, []byte{0x81, 0}},
		{125, []byte{0x81, 125}},
		{126, []byte{0x81, 126, 0, 126}},
		{65535, []byte{0x81, 126, 0xff, 0xff}},
		{65536, []byte{0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0}},
	}
	for _, c := range cases {
		f := EncodeWSFrame(opText, make([]byte, c.n))
		if !bytes.Equal(f[:len(c.head)], c.head) || len(f) != len(c.head)+c.n {
			t.Fatalf("n=%d: head %x, len %d", c.n, f[:len(c.head)], len(f))
		}
	}
	closing := CloseFrame(closeGoingAway, "bye")
	if closing[0] != 0x88 || binary.BigEndian.Uint16(closing[2:4]) != 1001 || string(closing[4:]) != "bye" {
		t.Fatalf("close frame %x", closing)
	}
}

func maskedFrame(first byte, payload []byte, mask [4]byte) []byte {
	out := []byte{first}
	switch {
	case len(payload) < 126:
		out = append(out, 0x80|byte(len(payload)))
	default:
		out = binary.BigEndian.AppendUint16(append(out, 0x80|126), uint16(len(payload)))
	}
	out = append(out, mask[:]...)
	for i, b := range payload {
		out = append(out, b^mask[i%4])
	}
	return out
}

func TestReadsMaskedClientFrames(t *testing.T) {
	// RFC 6455 section 5.7: a masked "Hello".
	rfc := []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}
	f, err := ReadWSFrame(bufio.NewReader(bytes.NewReader(rfc)))
	if err != nil || string(f.Payload) != "Hello" || !f.Fin || f.Opcode != opText {
		t.Fatalf("%v %+v", err, f)
	}
	long := bytes.Repeat([]byte("x"), 300)
	f, err = ReadWSFrame(bufio.NewReader(bytes.NewReader(maskedFrame(0x82, long, [4]byte{1, 2, 3, 4}))))
	if err != nil || !bytes.Equal(f.Payload, long) {
		t.Fatalf("16-bit length: %v", err)
	}
}

func closeCode(t *testing.T, frame []byte) uint16 {
	t.Helper()
	_, err := ReadWSFrame(bufio.NewReader(bytes.NewReader(frame)))
	var fe *FrameError
	if !errors.As(err, &fe) {
		t.Fatalf("got %v, want a FrameError", err)
	}
	return fe.Code
}

func TestRefusesBadClientFrames(t *testing.T) {
	if c := closeCode(t, []byte{0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}); c != closeProtocol {
		t.Fatalf("unmasked: %d", c)
	}
	if c := closeCode(t, maskedFrame(0x81, make([]byte, maxClientFrame+1), [4]byte{9, 9, 9, 9})); c != closeTooBig {
		t.Fatalf("oversized: %d", c)
	}
	if c := closeCode(t, maskedFrame(0x09, []byte("frag"), [4]byte{})); c != closeProtocol {
		t.Fatalf("fragmented ping: %d", c)
	}
	if c := closeCode(t, maskedFrame(0xc1, []byte("rsv"), [4]byte{})); c != closeProtocol {
		t.Fatalf("reserved bit: %d", c)
	}
}

func TestUpgradeHandshakeChecks(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "/v1/btc/stream", nil)
	req.Header.Set("Connection", "keep-alive, Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	if key, err := CheckUpgrade(req); err != nil || key != "dGhlIHNhbXBsZSBub25jZQ==" {
		t.Fatalf("valid handshake refused: %v", err)
	}
	req.Header.Set("Sec-WebSocket-Key", "c2hvcnQ=")
	if _, err := CheckUpgrade(req); err == nil {
		t.Fatal("a key that is not 16 bytes was accepted")
	}
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	req.Header.Set("Sec-WebSocket-Version", "8")
	if _, err := CheckUpgrade(req); err == nil {
		t.Fatal("version 8 accepted")
	}
}
