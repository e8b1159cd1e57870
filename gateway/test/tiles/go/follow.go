// An independent follower of a TML Anchor log, written against Go's own transparency-log
// packages (golang.org/x/mod/sumdb/note and sumdb/tlog) and nothing of this repository: it
// verifies the C2SP checkpoint note with the log's verifier key, computes the tree hash from the
// tiles, rebuilds the tree from the entry bundles and checks it has the signed root and that every
// tile served holds its hashes, and checks inclusion proofs built from the tiles.
//
// GOPATH mode, no module (Debian's golang-golang-x-mod-dev):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run follow.go -prefix URL -vkey KEY [-proofs 0,1,255]
//
// Prints one JSON line and exits 0 when everything verifies; prints the failure and exits 1.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// tileHeight is C2SP's: tiles of 2^8 = 256 hashes.
const tileHeight = 8

var client = &http.Client{Timeout: 10 * time.Second}

func fetch(url string) ([]byte, http.Header, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return body, resp.Header, nil
}

// c2spPath maps the sumdb tile path tile/8/L/N[.p/W] (tile/8/data/N for entries) to C2SP's
// tile/L/N[.p/W] (tile/entries/N): same N and width encoding, no height element.
func c2spPath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", tileHeight))
	if strings.HasPrefix(p, "data/") {
		return "tile/entries/" + strings.TrimPrefix(p, "data/")
	}
	return "tile/" + p
}

// httpTiles is a tlog.TileReader over a C2SP tile server. The tiles it returns are not trusted:
// tlog.TileHashReader authenticates them against the tree hash of the verified note.
type httpTiles struct {
	prefix string
	// Every tile served, kept to compare with the tree the entries build (step 5).
	fetched map[tlog.Tile][]byte
}

func (r *httpTiles) Height() int { return tileHeight }

func (r *httpTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(tiles))
	for i, t := range tiles {
		body, header, err := fetch(r.prefix + "/" + c2spPath(t))
		if err != nil {
			return nil, err
		}
		if ct := header.Get("Content-Type"); ct != "application/octet-stream" {
			return nil, fmt.Errorf("%s: Content-Type %q", c2spPath(t), ct)
		}
		r.fetched[t] = body
		data[i] = body
	}
	return data, nil
}

func (r *httpTiles) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

// readBundle splits an entry bundle: big-endian uint16 length, then the entry, repeated.
func readBundle(b []byte) ([][]byte, error) {
	var entries [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, fmt.Errorf("truncated entry length")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, fmt.Errorf("entry runs past the bundle")
		}
		entries = append(entries, b[2:2+n])
		b = b[2+n:]
	}
	return entries, nil
}

func run() (map[string]interface{}, error) {
	prefix := flag.String("prefix", "", "the log's URL prefix (…/tiles)")
	vkey := flag.String("vkey", "", "the log's note verifier key (name+hash+base64)")
	proofs := flag.String("proofs", "0", "comma-separated leaf indexes to prove (clipped to the tree)")
	flag.Parse()

	// 1. The checkpoint note, signed by the key we trust.
	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		return nil, fmt.Errorf("verifier key: %v", err)
	}
	msg, header, err := fetch(*prefix + "/checkpoint")
	if err != nil {
		return nil, err
	}
	if ct := header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		return nil, fmt.Errorf("checkpoint: Content-Type %q", ct)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return nil, fmt.Errorf("checkpoint note: %v", err)
	}

	// 2. Its body (c2sp.org/tlog-checkpoint): origin, size, root hash.
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return nil, fmt.Errorf("checkpoint has %d lines", len(lines))
	}
	origin := lines[0]
	if origin != verifier.Name() {
		return nil, fmt.Errorf("origin %q is not the key's name %q", origin, verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size <= 0 || strconv.FormatInt(size, 10) != lines[1] {
		return nil, fmt.Errorf("tree size %q", lines[1])
	}
	rootBytes, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(rootBytes) != tlog.HashSize {
		return nil, fmt.Errorf("root hash %q", lines[2])
	}
	var root tlog.Hash
	copy(root[:], rootBytes)

	// 3. The tiles, authenticated against the note's root, give back the same tree hash.
	tiles := &httpTiles{prefix: *prefix, fetched: map[tlog.Tile][]byte{}}
	hashes := tlog.TileHashReader(tlog.Tree{N: size, Hash: root}, tiles)
	th, err := tlog.TreeHash(size, hashes)
	if err != nil {
		return nil, fmt.Errorf("tree hash from tiles: %v", err)
	}
	if th != root {
		return nil, fmt.Errorf("tree hash %v from tiles, note says %v", th, root)
	}

	// 4. Every entry of every bundle hashes (RFC 6962 leaf) to its authenticated leaf hash, and
	// is the MTL whose seq is its index.
	entries := make([][]byte, 0, size)
	for start := int64(0); start < size; start += 1 << tileHeight {
		w := size - start
		if w > 1<<tileHeight {
			w = 1 << tileHeight
		}
		t := tlog.Tile{H: tileHeight, L: -1, N: start >> tileHeight, W: int(w)}
		body, _, err := fetch(*prefix + "/" + c2spPath(t))
		if err != nil {
			return nil, err
		}
		bundle, err := readBundle(body)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", c2spPath(t), err)
		}
		if len(bundle) != int(w) {
			return nil, fmt.Errorf("%s: %d entries, want %d", c2spPath(t), len(bundle), w)
		}
		entries = append(entries, bundle...)
	}
	indexes := make([]int64, size)
	for i := range indexes {
		indexes[i] = tlog.StoredHashIndex(0, int64(i))
	}
	leaves, err := hashes.ReadHashes(indexes)
	if err != nil {
		return nil, fmt.Errorf("leaf hashes: %v", err)
	}
	// The entries alone, hashed here, rebuild the tree (tlog.StoredHashes, in memory): its hash
	// must be the signed root. This does not rely on the tile reader's own authentication, which
	// in x/mod 0.7.0 (Debian bookworm) skips some child tiles when several subtree hashes of the
	// tree hash share one tile (its loop starts at len(stx), a count of hashes, not of tiles).
	var stored []tlog.Hash
	memory := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x >= int64(len(stored)) {
				return nil, fmt.Errorf("stored hash %d not computed", x)
			}
			out[i] = stored[x]
		}
		return out, nil
	})
	for i, e := range entries {
		more, err := tlog.StoredHashes(int64(i), e, memory)
		if err != nil {
			return nil, fmt.Errorf("stored hashes of entry %d: %v", i, err)
		}
		stored = append(stored, more...)
	}
	if own, err := tlog.TreeHash(size, memory); err != nil || own != root {
		return nil, fmt.Errorf("the entries build tree hash %v, the note says %v (%v)", own, root, err)
	}
	// Every tile served holds exactly the hashes of that tree.
	for t, data := range tiles.fetched {
		for i := 0; i < t.W; i++ {
			want := stored[tlog.StoredHashIndex(t.L*tileHeight, t.N<<tileHeight+int64(i))]
			if !bytes.Equal(data[i*tlog.HashSize:(i+1)*tlog.HashSize], want[:]) {
				return nil, fmt.Errorf("%s: hash %d differs from the tree the entries build", c2spPath(t), i)
			}
		}
	}
	for i, e := range entries {
		if tlog.RecordHash(e) != leaves[i] {
			return nil, fmt.Errorf("entry %d does not hash to its leaf", i)
		}
		var mtl struct {
			V   string `json:"v"`
			Seq int64  `json:"seq"`
		}
		if err := json.Unmarshal(e, &mtl); err != nil || mtl.V != "mtl/1" || mtl.Seq != int64(i) {
			return nil, fmt.Errorf("entry %d is not the mtl/1 record with seq %d", i, i)
		}
	}

	// 5. Inclusion proofs from the tiles, checked against the note's root.
	checked := 0
	for _, s := range strings.Split(*proofs, ",") {
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("-proofs: %v", err)
		}
		if i >= size {
			i = size - 1
		}
		p, err := tlog.ProveRecord(size, i, hashes)
		if err != nil {
			return nil, fmt.Errorf("prove %d: %v", i, err)
		}
		if err := tlog.CheckRecord(p, size, root, i, tlog.RecordHash(entries[i])); err != nil {
			return nil, fmt.Errorf("check %d: %v", i, err)
		}
		// A proof must not hold for another entry.
		other := (i + 1) % size
		if other != i && !bytes.Equal(entries[other], entries[i]) {
			if tlog.CheckRecord(p, size, root, i, tlog.RecordHash(entries[other])) == nil {
				return nil, fmt.Errorf("proof of %d also holds for entry %d", i, other)
			}
		}
		checked++
	}

	return map[string]interface{}{
		"ok":             true,
		"origin":         origin,
		"treeSize":       size,
		"rootHash":       lines[2],
		"signatures":     len(n.Sigs),
		"tilesFetched":   len(tiles.fetched),
		"entriesChecked": len(entries),
		"proofsChecked":  checked,
	}, nil
}

func main() {
	result, err := run()
	if err != nil {
		fmt.Fprintln(os.Stderr, "follow:", err)
		os.Exit(1)
	}
	out, _ := json.Marshal(result)
	fmt.Println(string(out))
}
