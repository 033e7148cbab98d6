package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
)

const (
	protocolVersion    = 70016
	minPeerVersion     = 70002 // BIP 130 sendheaders: below this a peer cannot announce by headers
	maxMessageBytes    = 4_000_000
	maxHeadersPerMsg   = 2000
	maxInvEntries      = 50_000
	invBlock           = 2
	invWitnessFlag     = 0x40000000
	userAgent          = "/SprintGoRelay:0.1.0/"
	frameHeaderLength  = 24
	maxLocatorHashes   = 101
	headerWithTxCountB = 81
)

// Message is one P2P frame's command and payload.
type Message struct {
	Command string
	Payload []byte
}

// EncodeFrame builds magic, command (NUL-padded), length, checksum, payload.
func EncodeFrame(magic [4]byte, command string, payload []byte) []byte {
	out := make([]byte, frameHeaderLength+len(payload))
	copy(out[0:4], magic[:])
	copy(out[4:16], command)
	binary.LittleEndian.PutUint32(out[16:20], uint32(len(payload)))
	sum := doubleSHA256(payload)
	copy(out[20:24], sum[:4])
	copy(out[24:], payload)
	return out
}

// ReadFrame reads one frame, checking magic, command characters, size bound and checksum before
// the payload is used, as Bitcoin Core's V1Transport does.
func ReadFrame(r io.Reader, magic [4]byte) (Message, error) {
	var head [frameHeaderLength]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return Message{}, err
	}
	if !bytes.Equal(head[0:4], magic[:]) {
		return Message{}, fmt.Errorf("BAD_MAGIC: %x", head[0:4])
	}
	cmd := head[4:16]
	end := bytes.IndexByte(cmd, 0)
	if end == -1 {
		end = 12
	}
	for i, c := range cmd {
		if (i < end && (c < 0x20 || c > 0x7e)) || (i >= end && c != 0) {
			return Message{}, errors.New("BAD_COMMAND: not printable ASCII padded with NULs")
		}
	}
	length := binary.LittleEndian.Uint32(head[16:20])
	if length > maxMessageBytes {
		return Message{}, fmt.Errorf("OVERSIZED: %d bytes claimed, limit %d", length, maxMessageBytes)
	}
	payload := make([]byte, length)
	if _, err := io.ReadFull(r, payload); err != nil {
		return Message{}, err
	}
	sum := doubleSHA256(payload)
	if !bytes.Equal(sum[:4], head[20:24]) {
		return Message{}, errors.New("BAD_CHECKSUM")
	}
	return Message{Command: string(cmd[:end]), Payload: payload}, nil
}

func appendVarInt(b []byte, n uint64) []byte {
	switch {
	case n < 0xfd:
		return append(b, byte(n))
	case n <= 0xffff:
		return binary.LittleEndian.AppendUint16(append(b, 0xfd), uint16(n))
	case n <= 0xffffffff:
		return binary.LittleEndian.AppendUint32(append(b, 0xfe), uint32(n))
	}
	return binary.LittleEndian.AppendUint64(append(b, 0xff), n)
}

// reader decodes a payload; the first short read sticks, so callers check err once at the end.
type reader struct {
	b   []byte
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil || n < 0 || len(r.b) < n {
		if r.err == nil {
			r.err = errors.New("TRUNCATED: payload ends early")
		}
		return make([]byte, max(n, 0))
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func (r *reader) u32() uint32 { return binary.LittleEndian.Uint32(r.take(4)) }
func (r *reader) u64() uint64 { return binary.LittleEndian.Uint64(r.take(8)) }

func (r *reader) varInt() uint64 {
	first := r.take(1)[0]
	switch first {
	case 0xfd:
		return uint64(binary.LittleEndian.Uint16(r.take(2)))
	case 0xfe:
		return uint64(r.u32())
	case 0xff:
		return r.u64()
	}
	return uint64(first)
}

// Version is what the relay needs of a peer's version message.
type Version struct {
	Version     int32
	Services    uint64
	Timestamp   int64 // the peer's clock, Unix seconds
	UserAgent   string
	StartHeight int32
}

func appendNetAddr(b []byte, port uint16) []byte {
	b = binary.LittleEndian.AppendUint64(b, 0)
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1) // IPv4-mapped 127.0.0.1
	return binary.BigEndian.AppendUint16(b, port)
}

// EncodeVersion: we offer no services and ask for no transaction relay (relay = false).
func EncodeVersion(nonce uint64, nowUnix int64, theirPort uint16) []byte {
	b := binary.LittleEndian.AppendUint32(nil, protocolVersion)
	b = binary.LittleEndian.AppendUint64(b, 0)
	b = binary.LittleEndian.AppendUint64(b, uint64(nowUnix))
	b = appendNetAddr(b, theirPort)
	b = appendNetAddr(b, 0)
	b = binary.LittleEndian.AppendUint64(b, nonce)
	b = appendVarInt(b, uint64(len(userAgent)))
	b = append(b, userAgent...)
	b = binary.LittleEndian.AppendUint32(b, 0)
	return append(b, 0)
}

// DecodeVersion reads the fields up to the start height (relay flag is optional in old peers).
func DecodeVersion(p []byte) (Version, error) {
	r := &reader{b: p}
	v := Version{Version: int32(r.u32()), Services: r.u64()}
	v.Timestamp = int64(r.u64())
	r.take(26 + 26 + 8)
	n := r.varInt()
	if n > 256 {
		return v, errors.New("BAD_VERSION: user agent over 256 bytes")
	}
	v.UserAgent = string(r.take(int(n)))
	v.StartHeight = int32(r.u32())
	return v, r.err
}

// EncodeGetHeaders asks for headers after the locator, up to the stop hash (zero: as many as allowed).
func EncodeGetHeaders(locator [][32]byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, protocolVersion)
	b = appendVarInt(b, uint64(len(locator)))
	for _, h := range locator {
		b = append(b, h[:]...)
	}
	return append(b, make([]byte, 32)...)
}

// DecodeHeaders parses a headers message: each header is followed by a transaction count of 0.
func DecodeHeaders(p []byte) ([]Header, error) {
	r := &reader{b: p}
	n := r.varInt()
	if n > maxHeadersPerMsg {
		return nil, fmt.Errorf("OVERSIZED: %d headers, limit %d", n, maxHeadersPerMsg)
	}
	raws := make([][]byte, 0, n)
	for i := uint64(0); i < n && r.err == nil; i++ {
		raw := r.take(80)
		if r.varInt() != 0 && r.err == nil {
			return nil, errors.New("BAD_HEADERS: header with a non-zero transaction count")
		}
		raws = append(raws, raw)
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) != 0 {
		return nil, errors.New("BAD_HEADERS: trailing bytes")
	}
	headers := make([]Header, len(raws))
	hashAll(raws, headers)
	return headers, nil
}

// hashAll parses and hashes a reply's headers, on every core the runtime has for a full one: the
// double SHA-256 is most of what a sync costs, and the headers are independent until linked.
func hashAll(raws [][]byte, out []Header) {
	workers := runtime.GOMAXPROCS(0)
	if workers > 4 {
		workers = 4
	}
	if len(raws) < 256 || workers < 2 {
		for i, raw := range raws {
			out[i], _ = ParseHeader(raw)
		}
		return
	}
	var wg sync.WaitGroup
	per := (len(raws) + workers - 1) / workers
	for start := 0; start < len(raws); start += per {
		end := start + per
		if end > len(raws) {
			end = len(raws)
		}
		wg.Add(1)
		go func(start, end int) {
			defer wg.Done()
			for i := start; i < end; i++ {
				out[i], _ = ParseHeader(raws[i])
			}
		}(start, end)
	}
	wg.Wait()
}

// DecodeInvBlocks returns the block hashes announced in an inv (other entry types ignored).
func DecodeInvBlocks(p []byte) ([][32]byte, error) {
	r := &reader{b: p}
	n := r.varInt()
	if n > maxInvEntries {
		return nil, fmt.Errorf("OVERSIZED: %d inv entries, limit %d", n, maxInvEntries)
	}
	var blocks [][32]byte
	for i := uint64(0); i < n && r.err == nil; i++ {
		kind := r.u32() &^ invWitnessFlag
		var h [32]byte
		copy(h[:], r.take(32))
		if kind == invBlock {
			blocks = append(blocks, h)
		}
	}
	return blocks, r.err
}
