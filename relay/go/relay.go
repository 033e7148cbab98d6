package main

import (
	"encoding/hex"
	"encoding/json"
	"math/big"
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
	Peer       string  `json:"peer,omitempty"`
}

// streamBlock is the stream's block event (shared/relay-stream.ts StreamBlock): the announcement
// with its place in the sequence.
type streamBlock struct {
	Type  string `json:"type"`
	Seq   uint64 `json:"seq"`
	Epoch string `json:"epoch"`
	Announcement
}

// streamReorg is the stream's reorg event, sent before the new branch's blocks.
type streamReorg struct {
	Type         string     `json:"type"`
	Seq          uint64     `json:"seq"`
	Epoch        string     `json:"epoch"`
	Network      string     `json:"network"`
	Depth        int        `json:"depth"`
	Disconnected []BlockRef `json:"disconnected"`
	Fork         BlockRef   `json:"fork"`
	OldTip       BlockRef   `json:"oldTip"`
	NewTip       BlockRef   `json:"newTip"`
	RelayedAt    float64    `json:"relayedAt"`
}

type latest struct {
	payload Announcement
	body    []byte // encoded once per block
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
	apiRequests  *LabelledCounter
	reorgDepth   *Histogram
	publishMu    sync.Mutex // one headers message's events stay together in the stream
}

// NewRelay builds the relay; nothing listens or dials until Start.
func NewRelay(cfg *Config, log *Logger, knobs map[string]KnobReport) (*Relay, error) {
	chain, err := NewChain(cfg.Network)
	if err != nil {
		return nil, err
	}
	r := &Relay{cfg: cfg, log: log, chain: chain, knobs: knobs, startedAt: time.Now(),
		relayLatency: NewHistogram(latencyBuckets), apiLatency: NewHistogram(latencyBuckets),
		reorgDepth: NewHistogram(reorgDepthBuckets), apiRequests: NewLabelledCounter(maxRequestSeries),
		limiter: NewRateLimiter(cfg.Tier.PerSecond, cfg.Tier.Burst, cfg.APIKeys)}
	r.hub = NewHub(log, r.tipRef)
	r.upstream = NewUpstream(cfg, chain, log, r.onTips)
	r.upstream.onSynced = r.publishTipIfNone
	return r, nil
}

// Ready is the contract's /ready: listening, caught up with a peer, a peer connected to stream from,
// and no competing branch still arriving (it may carry more work than the tip we would serve).
func (r *Relay) Ready() bool {
	return r.listening.Load() && r.upstream.Synced() && r.upstream.ReadyPeers() > 0 && !r.upstream.BranchPending()
}

func (r *Relay) tipRef() *BlockRef {
	t := r.chain.Tip()
	return &BlockRef{t.Height, HashHex(t.Header.Hash)}
}

// publishTipIfNone: after a restart the stored tip becomes /latest once sync confirms it is the tip.
func (r *Relay) publishTipIfNone() {
	r.mu.RLock()
	none := r.latest == nil
	r.mu.RUnlock()
	if t := r.chain.Tip(); none && t.Height > 0 {
		a := r.announcement(t, nowMs())
		a.RelayedAt = a.ReceivedAt
		body, _ := json.Marshal(a)
		r.setLatest(a, body)
	}
}

func (r *Relay) announcement(t Tip, receivedAt float64) Announcement {
	return Announcement{Height: t.Height, Hash: HashHex(t.Header.Hash), Header: hex.EncodeToString(t.Header.Raw[:]),
		ReceivedAt: receivedAt, Network: r.cfg.Network.Name}
}

// setLatest keeps the body encoded once per block: /v1/btc/latest then writes it as is, with no
// allocation of its own per request (under GC off, every byte a request allocates is memory held
// until the collector runs near GOMEMLIMIT).
func (r *Relay) setLatest(a Announcement, body []byte) {
	entry := &latest{payload: a, body: body}
	r.mu.Lock()
	r.latest = entry
	r.mu.Unlock()
}

// onTips: during catch-up the tip becomes /latest without being streamed (subscribers asked for new
// blocks, not a replay); live changes are streamed: a reorg event naming every disconnected block
// first, then the new branch's blocks in height order.
func (r *Relay) onTips(res ConnectResult, receivedAt float64, live bool, peer string) {
	defer r.persist(res.Added[0].Height)
	if len(res.Disconnected) > 0 {
		r.noteReorg(res, peer)
	}
	if !live {
		a := r.announcement(res.Added[len(res.Added)-1], receivedAt)
		a.RelayedAt = nowMs()
		body, _ := json.Marshal(a)
		r.setLatest(a, body)
		return
	}
	r.publishMu.Lock()
	defer r.publishMu.Unlock()
	if len(res.Disconnected) > 0 {
		r.publishReorg(res)
	}
	for _, t := range res.Added {
		a := r.announcement(t, receivedAt)
		a.Peer = peer
		a.RelayedAt = nowMs()
		r.hub.Publish(func(seq uint64, epoch string) []byte {
			body, _ := json.Marshal(streamBlock{"block", seq, epoch, a})
			return body
		})
		body, _ := json.Marshal(a)
		r.setLatest(a, body)
		latencyMs := a.RelayedAt - a.ReceivedAt
		r.relayLatency.Observe(latencyMs / 1000)
		ws, sse := r.hub.Counts()
		r.log.Info("block relayed", F("height", a.Height), F("hash", a.Hash), F("peer", peer),
			F("latencyMs", round3(latencyMs)), F("clients", map[string]int{"ws": ws, "sse": sse}))
	}
}

func blockRef(t Tip) BlockRef { return BlockRef{t.Height, HashHex(t.Header.Hash)} }

func (r *Relay) noteReorg(res ConnectResult, peer string) {
	depth := len(res.Disconnected)
	r.reorgDepth.Observe(float64(depth))
	oldTip, newTip := res.Disconnected[0], res.Added[len(res.Added)-1]
	r.log.Warn("reorg", F("depth", depth), F("oldTip", blockRef(oldTip)), F("newTip", blockRef(newTip)),
		F("forkHeight", oldTip.Height-depth), F("peer", peer))
}

func (r *Relay) publishReorg(res ConnectResult) {
	depth := len(res.Disconnected)
	gone := make([]BlockRef, depth)
	for i, t := range res.Disconnected {
		gone[i] = blockRef(t)
	}
	m := streamReorg{Type: "reorg", Network: r.cfg.Network.Name, Depth: depth, Disconnected: gone,
		Fork:   BlockRef{res.Disconnected[0].Height - depth, HashHex(res.Added[0].Header.Prev)},
		OldTip: gone[0], NewTip: blockRef(res.Added[len(res.Added)-1]), RelayedAt: nowMs()}
	r.hub.Publish(func(seq uint64, epoch string) []byte {
		m.Seq, m.Epoch = seq, epoch
		body, _ := json.Marshal(m)
		return body
	})
}

// OpenStore replays DATA_DIR's headers into the chain before the upstream starts.
func (r *Relay) OpenStore() {
	if r.cfg.DataDir == "" {
		return
	}
	started := time.Now()
	store, loaded, err := OpenHeaderStore(r.cfg.DataDir, r.chain, r.cfg.Network.Name)
	if err != nil {
		r.log.Warn("header store unavailable; keeping headers in memory only", F("dataDir", r.cfg.DataDir), F("error", err.Error()))
		return
	}
	r.store = store
	r.log.Info("header store loaded", F("dataDir", r.cfg.DataDir), F("height", loaded),
		F("ms", time.Since(started).Milliseconds()))
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

// HeaderRecord is one best-chain header as the header endpoints answer it (shared/relay-stream.ts).
type HeaderRecord struct {
	Height    int    `json:"height"`
	Hash      string `json:"hash"`
	Header    string `json:"header"`
	PrevHash  string `json:"prevHash"`
	Time      uint32 `json:"time"`
	Bits      uint32 `json:"bits"`
	Chainwork string `json:"chainwork"`
}

func recordOf(height int, e *chainEntry) HeaderRecord {
	h := e.header()
	return HeaderRecord{height, HashHex(h.Hash), hex.EncodeToString(e.raw[:]), HashHex(h.Prev), h.Time, h.Bits,
		new(big.Int).SetBytes(e.work[:]).Text(16)}
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
	info := map[string]interface{}{"state": state, "height": height, "targetHeight": target,
		"progress": round3(progress), "headersPerSecond": round3(rate), "etaSeconds": eta}
	if upstreamHeight, waiting := r.upstream.WaitingOnUpstream(); state != "synced" && waiting {
		// Every upstream node is itself still in its initial sync: no rate, no estimate.
		info["state"], info["upstreamHeight"], info["headersPerSecond"], info["etaSeconds"] = "waiting-upstream", upstreamHeight, 0.0, nil
	}
	return info
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
