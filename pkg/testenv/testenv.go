// Package testenv starts the real local stand-ins the service tests run against:
// Prism (npm @stoplight/prism-cli) serving the official API specs, and Azurite
// (npm azurite) for Blob Storage. Each runs on 127.0.0.1 with a free port and is
// stopped when the test ends. Where node or the npm packages are missing the
// test is skipped with a message that says how to install them.
package testenv

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RepoRoot returns the directory holding go.mod, found upwards from the working directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// SharedDir returns ../shared beside the repository, or skips the test where it is absent.
func SharedDir(t testing.TB) string {
	t.Helper()
	d := filepath.Join(filepath.Dir(RepoRoot(t)), "shared")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("../shared is absent (%v): skipping a test that reads the shared specs or datasets", err)
	}
	return d
}

// NodeBin returns the path of an npm-installed executable (prism, azurite-blob,
// ...), looked up in $FTPREP_NODE_DIR/node_modules/.bin, then tools/node/node_modules/.bin.
// It skips the test with install advice where node or the package is missing.
func NodeBin(t testing.TB, name string) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skipf("node is not installed: skipping (install Node.js, then `npm ci --prefix tools/node`)")
	}
	var dirs []string
	if d := os.Getenv("FTPREP_NODE_DIR"); d != "" {
		dirs = append(dirs, filepath.Join(d, "node_modules", ".bin"))
	}
	dirs = append(dirs, filepath.Join(RepoRoot(t), "tools", "node", "node_modules", ".bin"))
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("%s is not installed: skipping (run `npm ci --prefix tools/node`, as .ci/run does)", name)
	return ""
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Server is a started stand-in.
type Server struct {
	readyAt int    // length of the log when the server became ready
	URL     string // http://127.0.0.1:PORT
	Port    int
	mu      sync.Mutex
	log     bytes.Buffer
}

// Log returns what the server printed so far (Prism logs its validation verdicts there).
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

type lockedWriter struct{ s *Server }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return w.s.log.Write(p)
}

// start runs bin with args (PORT replaced by a free port) and waits until ready(url) is true.
func start(t testing.TB, bin string, args []string, ready func(url string) bool, timeout time.Duration) *Server {
	t.Helper()
	port := FreePort(t)
	s := &Server{Port: port, URL: "http://127.0.0.1:" + strconv.Itoa(port)}
	full := make([]string, len(args))
	for i, a := range args {
		full[i] = strings.ReplaceAll(a, "PORT", strconv.Itoa(port))
	}
	cmd := exec.Command(bin, full...)
	cmd.Stdout, cmd.Stderr = lockedWriter{s}, lockedWriter{s}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			t.Fatalf("%s exited before it was ready:\n%s", filepath.Base(bin), s.Log())
		default:
		}
		if ready(s.URL) {
			s.mu.Lock()
			s.readyAt = s.log.Len()
			s.mu.Unlock()
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s not ready after %v:\n%s", filepath.Base(bin), timeout, s.Log())
	return nil
}

// readyPath is the path the readiness probe asks Prism for (it answers 404).
const readyPath = "/__ftprep_ready"

// Prism serves spec (a path) with request validation on, as `prism mock`.
func Prism(t testing.TB, spec string) *Server {
	t.Helper()
	bin := NodeBin(t, "prism")
	if _, err := os.Stat(spec); err != nil {
		t.Fatalf("spec: %v", err)
	}
	return start(t, bin, []string{"mock", "-h", "127.0.0.1", "-p", "PORT", spec}, func(u string) bool {
		// Prism answers every path once it listens (404/401/422 are fine: it is up).
		resp, err := http.Get(u + readyPath)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	}, 180*time.Second) // the OpenAI spec takes ~10 s to load on a quiet machine, minutes under load
}

// PrismSpec returns the path of a spec prepared for Prism under
// ../shared/specs/prism/ (e.g. "azure-openai-dataplane/authoring/azureopenai-2025-04-01-preview.json"),
// or of a copy in testdata when rel starts with "testdata/".
func PrismSpec(t testing.TB, rel string) string {
	t.Helper()
	if strings.HasPrefix(rel, "testdata/") {
		return filepath.Join(RepoRoot(t), rel)
	}
	return filepath.Join(SharedDir(t), "specs", "prism", rel)
}

// AzuriteDevConnString is the connection string of Azurite's well-known development account at url.
func AzuriteDevConnString(url string) string {
	return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=" + url + "/devstoreaccount1;"
}

// Azurite starts azurite-blob in a temporary folder.
func Azurite(t testing.TB) *Server {
	t.Helper()
	bin := NodeBin(t, "azurite-blob")
	dir := t.TempDir()
	return start(t, bin, []string{"--blobHost", "127.0.0.1", "--blobPort", "PORT", "--location", dir,
		"--disableTelemetry", "--skipApiVersionCheck", "--silent"}, func(u string) bool {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(u, "http://"), 200*time.Millisecond)
		if err != nil {
			return false
		}
		c.Close()
		return true
	}, 60*time.Second)
}

// MustPassValidation fails the test when Prism reported, after it became
// ready, a request that did not match the spec: a request-validation error
// ("✖ error" lines, 422 UNPROCESSABLE_ENTITY), an unknown path or method, or
// a missing credential. Testenv's own readiness probe and Prism's warnings
// about its own generated responses ("Violation: response...") are not about
// our requests and are ignored.
//
// ignore names known Prism limitations to tolerate: an error line containing
// one of them is skipped, and a request Prism refused ("did not pass the
// validation rules") passes only when every error line logged for it is
// skipped. A request refused for any other reason still fails the test.
func (s *Server) MustPassValidation(t testing.TB, ignore ...string) {
	t.Helper()
	l := s.logSinceReady()
	known := func(line string) bool {
		for _, k := range ignore {
			if k != "" && strings.Contains(line, k) {
				return true
			}
		}
		return false
	}
	// Prism logs each request as a "[HTTP SERVER] ... Request received" line
	// followed by its validator and negotiator lines.
	refused, errs := "", 0 // the current request's "did not pass" line and its (known) error lines
	endRequest := func() {
		if refused != "" && errs == 0 {
			t.Fatalf("Prism rejected a request (%q):\n%s", strings.TrimSpace(refused), l)
		}
		refused, errs = "", 0
	}
	probe := false
	for _, line := range strings.Split(l, "\n") {
		if strings.Contains(line, "[HTTP SERVER]") && strings.Contains(line, "Request received") {
			endRequest()
			probe = strings.Contains(line, readyPath)
		}
		if probe || strings.Contains(line, readyPath) || strings.Contains(line, "Violation: response") {
			continue // our own readiness probe (logged late); Prism's doubts about its own generated responses
		}
		switch {
		case strings.Contains(line, "did not pass the validation"):
			refused = line
		case strings.Contains(line, "✖  error") || strings.Contains(line, "Request terminated with error"):
			if !known(line) {
				t.Fatalf("Prism rejected a request (%q):\n%s", strings.TrimSpace(line), l)
			}
			errs++
		}
	}
	endRequest()
}

// Validated is the number of requests that passed Prism's validation rules
// since the server became ready.
func (s *Server) Validated() int {
	return strings.Count(s.logSinceReady(), "The request passed the validation rules")
}

func (s *Server) logSinceReady() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()[s.readyAt:]
}

// String describes the server.
func (s *Server) String() string { return fmt.Sprintf("server at %s", s.URL) }
