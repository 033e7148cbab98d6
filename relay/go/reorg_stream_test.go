package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

// streamedEvent is the part of a stream event (block or reorg) these tests judge.
type streamedEvent struct {
	Type         string     `json:"type"`
	Seq          uint64     `json:"seq"`
	Height       int        `json:"height"`
	Hash         string     `json:"hash"`
	Depth        int        `json:"depth"`
	Disconnected []BlockRef `json:"disconnected"`
	Fork         BlockRef   `json:"fork"`
	OldTip       BlockRef   `json:"oldTip"`
	NewTip       BlockRef   `json:"newTip"`
}

// streamed reads every event the hub has published, oldest first, as a client resuming from 0 would.
func streamed(t *testing.T, h *Hub) []streamedEvent {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]streamedEvent, 0, len(h.ring))
	for _, e := range h.ring {
		body := e.sse[bytes.Index(e.sse, []byte("data: "))+len("data: "):]
		var ev streamedEvent
		if err := json.Unmarshal(bytes.TrimSpace(body), &ev); err != nil {
			t.Fatalf("event %d is not JSON: %v", e.seq, err)
		}
		out = append(out, ev)
	}
	return out
}

// relayedSession is a session whose tip changes go through a real Relay into a real Hub.
func relayedSession(t *testing.T) (*session, *fakePeer, *Relay) {
	t.Helper()
	s, peer := testSession(t, "regtest")
	r := &Relay{cfg: &Config{Network: networks["regtest"]}, log: quietLogger(), chain: s.u.chain, upstream: s.u,
		hub: testHub(), relayLatency: NewHistogram(latencyBuckets), reorgDepth: NewHistogram(reorgDepthBuckets)}
	s.u.onTips = r.onTips
	return s, peer, r
}

// syncedOn makes the session's relay synced on chain (a getheaders answered with all of it, short).
func syncedOn(t *testing.T, s *session, chain []Header) {
	t.Helper()
	if err := s.request(); err != nil {
		t.Fatal(err)
	}
	if err := s.onHeaders(headersPayload(chain), 1); err != nil {
		t.Fatal(err)
	}
	if !s.u.Synced() || s.u.chain.Tip().Header.Hash != chain[len(chain)-1].Hash {
		t.Fatalf("not synced on the first chain: synced %v at %d", s.u.Synced(), s.u.chain.Height())
	}
}

// wantReorgThenBranch: one reorg event naming every block of old (tip first) from fork, then every
// header of branch as a block event in height order from fork+1, seq unbroken from 1.
func wantReorgThenBranch(t *testing.T, got []streamedEvent, old, branch []Header, fork int) {
	t.Helper()
	if len(got) != 1+len(branch) {
		t.Fatalf("%d events, want a reorg and %d blocks: %+v", len(got), len(branch), got)
	}
	reorg := got[0]
	if reorg.Type != "reorg" || reorg.Depth != len(old) || len(reorg.Disconnected) != len(old) {
		t.Fatalf("first event %+v, want a reorg of depth %d", reorg, len(old))
	}
	for i, d := range reorg.Disconnected {
		want := old[len(old)-1-i]
		if d.Hash != HashHex(want.Hash) || d.Height != fork+len(old)-i {
			t.Fatalf("disconnected[%d] = %+v, want %s at %d (tip first)", i, d, HashHex(want.Hash), fork+len(old)-i)
		}
	}
	// The new tip is the branch's tip when it overtook (later blocks may extend it afterwards).
	newTip := reorg.NewTip.Height - fork - 1
	if reorg.Fork.Height != fork || reorg.OldTip.Hash != HashHex(old[len(old)-1].Hash) ||
		newTip < 0 || newTip >= len(branch) || reorg.NewTip.Hash != HashHex(branch[newTip].Hash) {
		t.Fatalf("reorg edges %+v", reorg)
	}
	for i, b := range branch {
		ev := got[1+i]
		if ev.Type != "block" || ev.Height != fork+1+i || ev.Hash != HashHex(b.Hash) {
			t.Fatalf("event %d = %s %d %s, want block %d %s", 1+i, ev.Type, ev.Height, ev.Hash, fork+1+i, HashHex(b.Hash))
		}
	}
	for i, ev := range got {
		if ev.Seq != uint64(i+1) {
			t.Fatalf("event %d has seq %d", i, ev.Seq)
		}
	}
}

// After the relay is synced on one peer's chain, another peer's branch from genesis overtakes it.
// However the branch arrives (one header per announcement as a sendheaders peer sends them, the
// getheaders those trigger, one unsolicited batch), subscribers get the reorg naming every
// disconnected block before the branch, and every branch block in height order: none is treated as
// catch-up history because the relay was synced when the branch began.
func TestABranchThatOvertakesAfterSyncIsStreamedWithItsReorg(t *testing.T) {
	cases := []struct {
		name string
		// deliver sends branch b to the session as the peer would.
		deliver func(t *testing.T, s *session, r *Relay, b []Header)
	}{
		{"announced one by one, each gap fetched by getheaders", func(t *testing.T, s *session, r *Relay, b []Header) {
			announce := func(h Header, wantAsked uint64) {
				if err := s.onHeaders(headersPayload([]Header{h}), 1); err != nil {
					t.Fatal(err)
				}
				if n := s.u.getheadersSent.Load(); n != wantAsked {
					t.Fatalf("after announcing %s: %d getheaders, want %d", HashHex(h.Hash), n, wantAsked)
				}
			}
			answer := func(hs []Header) {
				if err := s.onHeaders(headersPayload(hs), 1); err != nil {
					t.Fatal(err)
				}
			}
			announce(b[0], 0) // lighter than ours: not adopted
			announce(b[1], 1) // its parent is unknown now: a getheaders goes out
			announce(b[2], 1) // still unconnecting, the request is already out
			answer(b[:3])     // equal work: not adopted, not streamed
			if s.u.chain.Tip().Header.Hash == b[2].Hash || len(streamed(t, r.hub)) != 0 {
				t.Fatal("a branch of equal work was adopted or streamed")
			}
			announce(b[3], 2) // the block that tips it: unconnecting again, a new getheaders
			answer(b[:4])     // the reorg
			announce(b[4], 2) // extends the new tip
		}},
		{"answered in one getheaders reply", func(t *testing.T, s *session, r *Relay, b []Header) {
			if err := s.onHeaders(headersPayload(b[3:4]), 1); err != nil || s.u.getheadersSent.Load() != 1 {
				t.Fatalf("an unconnecting announcement: %v, %d getheaders", err, s.u.getheadersSent.Load())
			}
			if err := s.onHeaders(headersPayload(b), 1); err != nil {
				t.Fatal(err)
			}
		}},
		{"announced in one unsolicited headers message", func(t *testing.T, s *session, r *Relay, b []Header) {
			if err := s.onHeaders(headersPayload(b), 1); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _, r := relayedSession(t)
			genesis := s.u.chain.Tip().Header
			a := mineRegtest(t, genesis, 3, 1)
			syncedOn(t, s, a)
			if got := streamed(t, r.hub); len(got) != 0 {
				t.Fatalf("the catch-up to A's tip was streamed: %+v", got)
			}
			s.u.getheadersSent.Store(0)
			b := mineRegtest(t, genesis, 5, 2)
			c.deliver(t, s, r, b)
			if s.u.chain.Tip().Header.Hash != b[4].Hash {
				t.Fatalf("tip at %d is not B's", s.u.chain.Height())
			}
			wantReorgThenBranch(t, streamed(t, r.hub), a, b, 0)
			var latest Announcement
			if err := json.Unmarshal(r.Latest(), &latest); err != nil || latest.Hash != HashHex(b[4].Hash) {
				t.Fatalf("/latest %s (%v), want B's tip", r.Latest(), err)
			}
		})
	}
}

// A branch deeper than one reply, kept across full replies, overtakes after sync: the reorg names all
// 2,050 disconnected blocks and all 2,051 branch blocks follow it, though the first reply was full.
func TestADeepBranchAcrossFullRepliesAfterSyncIsStreamedWhole(t *testing.T) {
	s, _, r := relayedSession(t)
	main := mineRegtest(t, s.u.chain.Tip().Header, 2100, 1)
	if err := s.request(); err != nil {
		t.Fatal(err)
	}
	for _, part := range [][]Header{main[:maxHeadersPerMsg], main[maxHeadersPerMsg:]} {
		if err := s.onHeaders(headersPayload(part), 1); err != nil {
			t.Fatal(err)
		}
	}
	if !s.u.Synced() || len(streamed(t, r.hub)) != 0 {
		t.Fatal("not synced on the first chain, or its catch-up was streamed")
	}
	fork := mineRegtest(t, main[49], 2100-49, 2) // heights 51..2101: one more than ours
	if err := s.request(); err != nil {
		t.Fatal(err)
	}
	if err := s.onHeaders(headersPayload(fork[:maxHeadersPerMsg]), 1); err != nil {
		t.Fatal(err)
	}
	if got := streamed(t, r.hub); len(got) != 0 {
		t.Fatalf("%d events while the branch was still lighter", len(got))
	}
	if err := s.onHeaders(headersPayload(fork[maxHeadersPerMsg:]), 1); err != nil {
		t.Fatal(err)
	}
	wantReorgThenBranch(t, streamed(t, r.hub), main[50:], fork, 50)
}
