package main

import (
	"crypto/rand"
	"encoding/binary"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	dialTimeout      = 5 * time.Second
	handshakeTimeout = 10 * time.Second
	idleTimeout      = 90 * time.Second
	pingEvery        = 30 * time.Second
	backoffInitial   = 250 * time.Millisecond
	backoffCap       = 10 * time.Second
	maxUnconnecting  = 10 // Bitcoin Core's MAX_NUM_UNCONNECTING_HEADERS_MSGS
	maxPendingInv    = 1000
)

// PeerInfo is one upstream peer as /health and /v1/btc/status show it.
type PeerInfo struct {
	Address        string      `json:"address"`
	State          string      `json:"state"`
	Version        *int32      `json:"version"`
	UserAgent      *string     `json:"userAgent"`
	StartHeight    *int32      `json:"startHeight"`
	RTTMs          *float64    `json:"rttMs"`
	LastDisconnect *Disconnect `json:"lastDisconnect"`
	ReconnectInMs  *int64      `json:"reconnectInMs"`
}

// TipHandler receives what a headers message changed on the best chain; live is false during catch-up.
type TipHandler func(res ConnectResult, receivedAt float64, live bool, peer string)

// Upstream keeps one connection per configured node, reconnecting with capped backoff.
type Upstream struct {
	network    Network
	chain      *Chain
	log        *Logger
	onTips     TipHandler
	lockThread bool
	keepAlive  bool
	nonce      uint64

	mu        sync.Mutex
	peers     []*PeerInfo
	conns     map[net.Conn]bool
	stopped   bool
	synced    atomic.Bool
	target    atomic.Int64
	syncStart time.Time
	synchedAt int   // headers received while catching up, for headers/second
	branches  []int // per peer: headers of a competing branch still arriving
	waiting   []int // per peer: its height while it is in its own initial sync, else -1

	getheadersSent atomic.Uint64
	onSynced       func()
	clocks         peerClocks
	syncRetry      time.Duration // UPSTREAM_SYNC_RETRY_MS: asking again a node still in its own sync
	disconnects    *LabelledCounter
	lead           *announceLead
}

// NewUpstream prepares (but does not start) connections to nodes.
func NewUpstream(cfg *Config, chain *Chain, log *Logger, onTips TipHandler) *Upstream {
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	u := &Upstream{network: cfg.Network, chain: chain, log: log, onTips: onTips, lockThread: cfg.LockThread,
		keepAlive: cfg.OptimizeSys, nonce: binary.LittleEndian.Uint64(nonce[:]), conns: map[net.Conn]bool{}, syncRetry: cfg.UpstreamSyncRetry,
		disconnects: NewLabelledCounter(maxReasonLabels), lead: newAnnounceLead()}
	for _, n := range cfg.Nodes {
		u.peers = append(u.peers, &PeerInfo{Address: n, State: "connecting"})
	}
	u.branches = make([]int, len(u.peers))
	u.waiting = make([]int, len(u.peers))
	for i := range u.waiting {
		u.waiting[i] = -1
	}
	return u
}

// setWaiting notes peer i in its own initial sync at height, or (-1) serving us.
func (u *Upstream) setWaiting(i, height int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if i < len(u.waiting) {
		u.waiting[i] = height
	}
}

// WaitingOnUpstream: every connected peer is still in its own initial sync; the highest height
// among them (the TypeScript relay's waiting-upstream state).
func (u *Upstream) WaitingOnUpstream() (int, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	height, connected := -1, 0
	for i, p := range u.peers {
		if !strings.HasPrefix(p.State, "syncing") && p.State != "ready" {
			continue // not connected: it neither waits nor serves
		}
		connected++
		if i >= len(u.waiting) || u.waiting[i] < 0 {
			return 0, false
		}
		if u.waiting[i] > height {
			height = u.waiting[i]
		}
	}
	return height, connected > 0
}

func (u *Upstream) retryAfter() time.Duration {
	if u.syncRetry > 0 {
		return u.syncRetry
	}
	return defaultSyncRetry
}

func nowMs() float64 { return float64(time.Now().UnixNano()) / 1e6 }

// Start dials every node in its own goroutine.
func (u *Upstream) Start() {
	u.mu.Lock()
	u.syncStart = time.Now()
	u.mu.Unlock()
	for i := range u.peers {
		go u.run(i)
	}
}

// Stop closes every connection; the goroutines end at their next read.
func (u *Upstream) Stop() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.stopped = true
	for c := range u.conns {
		c.Close()
	}
}

// Peers is a snapshot for /health.
func (u *Upstream) Peers() []PeerInfo {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]PeerInfo, len(u.peers))
	for i, p := range u.peers {
		out[i] = *p
	}
	return out
}

// ReadyPeers counts peers past the handshake.
func (u *Upstream) ReadyPeers() int {
	n := 0
	for _, p := range u.Peers() {
		if p.State == "ready" {
			n++
		}
	}
	return n
}

// Synced: we have a peer's tip (its start height reached, a short or silent reply to getheaders, or
// an announcement that extends our tip) and the chain has the network's minimum work.
func (u *Upstream) Synced() bool { return u.synced.Load() }

// BranchPending: a peer is still sending a competing branch. It may carry more work than our tip
// once complete, so the relay does not call itself ready on the old tip meanwhile.
func (u *Upstream) BranchPending() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, n := range u.branches {
		if n > 0 {
			return true
		}
	}
	return false
}

func (u *Upstream) setBranch(i, n int) {
	u.mu.Lock()
	u.branches[i] = n
	u.mu.Unlock()
}

func (u *Upstream) markSynced(why, peer string) {
	if u.Synced() || !u.chain.HasMinimumWork() {
		return
	}
	if u.synced.Swap(true) {
		return
	}
	tip := u.chain.Tip()
	u.log.Info("headers synced", F("height", tip.Height), F("hash", HashHex(tip.Header.Hash)), F("why", why),
		F("peer", peer), F("getheaders", u.getheadersSent.Load()))
	if u.onSynced != nil {
		u.onSynced()
	}
}

func (u *Upstream) noteCatchUp(n int) {
	u.mu.Lock()
	u.synchedAt += n
	u.mu.Unlock()
}

// TargetHeight is the best height any peer claimed (its version start height) or we reached.
func (u *Upstream) TargetHeight() int {
	t := int(u.target.Load())
	if tip := u.chain.Tip().Height; tip > t {
		return tip
	}
	return t
}

// HeadersPerSecond while catching up since start.
func (u *Upstream) HeadersPerSecond() float64 {
	u.mu.Lock()
	defer u.mu.Unlock()
	elapsed := time.Since(u.syncStart).Seconds()
	if elapsed <= 0 {
		return 0
	}
	return float64(u.synchedAt) / elapsed
}

func (u *Upstream) update(i int, f func(p *PeerInfo)) {
	u.mu.Lock()
	defer u.mu.Unlock()
	f(u.peers[i])
}

func (u *Upstream) run(i int) {
	addr := u.peers[i].Address
	backoff := backoffInitial
	for {
		u.update(i, func(p *PeerInfo) { p.State = "connecting"; p.ReconnectInMs = nil })
		began := time.Now()
		reason := u.session(i, addr)
		u.mu.Lock()
		stopped := u.stopped
		u.mu.Unlock()
		if stopped {
			return
		}
		if time.Since(began) > time.Minute {
			backoff = backoffInitial
		}
		u.setBranch(i, 0)
		u.clocks.set(i, 0, false, u.log)
		u.setWaiting(i, -1)
		u.disconnects.Inc(`reason="`+labelValue(reason.Code)+`"`, `reason="other"`)
		wait := backoff.Milliseconds()
		u.update(i, func(p *PeerInfo) { p.State = "disconnected"; p.LastDisconnect = &reason; p.ReconnectInMs = &wait })
		if u.ReadyPeers() == 0 && u.synced.Swap(false) {
			// With no peer left the tip may be going stale: /latest answers 503 until a peer has
			// answered getheaders again, rather than serving a header that may be old.
			u.log.Warn("no upstream peer left; not synced until one answers", F("height", u.chain.Tip().Height))
		}
		u.log.Warn("upstream peer disconnected", F("peer", addr), F("code", reason.Code), F("reason", reason.Message), F("reconnectInMs", wait))
		time.Sleep(backoff)
		if backoff *= 2; backoff > backoffCap {
			backoff = backoffCap
		}
	}
}

// session runs one connection to its end and says why it ended.
func (u *Upstream) session(i int, addr string) Disconnect {
	conn, err := net.DialTimeout("tcp", addr, dialTimeout)
	if err != nil {
		return Disconnect{"CONNECT_FAILED", err.Error()}
	}
	u.mu.Lock()
	if u.stopped {
		u.mu.Unlock()
		conn.Close()
		return Disconnect{"STOPPING", "the relay is stopping"}
	}
	u.conns[conn] = true
	u.mu.Unlock()
	defer func() {
		u.mu.Lock()
		delete(u.conns, conn)
		u.mu.Unlock()
		conn.Close()
	}()
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetNoDelay(true)
		if u.keepAlive {
			_ = tcp.SetKeepAlive(true)
			_ = tcp.SetKeepAlivePeriod(15 * time.Second)
		}
	}
	if u.lockThread {
		// The hot path (read, decode, fan out) stays on one OS thread for this connection's life.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
	}
	s := &session{u: u, i: i, addr: addr, conn: conn, invAt: map[[32]byte]float64{}}
	u.update(i, func(p *PeerInfo) { p.State = "handshake" })
	_, port, _ := net.SplitHostPort(addr)
	theirPort, _ := strconv.Atoi(port)
	if err := s.send("version", EncodeVersion(u.nonce, time.Now().Unix(), uint16(theirPort))); err != nil {
		return Disconnect{"WRITE_FAILED", err.Error()}
	}
	return s.loop()
}
