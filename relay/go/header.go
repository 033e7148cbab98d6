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
	var h Header
	if len(b) != 80 {
		return h, fmt.Errorf("header is %d bytes, want 80", len(b))
	}
	copy(h.Raw[:], b)
	h.Version = int32(binary.LittleEndian.Uint32(b[0:4]))
	copy(h.Prev[:], b[4:36])
	h.Time = binary.LittleEndian.Uint32(b[68:72])
	h.Bits = binary.LittleEndian.Uint32(b[72:76])
	h.Nonce = binary.LittleEndian.Uint32(b[76:80])
	h.Hash = doubleSHA256(b)
	return h, nil
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
