package main

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
)

func quietLogger() *Logger { return NewLogger(io.Discard, "error", "test") }

func TestHubRefusesSubscribersPastItsLimit(t *testing.T) {
	h := NewHub(quietLogger())
	for i := 0; i < maxStreamClients; i++ {
		if _, err := h.add("sse"); err != nil {
			t.Fatalf("client %d refused below the limit: %v", i, err)
		}
	}
	if _, err := h.add("ws"); !errors.Is(err, ErrFull) {
		t.Fatalf("client past the limit: %v", err)
	}
	if ws, sse := h.Counts(); ws != 0 || sse != maxStreamClients {
		t.Fatalf("counts %d/%d", ws, sse)
	}
}

func TestHubDropsAClientThatStopsReadingAndKeepsTheOthers(t *testing.T) {
	h := NewHub(quietLogger())
	stuck, _ := h.add("ws")
	reader, _ := h.add("sse")
	for i := 0; i <= clientQueue; i++ {
		h.Broadcast([]byte(`{"height":1}`), i)
		<-reader.queue // this one keeps up
	}
	select {
	case <-stuck.done:
	default:
		t.Fatal("a client that read nothing is still subscribed after its queue filled")
	}
	if ws, sse := h.Counts(); ws != 0 || sse != 1 {
		t.Fatalf("counts after the drop %d/%d", ws, sse)
	}
}

func TestPendingInvAnnouncementsAreBounded(t *testing.T) {
	ours, theirs := net.Pipe()
	defer ours.Close()
	go func() { _, _ = io.Copy(io.Discard, theirs) }() // the peer reads our getheaders
	chain, _ := NewChain(networks["regtest"])
	u := &Upstream{network: networks["regtest"], chain: chain, log: quietLogger()}
	s := &session{u: u, conn: ours, invAt: map[[32]byte]float64{}}
	inv := appendVarInt(nil, maxPendingInv+500)
	for i := 0; i < maxPendingInv+500; i++ {
		inv = binary.LittleEndian.AppendUint32(inv, invBlock)
		var hash [32]byte
		binary.LittleEndian.PutUint32(hash[:], uint32(i+1))
		inv = append(inv, hash[:]...)
	}
	if err := s.onInv(inv, 1); err != nil {
		t.Fatal(err)
	}
	if len(s.invAt) != maxPendingInv {
		t.Fatalf("%d pending announcements kept, limit %d", len(s.invAt), maxPendingInv)
	}
	if _, err := DecodeInvBlocks(appendVarInt(nil, maxInvEntries+1)); err == nil {
		t.Fatal("an inv past the entry limit was accepted")
	}
}
