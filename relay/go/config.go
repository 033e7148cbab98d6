package main

import (
	"fmt"
	"math/big"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ConfigError names the variable at fault, so the panel can point at the setting to fix.
type ConfigError struct {
	Variable string
	Problem  string
}

func (e *ConfigError) Error() string { return e.Variable + ": " + e.Problem }

// Tier is one row of DESIGN.md's tier table, as far as the relay itself needs it.
type Tier struct {
	Name      string
	Level     string
	PerSecond float64
	Burst     float64
	// GCPercent is the tier's GC_PERCENT (0 = runtime default); GCOff turns the Go collector off.
	GCPercent int
	GCOff     bool
	Maximum   bool
	High      bool
	// TargetSeconds and Objective are the tier's SLA (shared/tiers.ts): blocks relayed within the
	// target, and the share of blocks that must be.
	TargetSeconds float64
	Objective     float64
}

// The tier table itself is tiers_gen.go, generated from shared/tiers.ts (npm run generate).

// Network is what the P2P side needs to know about a chain.
type Network struct {
	Name         string
	Magic        [4]byte
	DefaultPort  int
	GenesisHex   string
	PowLimitBits uint32
	// MinimumChainWork overrides the chain params' (MINIMUM_CHAIN_WORK, Core's -minimumchainwork).
	MinimumChainWork *big.Int
}

const genesisPrefix = "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a"

var networks = map[string]Network{
	"mainnet": {"mainnet", [4]byte{0xf9, 0xbe, 0xb4, 0xd9}, 8333, genesisPrefix + "29ab5f49ffff001d1dac2b7c", 0x1d00ffff, nil},
	"testnet": {"testnet", [4]byte{0x0b, 0x11, 0x09, 0x07}, 18333, genesisPrefix + "dae5494dffff001d1aa4ae18", 0x1d00ffff, nil},
	"testnet4": {"testnet4", [4]byte{0x1c, 0x16, 0x3f, 0x28}, 48333,
		"0100000000000000000000000000000000000000000000000000000000000000000000004e7b2b9128fe0291db0693af2ae418b767e657cd407e80cb1434221eaea7a07a046f3566ffff001dbb0c7817", 0x1d00ffff, nil},
	"signet":  {"signet", [4]byte{0x0a, 0x03, 0xcf, 0x40}, 38333, genesisPrefix + "008f4d5fae77031e8ad22203", 0x1e0377ae, nil},
	"regtest": {"regtest", [4]byte{0xfa, 0xbf, 0xb5, 0xda}, 18444, genesisPrefix + "dae5494dffff7f2002000000", 0x207fffff, nil},
}

// GCSetting is a GC percentage or off; Set is false when the variable was not given.
type GCSetting struct {
	Set   bool
	Off   bool
	Value int
}

// Percent is the value debug.SetGCPercent takes: -1 is off.
func (g GCSetting) Percent() int {
	if g.Off {
		return -1
	}
	return g.Value
}

func (g GCSetting) String() string {
	if !g.Set {
		return "default"
	}
	if g.Off {
		return "off"
	}
	return strconv.Itoa(g.Value)
}

// Config is the relay contract's environment, validated.
type Config struct {
	Tier        Tier
	APIHost     string
	APIPort     int
	HealthPort  int
	APIKeys     []string
	Network     Network
	Nodes       []string
	GCPercent   GCSetting
	GOGC        GCSetting
	GOMAXPROCS  int // 0: not set
	MaxCPUCores int // 0: not set
	HighPrio    bool
	LockThread  bool
	Prealloc    bool
	OptimizeSys bool
	ParentWatch bool
	LogLevel    string
	DataDir     string // "": memory only
	MemLimitEnv string // GOMEMLIMIT as given (the Go runtime parses and applies it itself)
	// UpstreamSyncRetry: how often a node still in its own initial sync is asked again
	// (UPSTREAM_SYNC_RETRY_MS, as the TypeScript relay).
	UpstreamSyncRetry time.Duration
}

var chainWorkPattern = regexp.MustCompile(`^(0x)?[0-9a-fA-F]{1,64}$`)

var hostPattern = regexp.MustCompile(`^[\w.:\[\]-]+$`)
var keyPattern = regexp.MustCompile(`^[\x21-\x7e]+$`)

// Getenv is os.LookupEnv's shape; unset and empty are the same ("use the default").
type Getenv func(string) string

func parseBool(get Getenv, name string, fallback bool) (bool, error) {
	switch get(name) {
	case "":
		return fallback, nil
	case "1", "true":
		return true, nil
	case "0", "false":
		return false, nil
	}
	return false, &ConfigError{name, fmt.Sprintf("invalid value %q (want 1, true, 0 or false)", get(name))}
}

func parseInt(get Getenv, name string, min, max int) (int, bool, error) {
	raw := get(name)
	if raw == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max || strings.HasPrefix(raw, "+") {
		return 0, false, &ConfigError{name, fmt.Sprintf("invalid value %q (want an integer %d..%d)", raw, min, max)}
	}
	return n, true, nil
}

func parseGC(get Getenv, name string) (GCSetting, error) {
	if get(name) == "off" {
		return GCSetting{Set: true, Off: true}, nil
	}
	n, ok, err := parseInt(get, name, 0, 10000)
	if err != nil {
		err.(*ConfigError).Problem = fmt.Sprintf("invalid value %q (want an integer 0..10000 or \"off\")", get(name))
	}
	return GCSetting{Set: ok, Value: n}, err
}

func parseNodes(value string, defaultPort int) ([]string, error) {
	var nodes []string
	for _, part := range strings.Split(value, ",") {
		item := strings.TrimSpace(part)
		host, port, err := net.SplitHostPort(item)
		if err != nil {
			host, port = strings.Trim(item, "[]"), strconv.Itoa(defaultPort)
		}
		p, perr := strconv.Atoi(port)
		if host == "" || strings.ContainsAny(host, " /") || perr != nil || p < 1 || p > 65535 {
			return nil, &ConfigError{"BITCOIN_NODE", fmt.Sprintf("invalid address %q (want host:port)", item)}
		}
		nodes = append(nodes, net.JoinHostPort(host, strconv.Itoa(p)))
	}
	return nodes, nil
}

// ParseConfig reads the contract's variables; the tier supplies defaults, explicit values win.
func ParseConfig(get Getenv) (*Config, error) {
	c := &Config{APIHost: "127.0.0.1", LogLevel: "info"}
	tierName := get("TIER")
	if tierName == "" {
		tierName = "free"
	}
	tier, ok := tiers[tierName]
	if !ok {
		return nil, &ConfigError{"TIER", fmt.Sprintf("unknown tier %q (want %s)", tierName, tierNamesText)}
	}
	c.Tier = tier
	netName := get("BITCOIN_NETWORK")
	if netName == "" {
		netName = "regtest"
	}
	if c.Network, ok = networks[netName]; !ok {
		return nil, &ConfigError{"BITCOIN_NETWORK", fmt.Sprintf("unknown network %q (want mainnet, testnet, testnet4, signet or regtest)", netName)}
	}
	if f := get("LOG_FORMAT"); f != "" && f != "json" {
		return nil, &ConfigError{"LOG_FORMAT", fmt.Sprintf("invalid value %q (only json is supported)", f)}
	}
	if l := get("LOG_LEVEL"); l != "" {
		if _, known := levelRank[l]; !known {
			return nil, &ConfigError{"LOG_LEVEL", fmt.Sprintf("invalid value %q (want debug, info, warn or error)", l)}
		}
		c.LogLevel = l
	}
	if h := get("API_HOST"); h != "" {
		if !hostPattern.MatchString(h) {
			return nil, &ConfigError{"API_HOST", fmt.Sprintf("invalid value %q (a host name or address)", h)}
		}
		c.APIHost = h
	}
	port, set, err := parseInt(get, "API_PORT", 0, 65534)
	if err != nil {
		return nil, err
	}
	c.APIPort = 8080
	if set {
		c.APIPort = port
	}
	if c.APIPort != 0 {
		c.HealthPort = c.APIPort + 1
	}
	if get("API_KEYS") == "" {
		return nil, &ConfigError{"API_KEYS", "required: comma-separated keys, the panel key first"}
	}
	for _, k := range strings.Split(get("API_KEYS"), ",") {
		k = strings.TrimSpace(k)
		if !keyPattern.MatchString(k) {
			return nil, &ConfigError{"API_KEYS", "empty key in list, or a key that is not printable ASCII"}
		}
		c.APIKeys = append(c.APIKeys, k)
	}
	c.DataDir = get("DATA_DIR")
	c.MemLimitEnv = get("GOMEMLIMIT")
	c.Nodes = []string{net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Network.DefaultPort))}
	if v := get("BITCOIN_NODE"); v != "" {
		if c.Nodes, err = parseNodes(v, c.Network.DefaultPort); err != nil {
			return nil, err
		}
	}
	if c.GCPercent, err = parseGC(get, "GC_PERCENT"); err != nil {
		return nil, err
	}
	if c.GOGC, err = parseGC(get, "GOGC"); err != nil {
		return nil, err
	}
	if c.GOMAXPROCS, _, err = parseInt(get, "GOMAXPROCS", 1, 1024); err != nil {
		return nil, err
	}
	if c.MaxCPUCores, _, err = parseInt(get, "MAX_CPU_CORES", 1, 1024); err != nil {
		return nil, err
	}
	retryMs, set, err := parseInt(get, "UPSTREAM_SYNC_RETRY_MS", 100, 3_600_000)
	if err != nil {
		return nil, err
	}
	c.UpstreamSyncRetry = 60 * time.Second
	if set {
		c.UpstreamSyncRetry = time.Duration(retryMs) * time.Millisecond
	}
	if v := get("MINIMUM_CHAIN_WORK"); v != "" {
		// Core's -minimumchainwork: hex, as the TypeScript relay reads it.
		if !chainWorkPattern.MatchString(v) {
			return nil, &ConfigError{"MINIMUM_CHAIN_WORK", fmt.Sprintf("invalid value %q (hex, up to 64 digits)", v)}
		}
		work, _ := new(big.Int).SetString(strings.TrimPrefix(v, "0x"), 16)
		c.Network.MinimumChainWork = work
	}
	bools := []struct {
		name     string
		target   *bool
		fallback bool
	}{
		{"HIGH_PRIORITY", &c.HighPrio, tier.Maximum},
		{"LOCK_OS_THREAD", &c.LockThread, tier.Maximum},
		{"PREALLOC_BUFFERS", &c.Prealloc, tier.Maximum || tier.High},
		{"OPTIMIZE_SYSTEM", &c.OptimizeSys, tier.Maximum},
		{"SPRINT_PARENT_WATCH", &c.ParentWatch, false},
	}
	for _, b := range bools {
		if *b.target, err = parseBool(get, b.name, b.fallback); err != nil {
			return nil, err
		}
	}
	return c, nil
}
