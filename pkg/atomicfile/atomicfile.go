// Package atomicfile writes files so that a reader sees either the old file or
// the complete new one, never a partial write: data goes to a temporary file in
// the destination directory, is fsynced, then renamed over the destination.
// CommitAll extends this to several files: all are replaced, or none.
// A destination that is a symbolic link is replaced by the file (the link's
// target is left alone); permissions are set exactly (no umask).
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// File is an output being written under a temporary name next to its destination.
type File struct {
	f    *os.File
	path string
	done bool
}

// Create starts writing path: it creates a hidden temporary file in path's
// directory with permissions perm. Nothing appears at path until Commit.
func Create(path string, perm os.FileMode) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return nil, fmt.Errorf("%s: not a file name", path)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", path)
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &File{f: f, path: path}, nil
}

// Write appends p to the temporary file.
func (f *File) Write(p []byte) (int, error) { return f.f.Write(p) }

// Path is the destination the file will have after Commit.
func (f *File) Path() string { return f.path }

// TempName is the temporary file's name (for reading back before Commit).
func (f *File) TempName() string { return f.f.Name() }

// Abort discards the temporary file. It is safe to call after Commit or twice.
func (f *File) Abort() {
	if f == nil || f.done {
		return
	}
	f.done = true
	f.f.Close()
	os.Remove(f.f.Name())
}

// Commit fsyncs the temporary file and renames it over the destination.
func (f *File) Commit() error { return CommitAll(f) }

// AbortAll aborts every file (nil entries are skipped).
func AbortAll(files ...*File) {
	for _, f := range files {
		f.Abort()
	}
}

// CommitAll fsyncs every file, then renames each over its destination. If any
// step fails, the destinations already replaced are restored to what they were
// (or removed when they did not exist) and every temporary file is removed, so
// either all destinations hold the new content or none changed. Nil entries are
// skipped. The guarantee holds for errors, not for a crash in the middle of the
// renames (a hidden .bak- file is then left next to the destination).
func CommitAll(files ...*File) (err error) {
	var fs []*File
	for _, f := range files {
		if f != nil {
			if f.done {
				return fmt.Errorf("%s: already committed or aborted", f.path)
			}
			fs = append(fs, f)
		}
	}
	defer func() {
		if err != nil {
			AbortAll(fs...)
		}
	}()
	for _, f := range fs {
		if err := f.f.Sync(); err != nil {
			return fmt.Errorf("cannot write %s: %w", f.path, err)
		}
		if err := f.f.Close(); err != nil {
			return fmt.Errorf("cannot write %s: %w", f.path, err)
		}
	}
	type undo struct {
		path, backup string // backup == "" when the destination did not exist
	}
	var undos []undo
	rollback := func() {
		for i := len(undos) - 1; i >= 0; i-- {
			u := undos[i]
			if u.backup != "" {
				os.Rename(u.backup, u.path)
			} else {
				os.Remove(u.path)
			}
		}
	}
	for _, f := range fs {
		u := undo{path: f.path}
		if len(fs) > 1 {
			if _, err := os.Lstat(f.path); err == nil {
				b, err := backupName(f.path)
				if err == nil {
					if err = os.Rename(f.path, b); err != nil {
						os.Remove(b)
					}
				}
				if err != nil {
					rollback()
					return fmt.Errorf("cannot replace %s: %w", f.path, err)
				}
				u.backup = b
			}
		}
		if err := os.Rename(f.f.Name(), f.path); err != nil {
			if u.backup != "" {
				os.Rename(u.backup, u.path)
			}
			rollback()
			return fmt.Errorf("cannot write %s: %w", f.path, err)
		}
		f.done = true
		undos = append(undos, u)
	}
	dirs := map[string]bool{}
	for _, u := range undos {
		if u.backup != "" {
			os.Remove(u.backup)
		}
		dirs[filepath.Dir(u.path)] = true
	}
	var errs []error
	for d := range dirs {
		errs = append(errs, syncDir(d))
	}
	return errors.Join(errs...)
}

// backupName reserves a hidden name next to path for its old content.
func backupName(path string) (string, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".bak-*")
	if err != nil {
		return "", err
	}
	f.Close()
	return f.Name(), nil
}

// syncDir makes the renames in dir durable. Directories that cannot be
// opened or synced (some platforms) are not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}
