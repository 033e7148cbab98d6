package main

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// session is one connection to an upstream peer, from the version handshake to its end.
type session struct {
	u           *Upstream
	i           int
	addr        string
	conn        net.Conn
	writeMu     sync.Mutex
	ready       atomic.Bool
	unconnected int
	pingMu      sync.Mutex
	pingSent    time.Time
	pingNonce   uint64
	invAt       map[[32]byte]float64
	startHeight int
	syncMu      sync.Mutex
	sync        syncState
}

func (s *session) send(command string, payload []byte) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := s.conn.Write(EncodeFrame(s.u.network.Magic, command, payload))
	return err
}

// Disconnect says why a connection ended, as the TypeScript relay reports it: a code and a message.
type Disconnect struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// protocolCode is the leading "CODE:" of the relay's own protocol errors (BAD_POW, OVERSIZED…).
func protocolCode(err error) string {
	text := err.Error()
	end := strings.IndexByte(text, ':')
	if end <= 0 {
		end = len(text)
	}
	for _, c := range text[:end] {
		if (c < 'A' || c > 'Z') && c != '_' {
			return ""
		}
	}
	return text[:end]
}

func (s *session) loop() Disconnect {
	done := make(chan struct{})
	defer close(done)
	go s.keepPinging(done)
	deadline := time.Now().Add(handshakeTimeout)
	for {
		_ = s.conn.SetReadDeadline(deadline)
		msg, err := ReadFrame(s.conn, s.u.network.Magic)
		if err != nil {
			var ne net.Error
			switch {
			case errors.As(err, &ne) && ne.Timeout() && s.ready.Load():
				return Disconnect{"IDLE_TIMEOUT", "no message within the idle timeout"}
			case errors.As(err, &ne) && ne.Timeout():
				return Disconnect{"HANDSHAKE_TIMEOUT", "no version handshake within the timeout"}
			case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
				return Disconnect{"PEER_CLOSED", "the peer closed the connection"}
			case protocolCode(err) != "":
				return Disconnect{protocolCode(err), err.Error()}
			}
			return Disconnect{"READ_FAILED", err.Error()}
		}
		receivedAt := nowMs()
		if err := s.handle(msg, receivedAt); err != nil {
			s.u.log.Warn("dropping upstream peer", F("peer", s.addr), F("command", msg.Command), F("error", err.Error()))
			code := protocolCode(err)
			if code == "" {
				code = "WRITE_FAILED"
			}
			return Disconnect{code, err.Error()}
		}
		if s.ready.Load() {
			deadline = time.Now().Add(idleTimeout)
		}
	}
}

// keepPinging keeps a quiet connection alive and measures round trips; pongs extend the deadline.
func (s *session) keepPinging(done <-chan struct{}) {
	t := time.NewTicker(pingEvery)
	defer t.Stop()
	sync := time.NewTicker(250 * time.Millisecond)
	defer sync.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			s.ping()
		case now := <-sync.C:
			if !s.ready.Load() {
				continue
			}
			if err := s.tick(now); err != nil {
				s.conn.Close()
				return
			}
		}
	}
}

func (s *session) ping() {
	var b [8]byte
	_, _ = rand.Read(b[:])
	s.pingMu.Lock()
	s.pingNonce, s.pingSent = binary.LittleEndian.Uint64(b[:]), time.Now()
	s.pingMu.Unlock()
	_ = s.send("ping", b[:])
}

func (s *session) handle(msg Message, receivedAt float64) error {
	u := s.u
	switch msg.Command {
	case "version":
		v, err := DecodeVersion(msg.Payload)
		if err != nil {
			return err
		}
		if v.Version < minPeerVersion {
			return fmt.Errorf("OBSOLETE: protocol %d, need %d (headers announcements)", v.Version, minPeerVersion)
		}
		s.syncMu.Lock()
		s.startHeight = int(v.StartHeight)
		s.syncMu.Unlock()
		u.clocks.set(s.i, float64(v.Timestamp)-float64(time.Now().UnixNano())/1e9, true, u.log)
		if int64(v.StartHeight) > u.target.Load() {
			u.target.Store(int64(v.StartHeight))
		}
		u.update(s.i, func(p *PeerInfo) { p.Version, p.UserAgent, p.StartHeight = &v.Version, &v.UserAgent, &v.StartHeight })
		return s.send("verack", nil)
	case "verack":
		s.ready.Store(true)
		u.update(s.i, func(p *PeerInfo) { p.State = "ready"; p.LastDisconnect = nil })
		u.log.Info("upstream peer ready", F("peer", s.addr))
		if err := s.send("sendheaders", nil); err != nil {
			return err
		}
		s.ping()
		s.syncMu.Lock()
		start := s.startHeight
		s.syncMu.Unlock()
		return s.attach(start)
	case "ping":
		return s.send("pong", msg.Payload)
	case "pong":
		s.pingMu.Lock()
		defer s.pingMu.Unlock()
		if len(msg.Payload) == 8 && binary.LittleEndian.Uint64(msg.Payload) == s.pingNonce {
			rtt := float64(time.Since(s.pingSent).Microseconds()) / 1000
			u.update(s.i, func(p *PeerInfo) { p.RTTMs = &rtt })
		}
	case "inv":
		return s.onInv(msg.Payload, receivedAt)
	case "headers":
		return s.onHeaders(msg.Payload, receivedAt)
	}
	return nil
}
