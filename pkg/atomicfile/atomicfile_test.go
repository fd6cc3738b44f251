package atomicfile

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, e := range es {
		n = append(n, e.Name())
	}
	sort.Strings(n)
	return n
}

func write(t *testing.T, f *File, s string) {
	t.Helper()
	if _, err := f.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
}

func TestCommitReplacesAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.jsonl")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(p, 0o640)
	if err != nil {
		t.Fatal(err)
	}
	write(t, f, "new")
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("destination changed before commit: %q", b)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("got %q", b)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}
	if n := names(t, dir); len(n) != 1 {
		t.Errorf("leftovers: %v", n)
	}
	f.Abort() // no-op after commit
	if _, err := os.Stat(p); err != nil {
		t.Errorf("abort after commit removed the file: %v", err)
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "x"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	write(t, f, "data")
	f.Abort()
	if n := names(t, dir); len(n) != 0 {
		t.Errorf("leftovers: %v", n)
	}
}

func TestCreateUnwritableDir(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if _, err := Create(filepath.Join(file, "x"), 0o644); err == nil {
		t.Fatal("Create under a regular file succeeded")
	}
	if _, err := Create(dir, 0o644); err == nil {
		t.Fatal("Create over a directory succeeded")
	}
	if n := names(t, dir); len(n) != 1 {
		t.Errorf("leftovers: %v", n)
	}
	if os.Geteuid() == 0 {
		return // root writes into read-only directories
	}
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(filepath.Join(ro, "x"), 0o644); err == nil {
		t.Fatal("Create in a read-only directory succeeded")
	}
	if n := names(t, ro); len(n) != 0 {
		t.Errorf("leftovers: %v", n)
	}
}

// A failing second rename must restore the first destination.
func TestCommitAllBothOrNeither(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	b := filepath.Join(dir, "b")
	if err := os.WriteFile(a, []byte("old-a"), 0o644); err != nil {
		t.Fatal(err)
	}
	fa, err := Create(a, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := Create(b, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	write(t, fa, "new-a")
	write(t, fb, "new-b")
	// b becomes a non-empty directory after Create: renaming a file over it fails.
	if err := os.MkdirAll(filepath.Join(b, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := CommitAll(fa, fb); err == nil {
		t.Fatal("CommitAll succeeded over a directory")
	}
	if got, _ := os.ReadFile(a); string(got) != "old-a" {
		t.Errorf("a = %q, want old content restored", got)
	}
	if n := names(t, dir); len(n) != 2 || n[0] != "a" || n[1] != "b" {
		t.Errorf("leftovers: %v", n)
	}

	// And the same pair with a fresh (non-existing) first destination.
	os.RemoveAll(b)
	c := filepath.Join(dir, "c")
	fc, _ := Create(c, 0o644)
	fb, _ = Create(b, 0o644)
	os.MkdirAll(filepath.Join(b, "sub"), 0o755)
	if err := CommitAll(fc, fb); err == nil {
		t.Fatal("CommitAll succeeded over a directory")
	}
	if _, err := os.Stat(c); !os.IsNotExist(err) {
		t.Errorf("c exists after a failed CommitAll: %v", err)
	}
	if n := names(t, dir); len(n) != 2 {
		t.Errorf("leftovers: %v", n)
	}
}

func TestCommitAllTwo(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(b, []byte("old-b"), 0o644)
	fa, _ := Create(a, 0o644)
	fb, _ := Create(b, 0o644)
	write(t, fa, "A")
	write(t, fb, "B")
	if err := CommitAll(fa, nil, fb); err != nil {
		t.Fatal(err)
	}
	ga, _ := os.ReadFile(a)
	gb, _ := os.ReadFile(b)
	if string(ga) != "A" || string(gb) != "B" {
		t.Errorf("got %q %q", ga, gb)
	}
	if n := names(t, dir); len(n) != 2 {
		t.Errorf("leftovers (backups?): %v", n)
	}
	if err := CommitAll(fa); err == nil {
		t.Error("second commit of the same file succeeded")
	}
}
