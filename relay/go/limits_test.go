package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
)

func quietLogger() *Logger { return NewLogger(io.Discard, "error", "test") }

func testHub() *Hub { return NewHub(quietLogger(), func() *BlockRef { return nil }) }

func publishN(h *Hub, n int) {
	for i := 0; i < n; i++ {
		h.Publish(func(seq uint64, epoch string) []byte { return []byte(fmt.Sprintf(`{"seq":%d}`, seq)) })
	}
}

func TestHubRefusesSubscribersPastItsLimit(t *testing.T) {
	h := testHub()
	for i := 0; i < maxStreamClients; i++ {
		if _, err := h.add("sse", Resume{}); err != nil {
			t.Fatalf("client %d refused below the limit: %v", i, err)
		}
	}
	if _, err := h.add("ws", Resume{}); !errors.Is(err, ErrFull) {
		t.Fatalf("client past the limit: %v", err)
	}
	if ws, sse := h.Counts(); ws != 0 || sse != maxStreamClients {
		t.Fatalf("counts %d/%d", ws, sse)
	}
}

// A burst far beyond a write batch (a deep reorg's events) keeps every client: each reads the
// buffer at its own pace, and one that falls out of the buffer gets a resync, not a close.
func TestHubBurstKeepsSlowClientsAndResyncsOnesPastTheBuffer(t *testing.T) {
	h := testHub()
	slow, _ := h.add("sse", Resume{})
	publishN(h, 1200)
	got := 0
	for {
		frames, _ := h.next(slow)
		if len(frames) == 0 {
			break
		}
		got += len(frames)
	}
	if got != 1200 {
		t.Fatalf("slow client read %d of 1200 events", got)
	}
	lagging, _ := h.add("ws", Resume{})
	publishN(h, maxReplayEvents+5)
	frames, _ := h.next(lagging)
	if !strings.Contains(string(frames[0]), `"reason":"too-old"`) {
		t.Fatalf("first frame past the buffer is not a too-old resync: %q", frames[0][:60])
	}
	if h.ReplayEvents() != maxReplayEvents {
		t.Fatalf("replay buffer holds %d events, limit %d", h.ReplayEvents(), maxReplayEvents)
	}
	select {
	case <-lagging.done:
		t.Fatal("a lagging client was closed")
	default:
	}
}

func TestHubResumesAfterSinceOrSaysWhyNot(t *testing.T) {
	h := testHub()
	publishN(h, 50)
	c, _ := h.add("sse", Resume{Since: 40, HasSince: true})
	frames, _ := h.next(c)
	if len(frames) != 10 || !strings.Contains(string(frames[0]), "id: 41\n") {
		t.Fatalf("resume after 40: %d frames, first %q", len(frames), frames[0])
	}
	for since, reason := range map[uint64]string{51: "unknown-seq"} {
		c, _ := h.add("sse", Resume{Since: since, HasSince: true})
		frames, _ := h.next(c)
		if len(frames) != 1 || !strings.Contains(string(frames[0]), reason) {
			t.Fatalf("since %d: %q", since, frames)
		}
	}
	other, _ := h.add("ws", Resume{Since: 3, HasSince: true, Epoch: "another-run"})
	if frames, _ := h.next(other); len(frames) != 1 || !strings.Contains(string(frames[0]), "epoch-changed") {
		t.Fatalf("another epoch: %q", frames)
	}
}

func TestPendingInvAnnouncementsAreBounded(t *testing.T) {
	ours, theirs := net.Pipe()
	defer ours.Close()
	go func() { _, _ = io.Copy(io.Discard, theirs) }() // the peer reads our getheaders
	chain, _ := NewChain(networks["regtest"])
	u := &Upstream{network: networks["regtest"], chain: chain, log: quietLogger(), lead: newAnnounceLead()}
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
