package main

import (
	"encoding/hex"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"
)

const relayVersion = "0.1.0-go"

// Announcement is one block as /v1/btc/latest serves it and the streams push it (BlockAnnouncement
// in shared/relay-contract.ts, plus the network).
type Announcement struct {
	Height     int     `json:"height"`
	Hash       string  `json:"hash"`
	Header     string  `json:"header"`
	ReceivedAt float64 `json:"receivedAt"`
	RelayedAt  float64 `json:"relayedAt"`
	Network    string  `json:"network"`
}

type latest struct {
	payload Announcement
	body    []byte // encoded once per block with PREALLOC_BUFFERS; nil otherwise
}

// Relay ties the upstream, the header chain, the latest block and the stream hub together.
type Relay struct {
	cfg       *Config
	log       *Logger
	chain     *Chain
	upstream  *Upstream
	hub       *Hub
	store     *HeaderStore // nil without DATA_DIR
	storeErr  atomic.Bool  // a failed write is logged once, then the relay carries on in memory
	knobs     map[string]KnobReport
	limiter   *RateLimiter
	startedAt time.Time
	listening atomic.Bool

	mu     sync.RWMutex
	latest *latest

	relayLatency *Histogram
	apiLatency   *Histogram
	apiRequests  atomic.Uint64
}

// NewRelay builds the relay; nothing listens or dials until Start.
func NewRelay(cfg *Config, log *Logger, knobs map[string]KnobReport) (*Relay, error) {
	chain, err := NewChain(cfg.Network)
	if err != nil {
		return nil, err
	}
	r := &Relay{cfg: cfg, log: log, chain: chain, hub: NewHub(log), knobs: knobs, startedAt: time.Now(),
		relayLatency: NewHistogram(), apiLatency: NewHistogram(),
		limiter: NewRateLimiter(cfg.Tier.PerSecond, cfg.Tier.Burst, cfg.APIKeys)}
	r.upstream = NewUpstream(cfg, chain, log, r.onTips)
	return r, nil
}

// Ready is the contract's /ready: listening, caught up with a peer, and a peer connected to stream from.
func (r *Relay) Ready() bool {
	return r.listening.Load() && r.upstream.Synced() && r.upstream.ReadyPeers() > 0
}

func (r *Relay) announcement(t Tip, receivedAt float64) Announcement {
	return Announcement{Height: t.Height, Hash: HashHex(t.Header.Hash), Header: hex.EncodeToString(t.Header.Raw[:]),
		ReceivedAt: receivedAt, Network: r.cfg.Network.Name}
}

func (r *Relay) setLatest(a Announcement, body []byte) {
	entry := &latest{payload: a}
	if r.cfg.Prealloc {
		entry.body = body
	}
	r.mu.Lock()
	r.latest = entry
	r.mu.Unlock()
}

// onTips: during catch-up the tip becomes /latest without being pushed (subscribers asked for new
// blocks, not a replay); live blocks are pushed to every client, then published.
func (r *Relay) onTips(tips []Tip, receivedAt float64, live bool, peer string) {
	defer r.persist(tips[0].Height)
	if !live {
		a := r.announcement(tips[len(tips)-1], receivedAt)
		a.RelayedAt = nowMs()
		body, _ := json.Marshal(a)
		r.setLatest(a, body)
		return
	}
	for _, t := range tips {
		a := r.announcement(t, receivedAt)
		a.RelayedAt = nowMs()
		body, _ := json.Marshal(a)
		r.hub.Broadcast(body, a.Height)
		r.setLatest(a, body)
		latencyMs := a.RelayedAt - a.ReceivedAt
		r.relayLatency.Observe(latencyMs / 1000)
		ws, sse := r.hub.Counts()
		r.log.Info("block relayed", F("height", a.Height), F("hash", a.Hash), F("peer", peer),
			F("latencyMs", round3(latencyMs)), F("clients", map[string]int{"ws": ws, "sse": sse}))
	}
}

// OpenStore replays DATA_DIR's headers into the chain before the upstream starts.
func (r *Relay) OpenStore() {
	if r.cfg.DataDir == "" {
		return
	}
	store, loaded, err := OpenHeaderStore(r.cfg.DataDir, r.chain, r.cfg.Network.Name)
	if err != nil {
		r.log.Warn("header store unavailable; keeping headers in memory only", F("dataDir", r.cfg.DataDir), F("error", err.Error()))
		return
	}
	r.store = store
	r.log.Info("header store loaded", F("dataDir", r.cfg.DataDir), F("height", loaded))
}

func (r *Relay) persist(from int) {
	if r.store == nil {
		return
	}
	if err := r.store.Save(r.chain, from); err != nil && !r.storeErr.Swap(true) {
		r.log.Warn("header store write failed (logged once); the relay carries on from memory", F("error", err.Error()))
	}
}

// Latest is the body for /v1/btc/latest, or nil before the first block.
func (r *Relay) Latest() []byte {
	r.mu.RLock()
	entry := r.latest
	r.mu.RUnlock()
	if entry == nil {
		return nil
	}
	if entry.body != nil {
		return entry.body
	}
	body, _ := json.Marshal(entry.payload)
	return body
}

func (r *Relay) tip() interface{} {
	t := r.chain.Tip()
	if t.Height == 0 {
		return nil
	}
	return map[string]interface{}{"height": t.Height, "hash": HashHex(t.Header.Hash)}
}

func (r *Relay) upstreamState() string {
	switch {
	case r.upstream.ReadyPeers() > 0:
		return "ready"
	case r.listening.Load():
		return "connecting"
	}
	return "stopped"
}

// Sync is the agreed upstream.sync shape (state, height, targetHeight, progress, rate, eta).
func (r *Relay) Sync() map[string]interface{} {
	height, target := r.chain.Tip().Height, r.upstream.TargetHeight()
	state := "syncing"
	switch {
	case r.upstream.ReadyPeers() == 0:
		state = "connecting"
	case r.upstream.Synced():
		state = "synced"
	}
	progress, rate := 0.0, r.upstream.HeadersPerSecond()
	if target > 0 {
		progress = float64(height) / float64(target)
	} else if state == "synced" {
		progress = 1
	}
	if state != "synced" && progress >= 1 {
		progress = 0.999
	}
	var eta interface{}
	if state == "syncing" && rate > 0 {
		eta = round3(float64(target-height) / rate)
	}
	return map[string]interface{}{"state": state, "height": height, "targetHeight": target,
		"progress": round3(progress), "headersPerSecond": round3(rate), "etaSeconds": eta}
}

func (r *Relay) streamClients() map[string]int {
	ws, sse := r.hub.Counts()
	return map[string]int{"ws": ws, "sse": sse, "total": ws + sse}
}

// Status is /v1/btc/status.
func (r *Relay) Status() map[string]interface{} {
	return map[string]interface{}{
		"tier": r.cfg.Tier.Name, "network": r.cfg.Network.Name, "version": relayVersion,
		"uptimeSeconds": int(time.Since(r.startedAt).Seconds()), "upstream": r.upstreamState(),
		"peers": r.upstream.Peers(), "tip": r.tip(), "streamClients": r.streamClients(),
		"blocksRelayed": r.relayLatency.Count(), "sync": r.Sync(),
	}
}
