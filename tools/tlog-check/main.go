// Command tlog-check verifies custody-ledger's transparency log (docs/transparency.md) with an
// implementation nobody here wrote: golang.org/x/mod/sumdb/note opens the checkpoint with the
// ledger's verifier key, and golang.org/x/mod/sumdb/tlog authenticates the tiles against its
// root, recomputes the tree and checks inclusion and consistency proofs.
//
//	tlog-check -url URL -vkey VKEY [-cacert FILE] [-old N]... [-leaf I]... [options]
//	tlog-check -offline DIR -vkey VKEY [-old N]... [-leaf I]... [options]
//
// -url reads URL/tlog/checkpoint, URL/tlog/tile/... and the proofs URL/tlog/proof/... over
// HTTP(S); -offline reads the same names from a directory (DIR/checkpoint, DIR/tile/...,
// DIR/proof/inclusion?index=I&size=N), as a mirror would hold them. It prints one line per
// check and exits 0 when every check passed, 1 when one failed, 2 on a usage error.
//
// Built offline from Debian's golang-go and golang-golang-x-mod-dev (x/mod 0.7.0):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o tlog-check ./tools/tlog-check
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const (
	tileHeight = 8
	tileWidth  = 1 << tileHeight
	maxNote    = 8192                      // CKPT_NOTE_MAX
	maxTile    = tileWidth * tlog.HashSize // a full tile
	maxBundle  = tileWidth * (2 + 65535)   // 256 entries of at most 65535 bytes
	maxProof   = 64                        // hashes in a proof of a tree below 2^63
)

var errNotFound = errors.New("not found")

// A source hands out the log's resources by their path under the log's prefix.
type source interface {
	get(path string, limit int64) ([]byte, error)
	where() string
}

type httpSource struct {
	base   string // ends in "/"
	client *http.Client
}

func (s *httpSource) where() string { return s.base }

func (s *httpSource) get(path string, limit int64) ([]byte, error) {
	resp, err := s.client.Get(s.base + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, errNotFound
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %v", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("GET %s: more than %d bytes", path, limit)
	}
	return data, nil
}

type dirSource struct{ dir string }

func (s *dirSource) where() string { return s.dir }

func (s *dirSource) get(path string, limit int64) ([]byte, error) {
	f, err := os.Open(filepath.Join(s.dir, filepath.FromSlash(path)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("%s: more than %d bytes", path, limit)
	}
	return data, err
}

// c2spPath maps a Go tile path ("tile/8/L/N[.p/W]", "tile/8/data/N") to the C2SP tlog-tiles
// one, which has no height segment and names entry bundles "entries".
func c2spPath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", t.H))
	return "tile/" + strings.Replace(p, "data/", "entries/", 1)
}

// fetchTile reads a tile or bundle at width t.W; a partial one that the log no longer holds is
// read from the full tile (tlog-tiles allows that fallback), cut to the width when exact.
func fetchTile(src source, t tlog.Tile, limit int64) (data []byte, full bool, err error) {
	data, err = src.get(c2spPath(t), limit)
	if err == errNotFound && t.W < tileWidth {
		t.W = tileWidth
		data, err = src.get(c2spPath(t), limit)
		full = true
	}
	return data, full, err
}

// tileReader is the tlog.TileReader over a source for the tree of the given size, keeping the
// tiles that TileHashReader saved (authenticated).
//
// It checks every full tile against the hash its parent holds for it itself: x/mod's
// tileHashReader (0.7.0, and upstream as of 2026) authenticates child tiles from position
// len(stx) of its batch, but the batch starts with the distinct tiles of the subtree roots,
// fewer than len(stx) when two roots share a tile, so the children placed in between are
// returned unchecked (a tree of 300 leaves with a forged tile/0/000 passes it). Partial tiles
// are the ones holding the subtree roots, which tileHashReader does check against the root.
type tileReader struct {
	src   source
	size  int64
	saved map[tlog.Tile][]byte
}

func (r *tileReader) Height() int { return tileHeight }

func (r *tileReader) read(t tlog.Tile) ([]byte, error) {
	if d, ok := r.saved[t]; ok {
		return d, nil
	}
	d, full, err := fetchTile(r.src, t, maxTile)
	if err != nil {
		return nil, fmt.Errorf("tile %s: %v", c2spPath(t), err)
	}
	want := t.W * tlog.HashSize
	if full && len(d) == maxTile {
		d = d[:want]
	}
	if len(d) != want {
		return nil, fmt.Errorf("tile %s: %d bytes, want %d", c2spPath(t), len(d), want)
	}
	return d, nil
}

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	batch := map[tlog.Tile][]byte{}
	for i, t := range tiles {
		d, err := r.read(t)
		if err != nil {
			return nil, err
		}
		out[i] = d
		batch[t] = d
	}
	for i, t := range tiles {
		if t.W < tileWidth {
			continue
		}
		p := parentTile(t, r.size)
		pd, ok := batch[p]
		if !ok {
			pd, ok = r.saved[p]
		}
		k := int(t.N % tileWidth)
		if !ok || k >= p.W {
			return nil, fmt.Errorf("tile %s: its parent %s was not read with it", c2spPath(t), c2spPath(p))
		}
		if tileRoot(out[i]) != hashAt(pd, k) {
			return nil, fmt.Errorf("tile %s is not the hash its parent %s holds for it", c2spPath(t), c2spPath(p))
		}
	}
	return out, nil
}

func (r *tileReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {
	for i, t := range tiles {
		r.saved[t] = data[i]
	}
}

// parentTile is the tile above full tile t in a tree of size leaves, at its width there.
func parentTile(t tlog.Tile, size int64) tlog.Tile {
	p := tlog.Tile{H: t.H, L: t.L + 1, N: t.N / tileWidth, W: tileWidth}
	if w := size>>(uint(p.L)*tileHeight) - p.N*tileWidth; w < tileWidth {
		p.W = int(w)
	}
	return p
}

func hashAt(data []byte, k int) (h tlog.Hash) {
	copy(h[:], data[k*tlog.HashSize:])
	return h
}

// tileRoot is the Merkle root of a full tile's 256 hashes: the node its parent holds.
func tileRoot(data []byte) tlog.Hash {
	if len(data) == tlog.HashSize {
		return hashAt(data, 0)
	}
	half := len(data) / 2
	return tlog.NodeHash(tileRoot(data[:half]), tileRoot(data[half:]))
}

// checker counts and prints what was checked.
type checker struct{ passed, failed int }

func (c *checker) ok(format string, args ...interface{}) {
	c.passed++
	fmt.Printf("ok   "+format+"\n", args...)
}

func (c *checker) fail(format string, args ...interface{}) {
	c.failed++
	fmt.Printf("FAIL "+format+"\n", args...)
}

// A checkpoint body (c2sp.org/tlog-checkpoint): tlog.ParseTree reads sumdb's, not this one.
type checkpoint struct {
	origin string
	tree   tlog.Tree
}

func parseCheckpoint(text string) (checkpoint, error) {
	var c checkpoint
	if !strings.HasSuffix(text, "\n") {
		return c, errors.New("checkpoint body does not end in a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 || lines[0] == "" {
		return c, errors.New("checkpoint body has fewer than three lines")
	}
	for _, l := range lines[3:] {
		if l == "" {
			return c, errors.New("checkpoint has an empty extension line")
		}
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != lines[1] {
		return c, fmt.Errorf("checkpoint size %q is not a canonical decimal", lines[1])
	}
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return c, fmt.Errorf("checkpoint root %q is not base64 of 32 bytes", lines[2])
	}
	c.origin = lines[0]
	c.tree.N = n
	copy(c.tree.Hash[:], root)
	return c, nil
}

// A witness's key: its name and Ed25519 key, from a vkey of type 0x04 (tlog-cosignature) or
// 0x01 (the same key as a note signer); its cosignatures carry the id of type 0x04.
type witness struct {
	name string
	id   uint32
	pk   ed25519.PublicKey
}

func keyID(name string, typ byte, pk []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name + "\n"))
	h.Write([]byte{typ})
	h.Write(pk)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

func parseWitness(vkey string) (witness, error) {
	f := strings.SplitN(vkey, "+", 3)
	if len(f) != 3 || f[0] == "" || len(f[1]) != 8 {
		return witness{}, errors.New("not name+id+key")
	}
	id, err1 := hex.DecodeString(f[1])
	key, err2 := base64.StdEncoding.Strict().DecodeString(f[2])
	if err1 != nil || err2 != nil || len(key) != 1+ed25519.PublicKeySize ||
		(key[0] != 0x01 && key[0] != 0x04) {
		return witness{}, errors.New("not an Ed25519 vkey")
	}
	if keyID(f[0], key[0], key[1:]) != binary.BigEndian.Uint32(id) {
		return witness{}, errors.New("its key id does not match")
	}
	return witness{f[0], keyID(f[0], 0x04, key[1:]), ed25519.PublicKey(key[1:])}, nil
}

// cosigned finds w's cosignature among the note's signatures and verifies it over
// "cosignature/v1\ntime T\n" and the text (c2sp.org/tlog-cosignature): its time, or an error.
func (w witness) cosigned(n *note.Note) (uint64, error) {
	found := false
	var when uint64
	for _, s := range n.UnverifiedSigs {
		if s.Name != w.name || s.Hash != w.id {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(s.Base64)
		if err != nil || len(raw) != 4+8+ed25519.SignatureSize {
			return 0, errors.New("a cosignature line of the wrong size")
		}
		t := binary.BigEndian.Uint64(raw[4:12])
		msg := fmt.Sprintf("cosignature/v1\ntime %d\n%s", t, n.Text)
		if !ed25519.Verify(w.pk, []byte(msg), raw[12:]) {
			return 0, errors.New("a cosignature does not verify")
		}
		found, when = true, t
	}
	if !found {
		return 0, errors.New("no cosignature")
	}
	return when, nil
}

// The log as one run sees it: its newest verified checkpoint and the tiles under it.
type log struct {
	c        *checker
	src      source
	verifier note.Verifier
	vkey     string
	head     checkpoint
	hashes   tlog.HashReader
	bundles  map[int64][][]byte
}

// openCheckpoint verifies a signed note with the ledger's key (x/mod's note.Open) and parses
// its body; the key's name must be the origin.
func (l *log) openCheckpoint(text []byte) (*note.Note, checkpoint, error) {
	n, err := note.Open(text, note.VerifierList(l.verifier))
	if err != nil {
		return nil, checkpoint{}, fmt.Errorf("the note does not verify with %s: %v", l.vkey, err)
	}
	c, err := parseCheckpoint(n.Text)
	if err != nil {
		return nil, c, err
	}
	if c.origin != l.verifier.Name() {
		return nil, c, fmt.Errorf("origin %q is not the key's name %q", c.origin, l.verifier.Name())
	}
	return n, c, nil
}

func emptyRoot() tlog.Hash { return tlog.Hash(sha256.Sum256(nil)) }

// rootAt is the root of the tree of size n <= the head's, from the authenticated tiles.
func (l *log) rootAt(n int64) (tlog.Hash, error) {
	if n == 0 {
		return emptyRoot(), nil
	}
	if n > l.head.tree.N {
		return tlog.Hash{}, fmt.Errorf("size %d is beyond the log's %d", n, l.head.tree.N)
	}
	return tlog.TreeHash(n, l.hashes)
}

// bundle reads entry bundle b of the head's tree: its entries, as many as the tree holds.
func (l *log) bundle(b int64) ([][]byte, error) {
	if e, ok := l.bundles[b]; ok {
		return e, nil
	}
	w := l.head.tree.N - b*tileWidth
	if w > tileWidth {
		w = tileWidth
	}
	t := tlog.Tile{H: tileHeight, L: -1, N: b, W: int(w)}
	data, full, err := fetchTile(l.src, t, maxBundle)
	if err != nil {
		return nil, fmt.Errorf("entry bundle %s: %v", c2spPath(t), err)
	}
	var entries [][]byte
	for len(data) > 0 && len(entries) < t.W {
		if len(data) < 2 || len(data) < 2+int(binary.BigEndian.Uint16(data)) {
			return nil, fmt.Errorf("entry bundle %s: an entry runs past the end", c2spPath(t))
		}
		n := int(binary.BigEndian.Uint16(data))
		entries = append(entries, data[2:2+n])
		data = data[2+n:]
	}
	if len(entries) != t.W || (len(data) > 0 && !full) {
		return nil, fmt.Errorf("entry bundle %s: %d entries and %d bytes more, want %d entries",
			c2spPath(t), len(entries), len(data), t.W)
	}
	l.bundles[b] = entries
	return entries, nil
}

func (l *log) entry(i int64) ([]byte, error) {
	e, err := l.bundle(i / tileWidth)
	if err != nil {
		return nil, err
	}
	return e[i%tileWidth], nil
}

// leafValid says why data is not one leaf of docs/transparency.md ("Leaves"), or "".
func leafValid(d []byte) string {
	switch {
	case len(d) < 2 || d[0] != 1:
		return "not of version 1"
	case d[1] < 1 || d[1] > 64 || len(d) != 2+int(d[1])+8+32:
		return fmt.Sprintf("%d bytes with a terminal id of %d", len(d), d[1])
	}
	seq := binary.BigEndian.Uint64(d[2+int(d[1]):])
	if seq < 1 || seq > 1<<63-1 {
		return fmt.Sprintf("seq %d", seq)
	}
	for _, ch := range d[2 : 2+int(d[1])] {
		if ch <= 0x20 || ch >= 0x7f {
			return "a terminal id that is not printable ASCII"
		}
	}
	return ""
}

// checkEntries reads every entry bundle and compares each entry's RecordHash with the
// level-0 hash the authenticated tiles hold for it.
func (l *log) checkEntries() {
	n := l.head.tree.N
	for b := int64(0); b*tileWidth < n; b++ {
		entries, err := l.bundle(b)
		if err != nil {
			l.c.fail("entries: %v", err)
			return
		}
		idx := make([]int64, len(entries))
		for i := range entries {
			idx[i] = tlog.StoredHashIndex(0, b*tileWidth+int64(i))
		}
		hs, err := l.hashes.ReadHashes(idx)
		if err != nil {
			l.c.fail("entries: level-0 hashes of bundle %d: %v", b, err)
			return
		}
		for i, e := range entries {
			leaf := b*tileWidth + int64(i)
			if tlog.RecordHash(e) != hs[i] {
				l.c.fail("entries: leaf %d: its hash is not the tile's: the first bad index is %d", leaf, leaf)
				return
			}
			if why := leafValid(e); why != "" {
				l.c.fail("entries: leaf %d is malformed: %s", leaf, why)
				return
			}
		}
	}
	l.c.ok("entries: the %d leaves hash to the level-0 tiles and are well-formed", n)
}

// checkLeaf proves leaf i from the tiles (ProveRecord) and checks it (CheckRecord).
func (l *log) checkLeaf(i int64) {
	n := l.head.tree.N
	if i < 0 || i >= n {
		l.c.fail("leaf %d: not in the tree of size %d", i, n)
		return
	}
	data, err := l.entry(i)
	if err != nil {
		l.c.fail("leaf %d: %v", i, err)
		return
	}
	p, err := tlog.ProveRecord(n, i, l.hashes)
	if err != nil {
		l.c.fail("leaf %d: ProveRecord: %v", i, err)
		return
	}
	if err := tlog.CheckRecord(p, n, l.head.tree.Hash, i, tlog.RecordHash(data)); err != nil {
		l.c.fail("leaf %d: CheckRecord: %v", i, err)
		return
	}
	l.c.ok("leaf %d: inclusion in %d (%d hashes) verifies", i, n, len(p))
	var lp ledgerProof
	err = l.getProof(fmt.Sprintf("proof/inclusion?index=%d&size=%d", i, n), &lp)
	if err == nil && (lp.Index == nil || *lp.Index != i || lp.Size != n) {
		err = errors.New("the answer is for another index or size")
	}
	if err == nil {
		err = tlog.CheckRecord(lp.proof, n, l.head.tree.Hash, i, tlog.RecordHash(data))
	}
	if err != nil {
		l.c.fail("leaf %d: the ledger's inclusion proof: %v", i, err)
		return
	}
	l.c.ok("leaf %d: the ledger's inclusion proof (%d hashes) verifies", i, len(lp.proof))
}

// A proof as GET /tlog/proof/inclusion and /tlog/proof/consistency answer it.
type ledgerProof struct {
	Index *int64   `json:"index"`
	Old   *int64   `json:"old"`
	Size  int64    `json:"size"`
	Proof []string `json:"proof"`
	proof []tlog.Hash
}

func (l *log) getProof(path string, p *ledgerProof) error {
	raw, err := l.src.get(path, 64*1024)
	if err != nil {
		return fmt.Errorf("GET /tlog/%s: %v", path, err)
	}
	if err := json.Unmarshal(raw, p); err != nil {
		return fmt.Errorf("GET /tlog/%s: not JSON: %v", path, err)
	}
	p.proof, err = parseHashes(p.Proof)
	return err
}

// checkEvent finds an event's leaf (GET /tlog/leaf), checks that the leaf is that event's
// and checks its inclusion as -leaf does.
func (l *log) checkEvent(spec string) {
	i := strings.LastIndexByte(spec, ':')
	seq, err := strconv.ParseInt(spec[i+1:], 10, 64)
	if i < 1 || err != nil || seq < 1 {
		l.c.fail("event %s: not TERMINAL:SEQ", spec)
		return
	}
	term := spec[:i]
	var ans struct {
		Terminal string `json:"terminal"`
		Seq      int64  `json:"seq"`
		Index    *int64 `json:"index"`
	}
	path := fmt.Sprintf("leaf?terminal=%s&seq=%d", url.QueryEscape(term), seq)
	raw, err := l.src.get(path, 4096)
	if err == nil {
		err = json.Unmarshal(raw, &ans)
	}
	if err == nil && (ans.Index == nil || ans.Terminal != term || ans.Seq != seq) {
		err = errors.New("the answer is for another event or has no index")
	}
	if err == nil && (*ans.Index < 0 || *ans.Index >= l.head.tree.N) {
		err = fmt.Errorf("index %d is not below the size %d", *ans.Index, l.head.tree.N)
	}
	var data []byte
	if err == nil {
		data, err = l.entry(*ans.Index)
	}
	if err != nil {
		l.c.fail("event %s: GET /tlog/%s: %v", spec, path, err)
		return
	}
	if leafValid(data) != "" || string(data[2:2+int(data[1])]) != term ||
		binary.BigEndian.Uint64(data[2+int(data[1]):]) != uint64(seq) {
		l.c.fail("event %s: leaf %d is not this event's", spec, *ans.Index)
		return
	}
	l.c.ok("event %s: its leaf is %d", spec, *ans.Index)
	l.checkLeaf(*ans.Index)
}

// checkOld proves the tree of size m a prefix of the head (ProveTree) and checks it (CheckTree).
func (l *log) checkOld(m int64) {
	n := l.head.tree.N
	if m < 1 || m > n {
		l.c.fail("old %d: not a size from 1 to %d", m, n)
		return
	}
	old, err := l.rootAt(m)
	if err != nil {
		l.c.fail("old %d: its root from the tiles: %v", m, err)
		return
	}
	p, err := tlog.ProveTree(n, m, l.hashes)
	if err != nil {
		l.c.fail("old %d: ProveTree: %v", m, err)
		return
	}
	if err := tlog.CheckTree(p, n, l.head.tree.Hash, m, old); err != nil {
		l.c.fail("old %d: CheckTree: %v", m, err)
		return
	}
	l.c.ok("old %d: consistency with %d (%d hashes) verifies, old root %s", m, n, len(p), old)
	var lp ledgerProof
	err = l.getProof(fmt.Sprintf("proof/consistency?old=%d&size=%d", m, n), &lp)
	if err == nil && (lp.Old == nil || *lp.Old != m || lp.Size != n) {
		err = errors.New("the answer is for another old size or size")
	}
	if err == nil {
		err = tlog.CheckTree(lp.proof, n, l.head.tree.Hash, m, old)
	}
	if err != nil {
		l.c.fail("old %d: the ledger's consistency proof: %v", m, err)
		return
	}
	l.c.ok("old %d: the ledger's consistency proof (%d hashes) verifies", m, len(lp.proof))
}

func parseHashes(list []string) ([]tlog.Hash, error) {
	if len(list) > maxProof {
		return nil, fmt.Errorf("%d hashes", len(list))
	}
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		b, err := base64.StdEncoding.Strict().DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			return nil, fmt.Errorf("hash %d is not base64 of 32 bytes", i)
		}
		copy(out[i][:], b)
	}
	return out, nil
}

// A log object as the ledger answers it (docs/transparency.md, GET /v1/head and pushes).
type logObject struct {
	Checkpoint  string   `json:"checkpoint"`
	Leaf        *int64   `json:"leaf"`
	Inclusion   []string `json:"inclusion"`
	Consistency []string `json:"consistency"`
	Old         *int64   `json:"old"` // the size asked as ?old=N, when the file records it
}

// checkHead checks a saved log object: its checkpoint signed and in the log we see, the
// inclusion proof of its leaf and the consistency proof from old (CheckRecord, CheckTree).
func (l *log) checkHead(file string, oldFlag int64) {
	raw, err := os.ReadFile(file)
	if err != nil {
		l.c.fail("head %s: %v", file, err)
		return
	}
	var wrap struct {
		Log *logObject `json:"log"`
	}
	var obj logObject
	if json.Unmarshal(raw, &wrap) == nil && wrap.Log != nil {
		obj = *wrap.Log
	} else if err := json.Unmarshal(raw, &obj); err != nil {
		l.c.fail("head %s: not JSON: %v", file, err)
		return
	}
	_, c, err := l.openCheckpoint([]byte(obj.Checkpoint))
	if err != nil {
		l.c.fail("head %s: checkpoint: %v", file, err)
		return
	}
	root, err := l.rootAt(c.tree.N)
	if err != nil || root != c.tree.Hash {
		l.c.fail("head %s: its checkpoint of size %d is not the log's tree at that size", file, c.tree.N)
		return
	}
	l.c.ok("head %s: checkpoint of size %d verifies and is the log's tree at that size", file, c.tree.N)
	if obj.Leaf != nil {
		l.headInclusion(file, c, *obj.Leaf, obj.Inclusion)
	} else if len(obj.Inclusion) > 0 {
		l.c.fail("head %s: an inclusion proof without a leaf", file)
	}
	old := oldFlag
	if obj.Old != nil {
		old = *obj.Old
	}
	if len(obj.Consistency) > 0 || old > 0 {
		l.headConsistency(file, c, old, obj.Consistency)
	}
}

func (l *log) headInclusion(file string, c checkpoint, i int64, proof []string) {
	p, err := parseHashes(proof)
	if err == nil && (i < 0 || i >= c.tree.N) {
		err = fmt.Errorf("leaf %d is not below the size %d", i, c.tree.N)
	}
	var data []byte
	if err == nil {
		data, err = l.entry(i)
	}
	if err == nil {
		err = tlog.CheckRecord(tlog.RecordProof(p), c.tree.N, c.tree.Hash, i, tlog.RecordHash(data))
	}
	if err != nil {
		l.c.fail("head %s: inclusion of leaf %d: %v", file, i, err)
		return
	}
	l.c.ok("head %s: the ledger's inclusion proof of leaf %d in %d verifies", file, i, c.tree.N)
}

func (l *log) headConsistency(file string, c checkpoint, old int64, proof []string) {
	if old <= 0 {
		l.c.fail("head %s: a consistency proof but no old size (\"old\" or -head-old)", file)
		return
	}
	p, err := parseHashes(proof)
	var oldRoot tlog.Hash
	if err == nil && old > c.tree.N {
		err = fmt.Errorf("old size %d is above %d", old, c.tree.N)
	}
	if err == nil {
		oldRoot, err = l.rootAt(old)
	}
	if err == nil {
		err = tlog.CheckTree(tlog.TreeProof(p), c.tree.N, c.tree.Hash, old, oldRoot)
	}
	if err != nil {
		l.c.fail("head %s: consistency from %d: %v", file, old, err)
		return
	}
	l.c.ok("head %s: the ledger's consistency proof from %d to %d verifies", file, old, c.tree.N)
}

// parseProof reads a c2sp.org/tlog-proof@v1 text: extra, index, hashes and the note.
func parseProof(text string) (extra []byte, index int64, hashes []tlog.Hash, nt string, err error) {
	rest, ok := cutPrefix(text, "c2sp.org/tlog-proof@v1\n")
	if !ok {
		return nil, 0, nil, "", errors.New("the first line is not c2sp.org/tlog-proof@v1")
	}
	line, rest := cutLine(rest)
	if v, ok := cutPrefix(line, "extra "); ok {
		if extra, err = base64.StdEncoding.Strict().DecodeString(v); err != nil || len(extra) == 0 {
			return nil, 0, nil, "", errors.New("extra is not base64")
		}
		line, rest = cutLine(rest)
	}
	v, ok := cutPrefix(line, "index ")
	if !ok {
		return nil, 0, nil, "", errors.New("no index line")
	}
	if index, err = strconv.ParseInt(v, 10, 64); err != nil || index < 0 ||
		strconv.FormatInt(index, 10) != v {
		return nil, 0, nil, "", errors.New("the index is not a canonical decimal")
	}
	var list []string
	for line, rest = cutLine(rest); line != ""; line, rest = cutLine(rest) {
		list = append(list, line)
	}
	if hashes, err = parseHashes(list); err != nil {
		return nil, 0, nil, "", err
	}
	return extra, index, hashes, rest, nil
}

func cutPrefix(s, p string) (string, bool) {
	if strings.HasPrefix(s, p) {
		return s[len(p):], true
	}
	return s, false
}

func cutLine(s string) (string, string) {
	i := strings.IndexByte(s, '\n')
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// checkProof checks an offline proof: its checkpoint signed (and cosigned by every -witness),
// the log's tree at that size, the leaf (extra) the log's entry, its inclusion (CheckRecord).
func (l *log) checkProof(file string, witnesses []witness) {
	raw, err := os.ReadFile(file)
	if err != nil {
		l.c.fail("proof %s: %v", file, err)
		return
	}
	extra, i, p, nt, err := parseProof(string(raw))
	if err != nil {
		l.c.fail("proof %s: %v", file, err)
		return
	}
	n, c, err := l.openCheckpoint([]byte(nt))
	if err != nil {
		l.c.fail("proof %s: checkpoint: %v", file, err)
		return
	}
	for _, w := range witnesses {
		if _, err := w.cosigned(n); err != nil {
			l.c.fail("proof %s: witness %s: %v", file, w.name, err)
			return
		}
	}
	if i >= c.tree.N {
		l.c.fail("proof %s: index %d is not below the size %d", file, i, c.tree.N)
		return
	}
	if err := tlog.CheckRecord(tlog.RecordProof(p), c.tree.N, c.tree.Hash, i, tlog.RecordHash(extra)); err != nil {
		l.c.fail("proof %s: inclusion of leaf %d in %d: %v", file, i, c.tree.N, err)
		return
	}
	l.c.ok("proof %s: leaf %d's inclusion in the signed checkpoint of size %d verifies", file, i, c.tree.N)
	if root, err := l.rootAt(c.tree.N); err != nil || root != c.tree.Hash {
		l.c.fail("proof %s: its checkpoint is not the log's tree of size %d", file, c.tree.N)
		return
	}
	if e, err := l.entry(i); err != nil || !bytes.Equal(e, extra) {
		l.c.fail("proof %s: its leaf data is not the log's leaf %d", file, i)
		return
	}
	l.c.ok("proof %s: its checkpoint and leaf are the log's", file)
}

type int64List []int64

func (l *int64List) String() string { return fmt.Sprint(*l) }
func (l *int64List) Set(s string) error {
	v, err := strconv.ParseInt(s, 10, 64)
	*l = append(*l, v)
	return err
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

func usage() {
	fmt.Fprintf(os.Stderr, "usage: tlog-check (-url URL [-cacert FILE] | -offline DIR) -vkey VKEY\n"+
		"\t[-old N]... [-leaf I]... [-event TERMINAL:SEQ]... [-head FILE [-head-old N]]...\n"+
		"\t[-proof FILE]... [-witness VKEY]... [-entries=false]\n")
	flag.PrintDefaults()
	os.Exit(2)
}

func newSource(base, dir, cacert string) (source, error) {
	if (base == "") == (dir == "") {
		return nil, errors.New("give one of -url and -offline")
	}
	if dir != "" {
		return &dirSource{dir}, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if cacert != "" {
		pem, err := os.ReadFile(cacert)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no certificate", cacert)
		}
	}
	client := &http.Client{
		Timeout:   60 * time.Second,
		Transport: &http.Transport{TLSClientConfig: cfg, Proxy: nil},
	}
	return &httpSource{strings.TrimSuffix(base, "/") + "/tlog/", client}, nil
}

func main() {
	var olds, leaves int64List
	var heads, proofs, wkeys, events stringList
	urlFlag := flag.String("url", "", "the ledger's URL (https://HOST:PORT); the log is under /tlog/")
	dir := flag.String("offline", "", "a directory laid out as URL/tlog/: checkpoint, tile/...")
	vkey := flag.String("vkey", "", "the ledger's verifier key, name+id+key (custody-ledger key)")
	cacert := flag.String("cacert", "", "PEM file of the CA that signed the ledger's certificate")
	entries := flag.Bool("entries", true, "read every entry bundle and check it against the tiles")
	headOld := flag.Int64("head-old", 0, "the old size a -head file's consistency proof starts from")
	flag.Var(&olds, "old", "check consistency from this tree size to the checkpoint's (repeatable)")
	flag.Var(&leaves, "leaf", "check the inclusion of this leaf index (repeatable)")
	flag.Var(&events, "event", "TERMINAL:SEQ: find its leaf (GET /tlog/leaf) and check it (repeatable)")
	flag.Var(&heads, "head", "a saved log object (GET /v1/head, a push answer) to check (repeatable)")
	flag.Var(&proofs, "proof", "a c2sp.org/tlog-proof file to check (repeatable)")
	flag.Var(&wkeys, "witness", "a witness's vkey whose cosignature the checkpoint must carry (repeatable)")
	flag.Usage = usage
	flag.Parse()
	if flag.NArg() > 0 || *vkey == "" {
		usage()
	}
	src, err := newSource(*urlFlag, *dir, *cacert)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tlog-check: %v\n", err)
		os.Exit(2)
	}
	v, err := note.NewVerifier(*vkey)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tlog-check: -vkey: %v\n", err)
		os.Exit(2)
	}
	var witnesses []witness
	for _, k := range wkeys {
		w, err := parseWitness(k)
		if err != nil {
			fmt.Fprintf(os.Stderr, "tlog-check: -witness %s: %v\n", k, err)
			os.Exit(2)
		}
		witnesses = append(witnesses, w)
	}
	c := &checker{}
	l := &log{c: c, src: src, verifier: v, vkey: *vkey, bundles: map[int64][][]byte{}}
	if l.run(witnesses, *entries) {
		for _, m := range olds {
			l.checkOld(m)
		}
		for _, i := range leaves {
			l.checkLeaf(i)
		}
		for _, e := range events {
			l.checkEvent(e)
		}
		for _, f := range heads {
			l.checkHead(f, *headOld)
		}
		for _, f := range proofs {
			l.checkProof(f, witnesses)
		}
	}
	fmt.Printf("tlog-check: %d passed, %d failed\n", c.passed, c.failed)
	if c.failed > 0 || c.passed == 0 {
		os.Exit(1)
	}
}

// run checks the newest checkpoint, its cosignatures, the tiles against its root and the
// entries; false when nothing further can be checked.
func (l *log) run(witnesses []witness, entries bool) bool {
	text, err := l.src.get("checkpoint", maxNote)
	if err != nil {
		l.c.fail("checkpoint: %s: %v", l.src.where(), err)
		return false
	}
	n, c, err := l.openCheckpoint(text)
	if err != nil {
		l.c.fail("checkpoint: %v", err)
		return false
	}
	l.head = c
	l.c.ok("checkpoint: %s size %d root %s, signed by %s", c.origin, c.tree.N, c.tree.Hash, l.vkey)
	for _, w := range witnesses {
		if t, err := w.cosigned(n); err != nil {
			l.c.fail("checkpoint: witness %s: %v", w.name, err)
		} else {
			l.c.ok("checkpoint: cosigned by %s at %d", w.name, t)
		}
	}
	if c.tree.N == 0 {
		if c.tree.Hash != emptyRoot() {
			l.c.fail("tiles: the empty tree's root is not SHA-256 of nothing")
			return false
		}
		l.c.ok("tiles: the tree is empty and its root is SHA-256 of nothing")
		return true
	}
	l.hashes = tlog.TileHashReader(c.tree, &tileReader{l.src, c.tree.N, map[tlog.Tile][]byte{}})
	root, err := tlog.TreeHash(c.tree.N, l.hashes)
	if err != nil || root != c.tree.Hash {
		l.c.fail("tiles: they do not authenticate the root of size %d: %v", c.tree.N, err)
		return false
	}
	l.c.ok("tiles: TileHashReader authenticates them against the root of size %d", c.tree.N)
	if entries {
		l.checkEntries()
	}
	return true
}
