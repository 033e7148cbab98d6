package main

import (
	"strings"
	"sync"
)

const (
	maxPeerLabels      = 32 // peer labels are configured addresses; the cap guards a misconfiguration
	maxReasonLabels    = 64
	maxAnnouncedBlocks = 64 // blocks whose first announcement time is remembered
	maxRequestSeries   = 64 // route x code pairs; routes are fixed, codes few
)

// announceLead measures how far behind the first announcer each peer announced a block (the
// TypeScript relay's bitcoin_sprint_peer_announce_lead_seconds), over the last few blocks only.
type announceLead struct {
	mu     sync.Mutex
	first  map[string]float64 // block hash -> first announcement (ms)
	order  []string
	seen   map[string]map[string]bool // block hash -> peers counted
	byPeer map[string]*Histogram
	peers  []string
}

func newAnnounceLead() *announceLead {
	return &announceLead{first: map[string]float64{}, seen: map[string]map[string]bool{}, byPeer: map[string]*Histogram{}}
}

// announced notes that peer announced hash at atMs; each peer counts once per block.
func (a *announceLead) announced(peer, hash string, atMs float64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	first, ok := a.first[hash]
	if !ok {
		first = atMs
		a.first[hash] = atMs
		a.seen[hash] = map[string]bool{}
		a.order = append(a.order, hash)
		if len(a.order) > maxAnnouncedBlocks {
			delete(a.first, a.order[0])
			delete(a.seen, a.order[0])
			a.order = a.order[1:]
		}
	}
	if a.seen[hash][peer] {
		return
	}
	a.seen[hash][peer] = true
	lead := atMs - first
	if lead < 0 {
		lead = 0
	}
	h := a.byPeer[peer]
	if h == nil {
		if len(a.peers) >= maxPeerLabels {
			peer = "other"
			if h = a.byPeer[peer]; h == nil {
				h = NewHistogram(announceLeadBuckets)
				a.byPeer[peer] = h
			}
		} else {
			h = NewHistogram(announceLeadBuckets)
			a.byPeer[peer] = h
			a.peers = append(a.peers, peer)
		}
	}
	h.Observe(lead / 1000)
}

func (u *Upstream) writeAnnounceLead(b *strings.Builder) {
	a := u.lead
	name := "bitcoin_sprint_peer_announce_lead_seconds"
	b.WriteString("# HELP " + name + " How far behind the first announcer this peer announced a block (0 when it was first)\n# TYPE " + name + " histogram\n")
	a.mu.Lock()
	peers := append([]string(nil), a.peers...)
	if a.byPeer["other"] != nil {
		peers = append(peers, "other")
	}
	hists := make([]*Histogram, len(peers))
	for i, p := range peers {
		hists[i] = a.byPeer[p]
	}
	a.mu.Unlock()
	for i, p := range peers {
		hists[i].samples(b, name, `peer="`+labelValue(p)+`"`)
	}
}
