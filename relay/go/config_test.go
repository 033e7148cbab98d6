package main

import (
	"errors"
	"testing"
)

func env(values map[string]string) Getenv {
	return func(name string) string { return values[name] }
}

func configError(t *testing.T, values map[string]string) *ConfigError {
	t.Helper()
	_, err := ParseConfig(env(values))
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a ConfigError", err)
	}
	return ce
}

func TestStartupErrorsNameTheVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"TIER":                   {"API_KEYS": "k", "TIER": "gold"},
		"API_KEYS":               {},
		"HIGH_PRIORITY":          {"API_KEYS": "k", "HIGH_PRIORITY": "yes"},
		"PREALLOC_BUFFERS":       {"API_KEYS": "k", "PREALLOC_BUFFERS": "TRUE"},
		"GOGC":                   {"API_KEYS": "k", "GOGC": "fast"},
		"GC_PERCENT":             {"API_KEYS": "k", "GC_PERCENT": "-5"},
		"GOMAXPROCS":             {"API_KEYS": "k", "GOMAXPROCS": "0"},
		"API_PORT":               {"API_KEYS": "k", "API_PORT": "65535"},
		"BITCOIN_NODE":           {"API_KEYS": "k", "BITCOIN_NODE": "127.0.0.1:99999"},
		"BITCOIN_NETWORK":        {"API_KEYS": "k", "BITCOIN_NETWORK": "litecoin"},
		"LOG_FORMAT":             {"API_KEYS": "k", "LOG_FORMAT": "text"},
		"MINIMUM_CHAIN_WORK":     {"API_KEYS": "k", "MINIMUM_CHAIN_WORK": "0xzz"},
		"UPSTREAM_SYNC_RETRY_MS": {"API_KEYS": "k", "UPSTREAM_SYNC_RETRY_MS": "50"},
	}
	for variable, values := range cases {
		if ce := configError(t, values); ce.Variable != variable {
			t.Errorf("%v: error names %s, want %s", values, ce.Variable, variable)
		}
	}
}

func TestTierDefaultsAndExplicitValuesWin(t *testing.T) {
	c, err := ParseConfig(env(map[string]string{"API_KEYS": "panel, user", "TIER": "enterprise", "LOCK_OS_THREAD": "0", "API_PORT": "9000"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.HighPrio || c.LockThread || !c.Prealloc || c.HealthPort != 9001 || c.APIKeys[1] != "user" {
		t.Fatalf("%+v", c)
	}
	if c.Tier.PerSecond != 500 || c.Tier.Burst != 2500 || !c.Tier.GCOff {
		t.Fatalf("enterprise tier: %+v", c.Tier)
	}
	free, _ := ParseConfig(env(map[string]string{"API_KEYS": "k", "BITCOIN_NODE": "[::1]:18444,node.example"}))
	if free.Tier.Name != "free" || free.HighPrio || free.Nodes[0] != "[::1]:18444" || free.Nodes[1] != "node.example:18444" {
		t.Fatalf("%+v", free)
	}
}

func TestRateLimiterBurstThenRetryAfter(t *testing.T) {
	l := NewRateLimiter(1, 5, []string{"panel", "user"})
	for i := 0; i < 5; i++ {
		if ok, _ := l.Admit("user"); !ok {
			t.Fatalf("request %d refused inside the burst", i)
		}
	}
	if ok, retry := l.Admit("user"); ok || retry != 1 {
		t.Fatalf("sixth request: ok=%v retry=%d", ok, retry)
	}
	for i := 0; i < 100; i++ {
		if ok, _ := l.Admit("panel"); !ok {
			t.Fatal("the panel's key was limited")
		}
	}
	if l.Known("stranger") {
		t.Fatal("an unknown key is known")
	}
}

func TestMinimumChainWorkAndSyncRetryOverrides(t *testing.T) {
	c, err := ParseConfig(env(map[string]string{"API_KEYS": "k", "BITCOIN_NETWORK": "regtest", "MINIMUM_CHAIN_WORK": "0x320", "UPSTREAM_SYNC_RETRY_MS": "1500"}))
	if err != nil {
		t.Fatal(err)
	}
	chain, _ := NewChain(c.Network)
	if chain.params.MinimumChainWork.Int64() != 800 || c.UpstreamSyncRetry.Milliseconds() != 1500 {
		t.Fatalf("minimum work %v, retry %v", chain.params.MinimumChainWork, c.UpstreamSyncRetry)
	}
	if chainParams["regtest"].MinimumChainWork.Sign() != 0 {
		t.Fatal("the override changed the network's own parameters")
	}
}
