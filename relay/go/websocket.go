package main

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// RFC 6455 by hand: the standard library has no WebSocket server.

const (
	wsGUID          = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
	opText          = 0x1
	opBinary        = 0x2
	opClose         = 0x8
	opPing          = 0x9
	opPong          = 0xa
	maxClientFrame  = 1024 // clients have nothing to say on this stream; anything larger closes it
	closeNormal     = 1000
	closeGoingAway  = 1001
	closeProtocol   = 1002
	closeTooBig     = 1009
	wsVersionHeader = "13"
)

// AcceptKey is Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 section 4.2.2).
func AcceptKey(key string) string {
	sum := sha1.Sum([]byte(key + wsGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), token) {
				return true
			}
		}
	}
	return false
}

// CheckUpgrade validates a client's opening handshake and returns its key, or why it is refused.
func CheckUpgrade(r *http.Request) (string, error) {
	if r.Method != http.MethodGet {
		return "", errors.New("WebSocket handshake must be GET")
	}
	if !headerHasToken(r.Header, "Connection", "upgrade") || !headerHasToken(r.Header, "Upgrade", "websocket") {
		return "", errors.New("not a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket)")
	}
	if r.Header.Get("Sec-WebSocket-Version") != wsVersionHeader {
		return "", errors.New("unsupported Sec-WebSocket-Version (want 13)")
	}
	key := r.Header.Get("Sec-WebSocket-Key")
	if raw, err := base64.StdEncoding.DecodeString(key); err != nil || len(raw) != 16 {
		return "", errors.New("Sec-WebSocket-Key must be 16 bytes, base64")
	}
	return key, nil
}

// EncodeFrame builds one unmasked, unfragmented server frame.
func EncodeWSFrame(opcode byte, payload []byte) []byte {
	n := len(payload)
	head := make([]byte, 2, 10+n)
	head[0] = 0x80 | opcode
	switch {
	case n < 126:
		head[1] = byte(n)
	case n <= 0xffff:
		head[1] = 126
		head = binary.BigEndian.AppendUint16(head, uint16(n))
	default:
		head[1] = 127
		head = binary.BigEndian.AppendUint64(head, uint64(n))
	}
	return append(head, payload...)
}

// CloseFrame carries a status code and a short reason.
func CloseFrame(code uint16, reason string) []byte {
	return EncodeWSFrame(opClose, append(binary.BigEndian.AppendUint16(nil, code), reason...))
}

// WSFrame is one frame read from a client, unmasked.
type WSFrame struct {
	Fin     bool
	Opcode  byte
	Payload []byte
}

// FrameError carries the close code a bad frame earns.
type FrameError struct {
	Code   uint16
	Reason string
}

func (e *FrameError) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Reason) }

// ReadWSFrame reads one client frame: clients must mask (RFC 6455 5.1), control frames are short
// and unfragmented, and nothing over maxClientFrame is read into memory.
func ReadWSFrame(r *bufio.Reader) (WSFrame, error) {
	var head [2]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return WSFrame{}, err
	}
	f := WSFrame{Fin: head[0]&0x80 != 0, Opcode: head[0] & 0x0f}
	if head[0]&0x70 != 0 {
		return f, &FrameError{closeProtocol, "reserved bits set without an extension"}
	}
	if head[1]&0x80 == 0 {
		return f, &FrameError{closeProtocol, "client frames must be masked"}
	}
	length := uint64(head[1] & 0x7f)
	switch length {
	case 126:
		var ext [2]byte
		if _, err := io.ReadFull(r, ext[:]); err != nil {
			return f, err
		}
		length = uint64(binary.BigEndian.Uint16(ext[:]))
	case 127:
		var ext [8]byte
		if _, err := io.ReadFull(r, ext[:]); err != nil {
			return f, err
		}
		length = binary.BigEndian.Uint64(ext[:])
	}
	if f.Opcode >= opClose && (length > 125 || !f.Fin) {
		return f, &FrameError{closeProtocol, "control frames must be short and unfragmented"}
	}
	if length > maxClientFrame {
		return f, &FrameError{closeTooBig, "message too big"}
	}
	var mask [4]byte
	if _, err := io.ReadFull(r, mask[:]); err != nil {
		return f, err
	}
	f.Payload = make([]byte, length)
	if _, err := io.ReadFull(r, f.Payload); err != nil {
		return f, err
	}
	for i := range f.Payload {
		f.Payload[i] ^= mask[i%4]
	}
	return f, nil
}
