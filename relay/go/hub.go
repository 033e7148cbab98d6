package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

const (
	maxStreamClients = 1000 // past this new subscribers get 503, so clients cannot exhaust memory
	heartbeatEvery   = 15 * time.Second
	// The replay buffer (shared/relay-stream.ts MAX_REPLAY_EVENTS) is also every client's queue: a
	// client is a cursor into it, so a burst (a deep reorg's thousand events) costs no per-client
	// memory and closes nobody. A client that falls out of it gets a resync message instead.
	maxReplayEvents = 10_000
	maxReplayBytes  = 32 << 20
	writeBatch      = 256
	// writeTimeout: a client whose socket takes nothing for this long is not reading; it is closed.
	writeTimeout = 10 * time.Second
)

// event is one stream event (block or reorg), encoded once per transport.
type event struct {
	seq uint64
	ws  []byte
	sse []byte
}

func (e *event) size() int { return len(e.ws) + len(e.sse) }

type client struct {
	kind   string // "ws" or "sse"
	cursor uint64 // next seq to write
	resync *Resync
	once   sync.Once
	done   chan struct{}
}

func (c *client) close() { c.once.Do(func() { close(c.done) }) }

// BlockRef names a block (shared/relay-stream.ts BlockRef).
type BlockRef struct {
	Height int    `json:"height"`
	Hash   string `json:"hash"`
}

// Resync tells one client the relay cannot replay what it missed (shared/relay-stream.ts StreamResync).
type Resync struct {
	Type       string    `json:"type"`
	Seq        uint64    `json:"seq"`
	Epoch      string    `json:"epoch"`
	Reason     string    `json:"reason"`
	Since      uint64    `json:"since"`
	OldestSeq  *uint64   `json:"oldestSeq"`
	Tip        *BlockRef `json:"tip"`
	ResyncFrom string    `json:"resyncFrom"`
	Message    string    `json:"message"`
}

// Resume is a client's ?since= / Last-Event-ID and optional ?epoch=.
type Resume struct {
	Since    uint64
	HasSince bool
	Epoch    string
}

// Hub numbers stream events, keeps the most recent for resume, and writes them to every subscriber.
type Hub struct {
	mu      sync.Mutex
	clients map[*client]bool
	log     *Logger
	closed  bool
	epoch   string
	lastSeq uint64
	ring    []event // oldest first
	bytes   int
	wake    chan struct{} // closed at each publish
	tip     func() *BlockRef
}

// NewHub starts empty under a new epoch.
func NewHub(log *Logger, tip func() *BlockRef) *Hub {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &Hub{clients: map[*client]bool{}, log: log, epoch: hex.EncodeToString(b[:]), wake: make(chan struct{}), tip: tip}
}

// ErrFull: too many subscribers already.
var ErrFull = errors.New("too many stream clients")

// Epoch is this run's id for its seq numbers.
func (h *Hub) Epoch() string { return h.epoch }

// Position is the last published seq.
func (h *Hub) Position() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lastSeq
}

// Publish numbers one event; build writes its JSON given the seq. Events are written to clients in
// the order published.
func (h *Hub) Publish(build func(seq uint64, epoch string) []byte) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastSeq++
	body := build(h.lastSeq, h.epoch)
	e := event{seq: h.lastSeq, ws: EncodeWSFrame(opText, body),
		sse: []byte("id: " + strconv.FormatUint(h.lastSeq, 10) + "\ndata: " + string(body) + "\n\n")}
	h.ring = append(h.ring, e)
	h.bytes += e.size()
	drop := 0
	for len(h.ring)-drop > 1 && (len(h.ring)-drop > maxReplayEvents || h.bytes > maxReplayBytes) {
		h.bytes -= h.ring[drop].size()
		drop++
	}
	if drop > 0 {
		// Copy down once the dead prefix is large, so the backing array does not grow for ever.
		h.ring = h.ring[drop:]
		if cap(h.ring) > 2*maxReplayEvents {
			h.ring = append(make([]event, 0, maxReplayEvents+1), h.ring...)
		}
	}
	close(h.wake)
	h.wake = make(chan struct{})
	return h.lastSeq
}

func (h *Hub) oldestLocked() uint64 {
	if len(h.ring) == 0 {
		return h.lastSeq + 1
	}
	return h.ring[0].seq
}

func (h *Hub) resyncLocked(reason string, since uint64, message string) *Resync {
	r := &Resync{Type: "resync", Seq: h.lastSeq, Epoch: h.epoch, Reason: reason, Since: since,
		Tip: h.tip(), ResyncFrom: "/v1/btc/headers", Message: message}
	if len(h.ring) > 0 {
		oldest := h.ring[0].seq
		r.OldestSeq = &oldest
	}
	return r
}

func (h *Hub) add(kind string, resume Resume) (*client, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || len(h.clients) >= maxStreamClients {
		return nil, ErrFull
	}
	c := &client{kind: kind, cursor: h.lastSeq + 1, done: make(chan struct{})}
	switch {
	case resume.Epoch != "" && resume.Epoch != h.epoch:
		c.resync = h.resyncLocked("epoch-changed", resume.Since, "the relay restarted since that seq (another epoch): rebuild from /v1/btc/headers, then follow live events")
	case !resume.HasSince:
	case resume.Since > h.lastSeq:
		c.resync = h.resyncLocked("unknown-seq", resume.Since, "that seq was never published by this relay run (it restarted): rebuild from /v1/btc/headers, then follow live events")
	case resume.Since+1 < h.oldestLocked():
		c.resync = h.resyncLocked("too-old", resume.Since, "the events after that seq are no longer in the replay buffer: rebuild from /v1/btc/headers, then follow live events")
	default:
		c.cursor = resume.Since + 1
	}
	h.clients[c] = true
	return c, nil
}

// next returns the frames this client has not had yet (at most writeBatch) and the channel closed at
// the next publish. A client the buffer has moved past gets a too-old resync and carries on live.
func (h *Hub) next(c *client) ([][]byte, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var frames [][]byte
	if c.resync == nil && c.cursor < h.oldestLocked() && c.cursor <= h.lastSeq {
		c.resync = h.resyncLocked("too-old", c.cursor-1, "this client fell behind the replay buffer: rebuild from /v1/btc/headers, then follow live events")
	}
	if c.resync != nil {
		body, _ := json.Marshal(c.resync)
		c.cursor, c.resync = c.resync.Seq+1, nil
		if c.kind == "ws" {
			frames = append(frames, EncodeWSFrame(opText, body))
		} else {
			frames = append(frames, []byte("data: "+string(body)+"\n\n"))
		}
	}
	if len(h.ring) > 0 && c.cursor <= h.lastSeq {
		for i := int(c.cursor - h.ring[0].seq); i < len(h.ring) && len(frames) < writeBatch; i++ {
			if c.kind == "ws" {
				frames = append(frames, h.ring[i].ws)
			} else {
				frames = append(frames, h.ring[i].sse)
			}
			c.cursor = h.ring[i].seq + 1
		}
	}
	return frames, h.wake
}

func (h *Hub) remove(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
	c.close()
}

// Counts by transport.
func (h *Hub) Counts() (ws, sse int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		if c.kind == "ws" {
			ws++
		} else {
			sse++
		}
	}
	return ws, sse
}

// ReplayEvents is how many events the buffer holds now.
func (h *Hub) ReplayEvents() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.ring)
}

// CloseAll ends every stream (WebSocket clients get a 1001 close frame).
func (h *Hub) CloseAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for c := range h.clients {
		delete(h.clients, c)
		c.close()
	}
}

// ServeWebSocket takes over the connection after the 101 response.
func (h *Hub) ServeWebSocket(w http.ResponseWriter, key string, resume Resume) {
	c, err := h.add("ws", resume)
	if err != nil {
		http.Error(w, `{"error":"too many stream clients"}`, http.StatusServiceUnavailable)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		h.remove(c)
		http.Error(w, `{"error":"connection cannot be upgraded"}`, http.StatusInternalServerError)
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		h.remove(c)
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetNoDelay(true)
	}
	_, _ = rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + AcceptKey(key) + "\r\n\r\n")
	if err := rw.Flush(); err != nil {
		h.remove(c)
		conn.Close()
		return
	}
	control := make(chan []byte, 4)
	go h.readWebSocket(c, rw.Reader, control)
	h.writeWebSocket(c, conn, control)
}

func (h *Hub) writeWebSocket(c *client, conn net.Conn, control chan []byte) {
	defer conn.Close()
	defer h.remove(c)
	beat := time.NewTicker(heartbeatEvery)
	defer beat.Stop()
	write := func(frames ...[]byte) bool {
		_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		bufs := net.Buffers(frames)
		_, err := bufs.WriteTo(conn)
		return err == nil
	}
	for {
		frames, wake := h.next(c)
		if len(frames) > 0 {
			if !write(frames...) {
				return
			}
			continue
		}
		select {
		case <-wake:
		case frame := <-control:
			if !write(frame) || frame[0]&0x0f == opClose {
				return
			}
		case <-beat.C:
			if !write(EncodeWSFrame(opPing, nil)) {
				return
			}
		case <-c.done:
			write(CloseFrame(closeGoingAway, "relay stopping"))
			return
		}
	}
}

// readWebSocket answers pings and close frames; data frames are ignored (nothing to say here).
func (h *Hub) readWebSocket(c *client, r *bufio.Reader, control chan<- []byte) {
	reply := func(frame []byte) {
		select {
		case control <- frame:
		case <-c.done:
		}
	}
	for {
		f, err := ReadWSFrame(r)
		var fe *FrameError
		if errors.As(err, &fe) {
			reply(CloseFrame(fe.Code, fe.Reason))
			return
		}
		if err != nil {
			c.close()
			return
		}
		switch f.Opcode {
		case opPing:
			reply(EncodeWSFrame(opPong, f.Payload))
		case opClose:
			reply(CloseFrame(closeNormal, ""))
			return
		}
	}
}

// connContextKey carries the API connection into its requests (http.Server.ConnContext), so a stream
// can put a write deadline on its socket (Go 1.19 has no ResponseController).
type connContextKey struct{}

// ServeSSE streams events as server-sent events until the client goes away.
func (h *Hub) ServeSSE(w http.ResponseWriter, r *http.Request, resume Resume) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, `{"error":"streaming not supported on this connection"}`, http.StatusInternalServerError)
		return
	}
	c, err := h.add("sse", resume)
	if err != nil {
		http.Error(w, `{"error":"too many stream clients"}`, http.StatusServiceUnavailable)
		return
	}
	defer h.remove(c)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(": connected\n\n"))
	flusher.Flush()
	conn, _ := r.Context().Value(connContextKey{}).(net.Conn)
	beat := time.NewTicker(heartbeatEvery)
	defer beat.Stop()
	for {
		frames, wake := h.next(c)
		if len(frames) == 0 {
			select {
			case <-wake:
				continue
			case <-beat.C:
				frames = [][]byte{[]byte(": ping\n\n")}
			case <-c.done:
				return
			case <-r.Context().Done():
				return
			}
		}
		if conn != nil {
			_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		}
		for _, f := range frames {
			if _, err := w.Write(f); err != nil {
				return
			}
		}
		flusher.Flush()
	}
}
