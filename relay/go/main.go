// Command sprint-relay is a Bitcoin Sprint relay in Go (standard library only) honouring the relay
// contract in DESIGN.md: the same environment, ports, API, health, metrics, logs and signals as the
// TypeScript relay, so the panel supervises either the same way.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// stopDeadline: past this a stop still waiting on a socket is cut short (the contract says ~2 s).
const stopDeadline = 1500 * time.Millisecond

func main() { os.Exit(run()) }

func listen(host string, port int) (net.Listener, error) {
	return net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
}

func run() int {
	// Before anything else: a SIGTERM that arrives while starting up must still be a graceful stop.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	boot := NewLogger(os.Stderr, "info", "relay")
	cfg, err := ParseConfig(os.Getenv)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			boot.Error("invalid configuration", F("variable", ce.Variable), F("error", ce.Error()))
			return 2 // the panel does not retry a configuration error
		}
		boot.Error("relay failed", F("error", err.Error()))
		return 1
	}
	log := NewLogger(os.Stderr, cfg.LogLevel, "relay")
	knobs := ApplyRuntimeKnobs(cfg)
	relay, err := NewRelay(cfg, log, knobs)
	if err != nil {
		log.Error("relay failed", F("error", err.Error()))
		return 1
	}

	// Health first, so /ready answers 503 until the API is listening too.
	healthLn, err := listen(cfg.APIHost, cfg.HealthPort)
	if err != nil {
		log.Error("cannot listen", F("port", "health"), F("error", err.Error()))
		return 1
	}
	// API_PORT=0: both ports ephemeral, reported on stdout (as the TypeScript relay does).
	apiLn, err := listen(cfg.APIHost, cfg.APIPort)
	if err != nil {
		log.Error("cannot listen", F("port", "api"), F("error", err.Error()))
		return 1
	}
	keepAlive := 5 * time.Second
	if cfg.OptimizeSys {
		keepAlive = 60 * time.Second
	}
	api := &http.Server{Handler: relay.apiHandler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: keepAlive, MaxHeaderBytes: 16 * 1024,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connContextKey{}, c)
		}}
	health := &http.Server{Handler: relay.healthHandler(), ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 16 * 1024}
	go func() { _ = health.Serve(healthLn) }()
	go func() { _ = api.Serve(apiLn) }()
	relay.OpenStore()
	relay.listening.Store(true)
	relay.upstream.Start()

	ports := map[string]interface{}{"event": "listening", "apiPort": apiLn.Addr().(*net.TCPAddr).Port,
		"healthPort": healthLn.Addr().(*net.TCPAddr).Port}
	line, _ := json.Marshal(ports)
	fmt.Fprintln(os.Stdout, string(line))
	log.Info("relay listening", F("apiPort", ports["apiPort"]), F("healthPort", ports["healthPort"]),
		F("tier", cfg.Tier.Name), F("network", cfg.Network.Name), F("nodes", cfg.Nodes), F("knobs", knobs))

	why := waitForStop(signals, cfg.ParentWatch)
	log.Info("stopping", F("why", why))
	relay.listening.Store(false)
	relay.upstream.Stop()
	relay.hub.CloseAll()
	ctx, cancel := context.WithTimeout(context.Background(), stopDeadline)
	defer cancel()
	_ = api.Shutdown(ctx)
	_ = health.Shutdown(ctx)
	if err := relay.store.Close(); err != nil {
		log.Warn("header store close failed", F("error", err.Error()))
	}
	log.Info("stopped")
	return 0
}

// waitForStop blocks until SIGTERM/SIGINT or, with SPRINT_PARENT_WATCH, until stdin closes: the
// panel spawns us with a stdin pipe it never writes to, so EOF means the panel is gone.
func waitForStop(signals <-chan os.Signal, parentWatch bool) string {
	parentGone := make(chan struct{})
	if parentWatch {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			close(parentGone)
		}()
	}
	select {
	case s := <-signals:
		return s.String()
	case <-parentGone:
		return "parent stdin closed"
	}
}
