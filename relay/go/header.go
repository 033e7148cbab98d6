package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
)

// Header is one 80-byte block header; Hash is in internal (little-endian) byte order.
type Header struct {
	Raw     [80]byte
	Hash    [32]byte
	Prev    [32]byte
	Version int32
	Time    uint32
	Bits    uint32
	Nonce   uint32
}

func doubleSHA256(b []byte) [32]byte {
	first := sha256.Sum256(b)
	return sha256.Sum256(first[:])
}

// ParseHeader decodes 80 bytes and hashes them.
func ParseHeader(b []byte) (Header, error) {
	if len(b) != 80 {
		return Header{}, fmt.Errorf("header is %d bytes, want 80", len(b))
	}
	var raw [80]byte
	copy(raw[:], b)
	return headerFrom(raw, doubleSHA256(b)), nil
}

// headerFrom decodes the fields of a header whose hash is already known (the chain stores both).
func headerFrom(raw [80]byte, hash [32]byte) Header {
	h := Header{Raw: raw, Hash: hash}
	h.Version = int32(binary.LittleEndian.Uint32(raw[0:4]))
	copy(h.Prev[:], raw[4:36])
	h.Time = binary.LittleEndian.Uint32(raw[68:72])
	h.Bits = binary.LittleEndian.Uint32(raw[72:76])
	h.Nonce = binary.LittleEndian.Uint32(raw[76:80])
	return h
}

// powCheck caches the last target: bits change once per 2016 blocks, so a sync of the whole chain
// expands them a few hundred times instead of once per header.
type powCheck struct {
	limit  *big.Int
	bits   uint32
	valid  bool
	err    error
	target [32]byte // big-endian
	work   *big.Int
}

// check is CheckPoW without allocations: the hash (little-endian) is compared to the target
// byte by byte from its most significant end.
func (p *powCheck) check(h *Header) error {
	if !p.valid || p.bits != h.Bits {
		p.bits, p.valid = h.Bits, true
		target, err := TargetFromBits(h.Bits)
		if err == nil && target.Cmp(p.limit) > 0 {
			err = ErrBadBits
		}
		if p.err = err; err == nil {
			target.FillBytes(p.target[:])
			p.work = Work(h.Bits)
		}
	}
	if p.err != nil {
		return p.err
	}
	for i := 0; i < 32; i++ {
		hb, tb := h.Hash[31-i], p.target[i]
		if hb != tb {
			if hb > tb {
				return ErrBadPoW
			}
			return nil
		}
	}
	return nil
}

// HashHex is the display form: the internal bytes reversed.
func HashHex(hash [32]byte) string {
	var r [32]byte
	for i := range hash {
		r[i] = hash[31-i]
	}
	return hex.EncodeToString(r[:])
}

// Errors a header can fail with; the peer that sent it is dropped.
var (
	ErrBadBits = errors.New("BAD_BITS: target is negative, zero, overflows, or is easier than the network allows")
	ErrBadPoW  = errors.New("BAD_POW: header hash is above its target")
)

// TargetFromBits expands compact bits as Bitcoin Core's arith_uint256::SetCompact does.
func TargetFromBits(bits uint32) (*big.Int, error) {
	exponent := uint(bits >> 24)
	mantissa := int64(bits & 0x007fffff)
	negative := bits&0x00800000 != 0
	var target *big.Int
	if exponent <= 3 {
		target = big.NewInt(mantissa >> (8 * (3 - exponent)))
	} else {
		target = new(big.Int).Lsh(big.NewInt(mantissa), 8*(exponent-3))
	}
	overflow := mantissa != 0 && (exponent > 34 || (mantissa > 0xff && exponent > 33) || (mantissa > 0xffff && exponent > 32))
	if (negative && mantissa != 0) || overflow || target.Sign() == 0 {
		return nil, ErrBadBits
	}
	return target, nil
}

// hashNumber reads a hash as the 256-bit number PoW compares (internal order is little-endian).
func hashNumber(hash [32]byte) *big.Int {
	var r [32]byte
	for i := range hash {
		r[i] = hash[31-i]
	}
	return new(big.Int).SetBytes(r[:])
}

// CheckPoW: the target must be valid and no easier than powLimit, and the hash at or below it.
func CheckPoW(h Header, powLimit *big.Int) error {
	target, err := TargetFromBits(h.Bits)
	if err != nil {
		return err
	}
	if target.Cmp(powLimit) > 0 {
		return ErrBadBits
	}
	if hashNumber(h.Hash).Cmp(target) > 0 {
		return ErrBadPoW
	}
	return nil
}

var two256 = new(big.Int).Lsh(big.NewInt(1), 256)

// Work is the expected number of hashes for a target: 2^256 / (target + 1), as Core's GetBlockProof.
func Work(bits uint32) *big.Int {
	target, err := TargetFromBits(bits)
	if err != nil {
		return new(big.Int)
	}
	return new(big.Int).Div(two256, new(big.Int).Add(target, big.NewInt(1)))
}
