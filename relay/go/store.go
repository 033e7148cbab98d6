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
	mu   sync.Mutex
	file *os.File
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
	data, err := io.ReadAll(file)
	if err != nil {
		file.Close()
		return nil, 0, err
	}
	loaded := 0
	for start := 0; start+80 <= len(data); start += maxHeadersPerMsg * 80 {
		end := start + maxHeadersPerMsg*80
		if end > len(data) {
			end = len(data) - len(data)%80
		}
		batch := make([]Header, 0, (end-start)/80)
		for off := start; off < end; off += 80 {
			h, _ := ParseHeader(data[off : off+80])
			batch = append(batch, h)
		}
		added, err := chain.Connect(batch)
		loaded += len(added)
		if err == nil && len(added) == len(batch) {
			continue
		}
		// Connect takes a run whole or not at all: find the valid prefix one header at a time.
		for _, h := range batch {
			if one, err := chain.Connect([]Header{h}); err != nil || len(one) != 1 {
				break
			}
			loaded++
		}
		break
	}
	s := &HeaderStore{file: file}
	return s, loaded, s.truncate(loaded)
}

func (s *HeaderStore) truncate(height int) error {
	return s.file.Truncate(int64(height) * 80)
}

// Save writes the best chain from height `from` to its tip, then cuts anything past the tip. It
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
