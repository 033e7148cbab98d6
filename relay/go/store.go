package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// storeFile sits beside the TypeScript relay's own store in DATA_DIR; the formats are not shared.
const storeFile = "go-relay-headers-%s.bin"

// HeaderStore keeps the best chain under DATA_DIR (the contract's header store) so a restart, which
// every tier switch is, resumes from the stored tip. Header h (h >= 1) sits at offset (h-1)*80, so a
// reorg overwrites in place and truncation drops a shorter branch's tail.
type HeaderStore struct {
	mu     sync.Mutex
	file   *os.File
	length int // headers in the file: it is cut only when the best chain gets shorter
}

// OpenHeaderStore opens (creating) the network's file and replays it into chain, keeping only the
// valid prefix: a torn or tampered file costs the headers after the damage, never the start-up.
func OpenHeaderStore(dir string, chain *Chain, network string) (*HeaderStore, int, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, 0, err
	}
	file, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf(storeFile, network)), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, 0, err
	}
	// Read a batch at a time: the whole file of a mainnet chain (74 MB) is never in memory at once.
	// Batches before the last 2,000 headers are trusted (we wrote them after validating them; each
	// must link to the tip); the tail, where a crash or a torn write lands, is validated in full.
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, 0, err
	}
	trustedEnd := int(info.Size()/80) - maxHeadersPerMsg
	chain.Reserve(int(info.Size() / 80))
	loaded := 0
	buf := make([]byte, maxHeadersPerMsg*80)
	batch := make([]Header, 0, maxHeadersPerMsg)
	for {
		want := maxHeadersPerMsg
		if loaded < trustedEnd && trustedEnd-loaded < want {
			want = trustedEnd - loaded
		}
		n, err := io.ReadFull(file, buf[:want*80])
		n -= n % 80
		if loaded+n/80 <= trustedEnd && n > 0 {
			if chain.AppendTrusted(buf[:n]) != nil {
				break
			}
			loaded += n / 80
			continue
		}
		batch = batch[:0]
		for off := 0; off < n; off += 80 {
			h, _ := ParseHeader(buf[off : off+80])
			batch = append(batch, h)
		}
		res, cerr := chain.Connect(batch, nil)
		loaded += len(res.Added)
		if cerr != nil || len(res.Added) != len(batch) {
			// Connect takes a run whole or not at all: keep the valid prefix one header at a time.
			if cerr != nil {
				for _, h := range batch {
					if one, err := chain.Connect([]Header{h}, nil); err != nil || len(one.Added) != 1 {
						break
					}
					loaded++
				}
			}
			break
		}
		if err != nil { // io.EOF or io.ErrUnexpectedEOF: the end of the file
			break
		}
	}
	s := &HeaderStore{file: file, length: int((info.Size() + 79) / 80)} // a torn tail counts: it is cut
	return s, loaded, s.truncate(loaded)
}

func (s *HeaderStore) truncate(height int) error {
	if height >= s.length {
		s.length = height
		return nil
	}
	if err := s.file.Truncate(int64(height) * 80); err != nil {
		return err
	}
	s.length = height
	return nil
}

// Save writes the best chain from height `from` to its tip, then cuts anything past the tip (one
// write per batch; the file is truncated only when a reorg left it longer than the chain). It
// reads the chain itself rather than trusting the caller's tips, so a late call from another peer's
// goroutine rewrites current headers, never stale ones.
func (s *HeaderStore) Save(chain *Chain, from int) error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if from < 1 {
		from = 1
	}
	raw := chain.RawFrom(from)
	buf := make([]byte, 0, len(raw)*80)
	for i := range raw {
		buf = append(buf, raw[i][:]...)
	}
	if _, err := s.file.WriteAt(buf, int64(from-1)*80); err != nil {
		return err
	}
	return s.truncate(from - 1 + len(raw))
}

// Close flushes to the OS.
func (s *HeaderStore) Close() error {
	if s == nil {
		return nil
	}
	syncErr := s.file.Sync()
	if err := s.file.Close(); err != nil {
		return err
	}
	return syncErr
}
