package main

import (
	"errors"
	"fmt"
	"time"
)

const (
	// silenceAfter: a getheaders unanswered this long either means the peer had nothing to add (some
	// implementations stay silent on a locator at their tip) or that it stalled; either way we act.
	silenceAfter = 3 * time.Second
	// defaultSyncRetry: a peer whose whole chain is below minimum work is still syncing itself (Core
	// in IBD answers getheaders with an empty headers); it is asked again on this slow timer
	// (UPSTREAM_SYNC_RETRY_MS) and when it announces, never punished.
	defaultSyncRetry = 60 * time.Second
	// resyncGap: a peer this many blocks ahead at handshake means we missed history.
	resyncGap = 6
	// maxAnnounced: a live announcement is a block or two; past this a headers message is catch-up.
	maxAnnounced = 8
)

// syncState is one session's part in header sync, as Bitcoin Core keeps it per peer: one getheaders
// in flight, the best height the peer is known to have, and the competing branch it is sending.
type syncState struct {
	inFlightSince    time.Time // zero: nothing in flight
	startHeight      int
	bestKnown        int
	announcedUnknown bool
	upstreamSyncing  bool      // the peer is still in its own initial sync: kept, asked again later
	lastAskAt        time.Time // the last getheaders sent
	branch           Branch
	presync          *presync // a chain below the minimum work being checked before it is stored
}

// request sends a getheaders from our tip (the branch's, while one is arriving), unless one is
// already out to this peer: the single rule that keeps a 925k sync at one request per 2,000 headers.
func (s *session) request(ahead ...[32]byte) error {
	s.syncMu.Lock()
	if !s.sync.inFlightSince.IsZero() {
		s.syncMu.Unlock()
		return nil
	}
	s.sync.inFlightSince = time.Now()
	s.sync.lastAskAt = s.sync.inFlightSince
	if s.sync.branch.Len() > 0 {
		ahead = append(ahead, s.sync.branch.tipHash())
	}
	locator := s.u.chain.Locator(ahead...)
	s.syncMu.Unlock()
	s.u.getheadersSent.Add(1)
	return s.send("getheaders", EncodeGetHeaders(locator))
}

// attach runs after the handshake: decide "synced" from the peer's start height where we can.
func (s *session) attach(startHeight int) error {
	u := s.u
	s.syncMu.Lock()
	s.sync.startHeight, s.sync.bestKnown = startHeight, startHeight
	s.syncMu.Unlock()
	u.chain.Reserve(startHeight)
	height := u.chain.Height()
	switch {
	case height >= startHeight && height > 0:
		// A restart on a stored tip the peer also has: live now, not at the next block.
		u.markSynced("peer start height reached", s.addr)
	case u.Synced() && startHeight > height+resyncGap:
		u.synced.Store(false)
		u.log.Info("behind peer, syncing headers again", F("height", height), F("peerHeight", startHeight), F("peer", s.addr))
	}
	return s.request()
}

func (s *session) onInv(payload []byte, receivedAt float64) error {
	blocks, err := DecodeInvBlocks(payload)
	if err != nil {
		return err
	}
	unknown := false
	synced := s.u.Synced()
	for _, h := range blocks {
		if s.u.chain.Has(h) {
			if synced {
				// A later copy of a block we have: this peer's lag behind the first announcer.
				s.u.lead.announced(s.addr, HashHex(h), receivedAt)
			}
		} else {
			unknown = true
			if len(s.invAt) < maxPendingInv {
				s.invAt[h] = receivedAt
			}
		}
	}
	if !unknown {
		return nil
	}
	s.syncMu.Lock()
	s.sync.announcedUnknown = true
	s.syncMu.Unlock()
	return s.request()
}

func (s *session) onHeaders(payload []byte, receivedAt float64) error {
	u := s.u
	headers, err := DecodeHeaders(payload)
	if err != nil {
		return err
	}
	s.syncMu.Lock()
	answering := !s.sync.inFlightSince.IsZero()
	s.syncMu.Unlock()
	if len(headers) == 0 {
		if answering {
			s.syncMu.Lock()
			ps := s.sync.presync
			s.syncMu.Unlock()
			if ps != nil {
				return s.presyncPeerEnded(ps) // a chain ending on a full reply's last header
			}
			s.caughtUp("peer has no more headers")
		}
		return nil
	}
	if !u.chain.HasMinimumWork() {
		if handled, err := s.presyncHeaders(headers, receivedAt, answering); handled {
			return err
		}
	}
	full := len(headers) == maxHeadersPerMsg
	// A full reply that connects: ask for the next one now, from its last header, so the peer serves
	// it while we validate and store this one. Still one getheaders in flight: this reply has come.
	pipelined := false
	if answering && full && s.connects(headers[0].Prev) {
		s.syncMu.Lock()
		s.sync.inFlightSince = time.Time{}
		s.syncMu.Unlock()
		if err := s.request(headers[len(headers)-1].Hash); err != nil {
			return err
		}
		pipelined = true
	}
	// Blocks of the catch-up that makes us synced are history, not news: not streamed.
	wasSynced := u.Synced()
	if u.Synced() && !answering && len(headers) <= maxAnnounced {
		for _, h := range headers {
			if u.chain.Has(h.Hash) {
				u.lead.announced(s.addr, HashHex(h.Hash), receivedAt)
			}
		}
	}
	tipBefore := u.chain.Height()
	s.syncMu.Lock()
	res, err := u.chain.Connect(headers, &s.sync.branch)
	s.syncMu.Unlock()
	var rule *RuleError
	switch {
	case errors.Is(err, ErrUnconnecting):
		// During catch-up this is the peer announcing its new tip: note it; the reply in flight (or
		// the one sent now if none is) brings us there.
		if s.unconnected++; s.unconnected > maxUnconnecting {
			return fmt.Errorf("UNCONNECTING: %d headers messages that do not connect", s.unconnected)
		}
		s.syncMu.Lock()
		s.sync.announcedUnknown = true
		s.syncMu.Unlock()
		return s.request()
	case errors.As(err, &rule) && !rule.Misbehaving:
		// Too far in the future for our clock: rejected, as Core does, without blaming the peer (our
		// clock may be the one that is wrong). Asked again on the silence timer.
		u.log.Warn("headers rejected", F("peer", s.addr), F("code", rule.Code), F("reason", rule.Detail))
		return nil
	case err != nil:
		return err
	}
	s.unconnected = 0
	if len(res.Added) > 0 {
		s.upstreamSynced()
	}
	s.syncMu.Lock()
	if answering && !pipelined {
		s.sync.inFlightSince = time.Time{}
	}
	height := u.chain.Height()
	if height > s.sync.bestKnown {
		s.sync.bestKnown = height
	}
	branchLen := s.sync.branch.Len()
	if res.Pending && !full {
		// The peer has nothing more and its branch is lighter than ours: forget it.
		s.sync.branch.entries = nil
		branchLen = 0
	}
	s.syncMu.Unlock()
	u.setBranch(s.i, branchLen)
	if len(res.Added) > 0 {
		extendsTip := !answering && len(res.Disconnected) == 0 && res.Added[0].Height == tipBefore+1
		if !u.Synced() && extendsTip && u.chain.HasMinimumWork() {
			u.markSynced("announcement extends our tip", s.addr)
		}
		if !u.Synced() {
			u.noteCatchUp(len(res.Added))
		}
		if st := s.sync.startHeight; !u.Synced() && st > 0 && height >= st {
			u.markSynced("peer start height reached", s.addr)
		}
		last := res.Added[len(res.Added)-1].Header.Hash
		if at, ok := s.invAt[last]; ok {
			receivedAt = at
		}
		live := (wasSynced || (extendsTip && u.Synced())) && (!full || len(res.Disconnected) > 0)
		for _, t := range res.Added {
			at, ok := s.invAt[t.Header.Hash]
			if !ok {
				at = receivedAt
			}
			delete(s.invAt, t.Header.Hash)
			if live {
				u.lead.announced(s.addr, HashHex(t.Header.Hash), at)
			}
		}
		u.onTips(res, receivedAt, live, s.addr)
	}
	if pipelined {
		return nil // the next getheaders is out already
	}
	if full {
		// From this reply's last header, as Core does: the peer continues exactly there, even when
		// every header in it was one we had (a locator point far below a fork).
		return s.request(headers[len(headers)-1].Hash)
	}
	if answering {
		s.caughtUp("short headers reply")
	}
	return nil
}

// connects: headers building on prev extend our best chain or the branch this peer is sending.
func (s *session) connects(prev [32]byte) bool {
	if s.u.chain.Has(prev) {
		return true
	}
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	return s.sync.branch.Len() > 0 && s.sync.branch.tipHash() == prev
}

// upstreamSynced: a peer that was waiting on its own sync serves us again (it sent headers, or its
// chain reached the minimum work): an ordinary ready peer.
func (s *session) upstreamSynced() {
	s.syncMu.Lock()
	was := s.sync.upstreamSyncing
	s.sync.upstreamSyncing = false
	s.syncMu.Unlock()
	if was {
		s.u.setWaiting(s.i, -1)
		s.u.update(s.i, func(p *PeerInfo) { p.State = "ready" })
	}
}

// caughtUp: the peer has sent all it has. Synced, unless its chain is below minimum work.
func (s *session) caughtUp(why string) {
	u := s.u
	s.syncMu.Lock()
	s.sync.inFlightSince = time.Time{}
	s.sync.announcedUnknown = false
	if h := u.chain.Height(); h > s.sync.bestKnown {
		s.sync.bestKnown = h
	}
	wasWaiting := s.sync.upstreamSyncing
	best, peerHeight := s.sync.bestKnown, s.sync.startHeight
	s.syncMu.Unlock()
	if wasWaiting && u.chain.HasMinimumWork() {
		s.upstreamSynced()
	}
	if u.Synced() {
		return
	}
	if !u.chain.HasMinimumWork() {
		// Core answers so while in its initial block download: not misbehaving. Keep the connection,
		// show the peer as syncing and ask again on the slow timer or when it announces.
		s.syncMu.Lock()
		s.sync.upstreamSyncing = true
		s.syncMu.Unlock()
		if !wasWaiting {
			u.log.Info("upstream node is still syncing its own chain; waiting for it",
				F("peer", s.addr), F("peerHeight", peerHeight), F("height", u.chain.Height()))
		}
		u.setWaiting(s.i, best)
		u.update(s.i, func(p *PeerInfo) { p.State = fmt.Sprintf("syncing (height %d)", best) })
		return
	}
	u.markSynced(why, s.addr)
}

// tick runs every 250 ms per session: a silent peer at our height is caught up; a stalled request
// is sent again; a low-work peer is asked again on its slow timer.
func (s *session) tick(now time.Time) error {
	s.syncMu.Lock()
	st := &s.sync
	if st.upstreamSyncing && st.inFlightSince.IsZero() && now.Sub(st.lastAskAt) >= s.u.retryAfter() {
		s.syncMu.Unlock()
		return s.request()
	}
	if st.inFlightSince.IsZero() || now.Sub(st.inFlightSince) < silenceAfter {
		s.syncMu.Unlock()
		return nil
	}
	quiet := s.u.chain.Height() >= st.bestKnown && !st.announcedUnknown
	waited := now.Sub(st.inFlightSince)
	st.inFlightSince = time.Time{}
	s.syncMu.Unlock()
	s.endPresync() // asked again from our tip: a presync starts over from there
	if quiet {
		// Some implementations never answer a getheaders whose locator is already their tip.
		s.caughtUp("getheaders unanswered with our tip at the peer height")
		return nil
	}
	s.u.log.Warn("getheaders unanswered", F("peer", s.addr), F("waitedMs", waited.Milliseconds()),
		F("height", s.u.chain.Height()), F("peerHeight", st.bestKnown))
	return s.request()
}

// presyncHeaders routes headers while our chain is below the minimum chain work: a reply extending
// our tip, or continuing a presync, goes through the presync and is stored only once its work is
// shown (see presync.go); an unsolicited announcement is not stored, only followed by a request.
// False: not a presync matter, connect as usual.
func (s *session) presyncHeaders(headers []Header, receivedAt float64, answering bool) (bool, error) {
	u := s.u
	s.syncMu.Lock()
	ps := s.sync.presync
	s.syncMu.Unlock()
	if !answering {
		if ps == nil && headers[0].Prev != u.chain.Tip().Header.Hash {
			return false, nil // not extending our tip: the usual unconnecting path asks for it
		}
		s.syncMu.Lock()
		s.sync.announcedUnknown = true
		s.syncMu.Unlock()
		return true, s.request()
	}
	if ps == nil {
		tip := u.chain.Tip()
		if headers[0].Prev != tip.Header.Hash {
			return false, nil
		}
		var err error
		if ps, err = newPresync(u.chain.params, u.chain.powLimitBits, tip, u.chain.TipWork(), time.Now().Unix()); err != nil {
			return true, err
		}
		s.syncMu.Lock()
		s.sync.presync = ps
		s.syncMu.Unlock()
		u.log.Info("presync: checking the chain's work before storing it", F("peer", s.addr), F("from", tip.Height))
	}
	return true, s.onPresync(ps, headers, receivedAt)
}

func (s *session) onPresync(ps *presync, headers []Header, receivedAt float64) error {
	u := s.u
	full := len(headers) == maxHeadersPerMsg
	last := headers[len(headers)-1].Hash
	s.syncMu.Lock()
	s.sync.inFlightSince = time.Time{}
	s.syncMu.Unlock()
	if !ps.redownload {
		done, err := ps.first(headers)
		if err != nil {
			s.endPresync()
			return err
		}
		s.syncMu.Lock()
		if ps.presyncHeight > s.sync.bestKnown {
			s.sync.bestKnown = ps.presyncHeight
		}
		s.syncMu.Unlock()
		switch {
		case done:
			u.log.Info("presync: the chain carries the minimum work; downloading it again to store it",
				F("peer", s.addr), F("height", ps.presyncHeight))
			u.update(s.i, func(p *PeerInfo) { p.State = fmt.Sprintf("presync (height %d, redownload)", ps.presyncHeight) })
			return s.request() // from our tip, where the presync started
		case full:
			u.update(s.i, func(p *PeerInfo) { p.State = fmt.Sprintf("presync (height %d, presync)", ps.presyncHeight) })
			return s.request(last)
		}
		return s.presyncPeerEnded(ps)
	}
	release, err := ps.second(headers)
	if err != nil {
		s.endPresync()
		return err
	}
	if len(release) > 0 {
		res, err := u.chain.Connect(release, nil)
		if err != nil {
			s.endPresync()
			return err
		}
		if len(res.Added) > 0 {
			u.noteCatchUp(len(res.Added))
			u.onTips(res, receivedAt, false, s.addr)
		}
	}
	if ps.reached {
		s.endPresync()
		if full {
			return s.request(last)
		}
		s.caughtUp("short headers reply")
		return nil
	}
	if full {
		return s.request(last)
	}
	return s.presyncPeerEnded(ps)
}

// presyncPeerEnded: the peer has sent all it has before its chain showed the work.
func (s *session) presyncPeerEnded(ps *presync) error {
	s.endPresync()
	if ps.redownload {
		return fmt.Errorf("PRESYNC_SHORT: the second download ended at height %d, below the work the first showed", ps.height)
	}
	// Nothing stored. Most likely the node is still in its own initial sync (or it is a low-work
	// chain): waited for and asked again later, not punished.
	s.u.log.Info("presync: the peer's chain ends below the minimum chain work; nothing stored",
		F("peer", s.addr), F("height", ps.presyncHeight))
	s.caughtUp("peer chain below the minimum chain work")
	return nil
}

// endPresync forgets a presync in progress (done, failed, or started over).
func (s *session) endPresync() {
	s.syncMu.Lock()
	had := s.sync.presync != nil
	s.sync.presync = nil
	s.syncMu.Unlock()
	if had {
		s.u.update(s.i, func(p *PeerInfo) {
			if p.State != "connecting" && p.State != "disconnected" {
				p.State = "ready"
			}
		})
	}
}
