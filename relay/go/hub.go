package main

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

const (
	clientQueue      = 64   // frames a client may fall behind before it is dropped as not reading
	maxStreamClients = 1000 // past this new subscribers get 503, so clients cannot exhaust memory
	heartbeatEvery   = 15 * time.Second
)

type client struct {
	kind  string // "ws" or "sse"
	queue chan []byte
	once  sync.Once
	done  chan struct{}
}

func (c *client) close() { c.once.Do(func() { close(c.done) }) }

// Hub fans each block out to every stream subscriber: encoded once per transport, queued to each
// client without waiting on any of them.
type Hub struct {
	mu      sync.Mutex
	clients map[*client]bool
	log     *Logger
	closed  bool
}

// NewHub starts empty.
func NewHub(log *Logger) *Hub { return &Hub{clients: map[*client]bool{}, log: log} }

// ErrFull: too many subscribers already.
var ErrFull = errors.New("too many stream clients")

func (h *Hub) add(kind string) (*client, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || len(h.clients) >= maxStreamClients {
		return nil, ErrFull
	}
	c := &client{kind: kind, queue: make(chan []byte, clientQueue), done: make(chan struct{})}
	h.clients[c] = true
	return c, nil
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

// Broadcast queues one announcement (JSON) to every client; id is the block height for SSE.
func (h *Hub) Broadcast(json []byte, id int) {
	wsFrame := EncodeWSFrame(opText, json)
	sseEvent := []byte("id: " + strconv.Itoa(id) + "\ndata: " + string(json) + "\n\n")
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		frame := sseEvent
		if c.kind == "ws" {
			frame = wsFrame
		}
		select {
		case c.queue <- frame:
		default:
			h.log.Warn("dropping slow stream client", F("transport", c.kind), F("queued", len(c.queue)))
			delete(h.clients, c)
			c.close()
		}
	}
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
func (h *Hub) ServeWebSocket(w http.ResponseWriter, key string) {
	c, err := h.add("ws")
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
	write := func(frame []byte) bool {
		_ = conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
		_, err := conn.Write(frame)
		return err == nil
	}
	for {
		select {
		case frame := <-c.queue:
			if !write(frame) {
				return
			}
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

// ServeSSE streams announcements as server-sent events until the client goes away.
func (h *Hub) ServeSSE(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, `{"error":"streaming not supported on this connection"}`, http.StatusInternalServerError)
		return
	}
	c, err := h.add("sse")
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
	beat := time.NewTicker(heartbeatEvery)
	defer beat.Stop()
	for {
		var frame []byte
		select {
		case frame = <-c.queue:
		case <-beat.C:
			frame = []byte(": ping\n\n")
		case <-c.done:
			return
		case <-r.Context().Done():
			return
		}
		if _, err := w.Write(frame); err != nil {
			return
		}
		flusher.Flush()
	}
}
