package main

import (
	"encoding/binary"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakePeer reads what a session sends and counts each command.
type fakePeer struct {
	mu       sync.Mutex
	commands map[string]int
	last     map[string][]byte
}

func (f *fakePeer) count(cmd string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.commands[cmd]
}

func testSession(t *testing.T, network string) (*session, *fakePeer) {
	t.Helper()
	ours, theirs := net.Pipe()
	t.Cleanup(func() { ours.Close(); theirs.Close() })
	peer := &fakePeer{commands: map[string]int{}, last: map[string][]byte{}}
	go func() {
		for {
			msg, err := ReadFrame(theirs, networks[network].Magic)
			if err != nil {
				return
			}
			peer.mu.Lock()
			peer.commands[msg.Command]++
			peer.last[msg.Command] = msg.Payload
			peer.mu.Unlock()
		}
	}()
	chain, _ := NewChain(networks[network])
	u := &Upstream{network: networks[network], chain: chain, log: quietLogger(), lead: newAnnounceLead(),
		disconnects: NewLabelledCounter(maxReasonLabels), peers: []*PeerInfo{{State: "ready"}}, branches: make([]int, 1),
		onTips: func(ConnectResult, float64, bool, string) {}}
	return &session{u: u, conn: ours, invAt: map[[32]byte]float64{}}, peer
}

func headersPayload(hs []Header) []byte {
	b := appendVarInt(nil, uint64(len(hs)))
	for _, h := range hs {
		b = append(b, h.Raw[:]...)
		b = append(b, 0)
	}
	return b
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestOneGetheadersInFlightAndTheNextFromTheReplysLastHeader(t *testing.T) {
	s, peer := testSession(t, "regtest")
	for i := 0; i < 3; i++ {
		if err := s.request(); err != nil {
			t.Fatal(err)
		}
	}
	// Announcements while the request is out only note that the peer has more.
	var unknown [32]byte
	unknown[0] = 7
	inv := binary.LittleEndian.AppendUint32(appendVarInt(nil, 1), invBlock)
	if err := s.onInv(append(inv, unknown[:]...), 1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first getheaders", func() bool { return peer.count("getheaders") == 1 })
	if n := s.u.getheadersSent.Load(); n != 1 {
		t.Fatalf("%d getheaders sent with one in flight, want 1", n)
	}
	batch := mineRegtest(t, s.u.chain.Tip().Header, maxHeadersPerMsg, 1)
	if err := s.onHeaders(headersPayload(batch), 1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the next getheaders", func() bool { return peer.count("getheaders") == 2 })
	peer.mu.Lock()
	payload := peer.last["getheaders"]
	peer.mu.Unlock()
	var first [32]byte
	copy(first[:], payload[5:37])
	if first != batch[len(batch)-1].Hash {
		t.Fatal("the next getheaders does not start from the full reply's last header")
	}
	if s.u.Synced() {
		t.Fatal("synced in the middle of a catch-up")
	}
	// A short reply: caught up, synced, nothing more asked.
	more := mineRegtest(t, batch[len(batch)-1], 5, 1)
	if err := s.onHeaders(headersPayload(more), 1); err != nil {
		t.Fatal(err)
	}
	if !s.u.Synced() || s.u.chain.Height() != maxHeadersPerMsg+5 {
		t.Fatalf("after a short reply: synced %v at %d", s.u.Synced(), s.u.chain.Height())
	}
	if n := s.u.getheadersSent.Load(); n != 2 {
		t.Fatalf("%d getheaders for 2,005 headers, want 2", n)
	}
}

func TestASilentPeerAtOurHeightMeansCaughtUp(t *testing.T) {
	s, _ := testSession(t, "regtest")
	if err := s.attach(0); err != nil { // a peer at genesis, like us
		t.Fatal(err)
	}
	if err := s.tick(time.Now().Add(silenceAfter / 2)); err != nil || s.u.Synced() {
		t.Fatalf("synced before the silence timer: %v", err)
	}
	if err := s.tick(time.Now().Add(silenceAfter + time.Millisecond)); err != nil || !s.u.Synced() {
		t.Fatalf("not synced after a silent getheaders at the peer's height: %v", err)
	}
}

func mineAt(t *testing.T, prev Header, unix uint32) Header {
	t.Helper()
	var raw [80]byte
	binary.LittleEndian.PutUint32(raw[0:4], 0x20000000)
	copy(raw[4:36], prev.Hash[:])
	binary.LittleEndian.PutUint32(raw[68:72], unix)
	binary.LittleEndian.PutUint32(raw[72:76], networks["regtest"].PowLimitBits)
	limit, _ := TargetFromBits(networks["regtest"].PowLimitBits)
	for nonce := uint32(0); ; nonce++ {
		binary.LittleEndian.PutUint32(raw[76:80], nonce)
		h, _ := ParseHeader(raw[:])
		if CheckPoW(h, limit) == nil {
			return h
		}
	}
}

func TestAFutureHeaderIsRejectedWithoutDroppingThePeer(t *testing.T) {
	s, _ := testSession(t, "regtest")
	future := mineAt(t, s.u.chain.Tip().Header, uint32(time.Now().Unix()+3*3600))
	if err := s.onHeaders(headersPayload([]Header{future}), 1); err != nil {
		t.Fatalf("a header 3 h ahead dropped the peer: %v", err)
	}
	if s.u.chain.Height() != 0 {
		t.Fatal("a header 3 h ahead was connected")
	}
	soon := mineAt(t, s.u.chain.Tip().Header, uint32(time.Now().Unix()+3600))
	if err := s.onHeaders(headersPayload([]Header{soon}), 1); err != nil || s.u.chain.Height() != 1 {
		t.Fatalf("a header 1 h ahead: %v, height %d", err, s.u.chain.Height())
	}
	// A rule a peer cannot break by accident still drops it: bits off the schedule.
	wrong := mineRegtest(t, s.u.chain.Tip().Header, 1, 9)[0]
	wrong.Raw[72] ^= 1
	wrong, _ = ParseHeader(wrong.Raw[:])
	if err := s.onHeaders(headersPayload([]Header{wrong}), 1); err == nil {
		t.Fatal("a header off the difficulty schedule kept the peer")
	}
}

func TestNeverSyncedBelowMinimumChainWork(t *testing.T) {
	s, peer := testSession(t, "regtest")
	s.u.chain.params.MinimumChainWork = new(big.Int).Lsh(big.NewInt(1), 40)
	if err := s.attach(0); err != nil {
		t.Fatal(err)
	}
	chain := mineRegtest(t, s.u.chain.Tip().Header, 15, 1)
	// A node in its own initial sync has 10 headers, far below the minimum work: checked, not stored.
	if err := s.onHeaders(headersPayload(chain[:10]), 1); err != nil {
		t.Fatal(err)
	}
	if s.u.Synced() || s.u.chain.Height() != 0 {
		t.Fatalf("below the minimum work: synced %v, %d headers stored", s.u.Synced(), s.u.chain.Height())
	}
	if p := s.u.Peers()[0]; p.State != "syncing (height 10)" {
		t.Fatalf("a low-work peer shows %q, want syncing (it is kept, not punished)", p.State)
	}
	// It finishes its own sync: asked again on the slow timer, its chain shows the work on the first
	// download and is stored from the second.
	if err := s.tick(time.Now().Add(defaultSyncRetry + time.Second)); err != nil {
		t.Fatal(err)
	}
	s.u.chain.params.MinimumChainWork = new(big.Int).Add(s.u.chain.TipWork(), big.NewInt(30)) // 15 headers
	asked := peer.count("getheaders")
	if err := s.onHeaders(headersPayload(chain), 1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the second download's getheaders", func() bool { return peer.count("getheaders") == asked+1 })
	if s.u.chain.Height() != 0 || s.u.Synced() {
		t.Fatalf("stored before the second download: %d headers", s.u.chain.Height())
	}
	if p := s.u.Peers()[0]; p.State != "presync (height 15, redownload)" {
		t.Fatalf("peer %q during the second download", p.State)
	}
	if err := s.onHeaders(headersPayload(chain), 1); err != nil {
		t.Fatal(err)
	}
	if p := s.u.Peers()[0]; !s.u.Synced() || p.State != "ready" || s.u.chain.Height() != 15 {
		t.Fatalf("past the minimum work: synced %v at %d, peer %q", s.u.Synced(), s.u.chain.Height(), p.State)
	}
}

// The second download must be the chain the first one weighed: another chain of the same work is
// caught at a salted commitment, and nothing of it is stored.
func TestPresyncRefusesASecondDownloadThatDiffers(t *testing.T) {
	s, _ := testSession(t, "regtest")
	if err := s.attach(0); err != nil {
		t.Fatal(err)
	}
	shown := mineRegtest(t, s.u.chain.Tip().Header, 700, 1)
	swapped := mineRegtest(t, s.u.chain.Tip().Header, 700, 2)
	s.u.chain.params.MinimumChainWork = new(big.Int).Add(s.u.chain.TipWork(), big.NewInt(2*700))
	if err := s.onHeaders(headersPayload(shown), 1); err != nil {
		t.Fatal(err)
	}
	err := s.onHeaders(headersPayload(swapped), 1)
	if err == nil || !strings.Contains(err.Error(), "PRESYNC_COMMITMENT_MISMATCH") {
		t.Fatalf("a swapped second download: %v, want PRESYNC_COMMITMENT_MISMATCH", err)
	}
	if s.u.chain.Height() != 0 || s.u.Synced() {
		t.Fatalf("%d headers of a swapped chain stored", s.u.chain.Height())
	}
}

// A low-work flood keeps only its commitments: 4 bytes per 600 headers, bounded by time.
func TestPresyncMemoryIsItsCommitments(t *testing.T) {
	start := Tip{0, Header{Time: 1_700_000_000}}
	ps, err := newPresync(chainParams["regtest"], networks["regtest"].PowLimitBits, start, big.NewInt(2), 1_700_000_000+3600)
	if err != nil {
		t.Fatal(err)
	}
	// An hour since the start allows (3600 + 7200) s at 6 blocks a second: 108 commitments, 64,800 headers.
	if ps.maxCommitments != 109 {
		t.Fatalf("max commitments %d", ps.maxCommitments)
	}
	ps.commitments = make([]uint32, ps.maxCommitments)
	ps.height = ps.offset - 1 + commitmentPeriod
	h := mineRegtest(t, Header{Hash: ps.lastHash, Time: start.Header.Time}, 1, 1)
	if _, err := ps.first(h); err == nil || !strings.Contains(err.Error(), "PRESYNC_TOO_LONG") {
		t.Fatalf("past the commitments time allows: %v", err)
	}
}

// A competing branch longer than one reply is kept between replies and adopted once heavier; one
// that ends lighter is forgotten; one past the bound drops its peer.
func TestCompetingBranchesAcrossRepliesAreBounded(t *testing.T) {
	chain, _ := NewChain(networks["regtest"])
	main := mineRegtest(t, chain.Tip().Header, 2500, 1)
	for i := 0; i < len(main); i += maxHeadersPerMsg {
		end := i + maxHeadersPerMsg
		if end > len(main) {
			end = len(main)
		}
		if _, err := chain.Connect(main[i:end], nil); err != nil {
			t.Fatal(err)
		}
	}
	fork := mineRegtest(t, main[99], 2401, 2) // forks at 100, ends at 2501: one more than ours
	var branch Branch
	res, err := chain.Connect(fork[:maxHeadersPerMsg], &branch)
	if err != nil || !res.Pending || branch.Len() != maxHeadersPerMsg || chain.Height() != 2500 {
		t.Fatalf("first part: %v pending=%v branch=%d height=%d", err, res.Pending, branch.Len(), chain.Height())
	}
	res, err = chain.Connect(fork[maxHeadersPerMsg:], &branch)
	if err != nil || len(res.Disconnected) != 2400 || len(res.Added) != 2401 || chain.Height() != 2501 || branch.Len() != 0 {
		t.Fatalf("second part: %v, -%d +%d, height %d, branch %d", err, len(res.Disconnected), len(res.Added), chain.Height(), branch.Len())
	}
	if res.Disconnected[0].Height != 2500 || res.Added[0].Height != 101 {
		t.Fatal("reorg edges wrong")
	}
	// Past the bound: dropped, not stored.
	branch = Branch{fork: 100, entries: make([]chainEntry, maxBranchHeaders)}
	branch.entries[len(branch.entries)-1].hash = main[2000].Hash // off the best chain since the reorg
	if _, err := chain.Connect(mineRegtest(t, main[2000], 1, 3), &branch); err == nil || protocolCode(err) != "BRANCH_TOO_LONG" {
		t.Fatalf("a branch past %d headers: %v", maxBranchHeaders, err)
	}
}

// While a peer is still sending a competing branch the relay knows of work it has not validated:
// not ready on the old tip until the branch is judged.
func TestNotReadyWhileACompetingBranchIsArriving(t *testing.T) {
	s, _ := testSession(t, "regtest")
	main := mineRegtest(t, s.u.chain.Tip().Header, 2100, 1)
	for _, part := range [][]Header{main[:2000], main[2000:]} {
		if _, err := s.u.chain.Connect(part, nil); err != nil {
			t.Fatal(err)
		}
	}
	s.u.synced.Store(true)
	relay := &Relay{upstream: s.u}
	relay.listening.Store(true)
	if !relay.Ready() {
		t.Fatal("not ready before the branch")
	}
	fork := mineRegtest(t, main[49], 2100-49, 2) // from height 50 to 2101: one more than ours
	if err := s.request(); err != nil {
		t.Fatal(err)
	}
	if err := s.onHeaders(headersPayload(fork[:maxHeadersPerMsg]), 1); err != nil {
		t.Fatal(err)
	}
	if relay.Ready() || !s.u.BranchPending() {
		t.Fatal("ready on the old tip while a branch with possibly more work is arriving")
	}
	if err := s.onHeaders(headersPayload(fork[maxHeadersPerMsg:]), 1); err != nil {
		t.Fatal(err)
	}
	if !relay.Ready() || s.u.chain.Height() != 2101 || s.u.chain.Tip().Header.Hash != fork[len(fork)-1].Hash {
		t.Fatalf("after the branch overtook: ready %v at %d", relay.Ready(), s.u.chain.Height())
	}
}
