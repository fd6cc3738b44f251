package testenv

import (
	"runtime"
	"strings"
	"testing"
)

// fatalTB records Fatalf instead of failing the real test.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = format
	runtime.Goexit()
}

// Log lines as Prism 5 prints them (see the upload contract test).
const (
	probe = `[HTTP SERVER] get /__ftprep_ready ℹ  info      Request received
[HTTP SERVER] get /__ftprep_ready ✖  error     Request terminated with error: https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR: Route not resolved, no path matched
`
	okReq = `[HTTP SERVER] get /openai/v1/files ℹ  info      Request received
    [VALIDATOR] ✔  success   The request passed the validation rules. Looking for the best response
    [VALIDATOR] ✖  error     Violation: response.body must have required property 'id'
`
	expiresReq = `[HTTP SERVER] post /openai/v1/files ℹ  info      Request received
    [VALIDATOR] ⚠  warning   Request did not pass the validation rules
    [VALIDATOR] ✖  error     Request body must have required property 'expires_after'
    [NEGOTIATOR] ℹ  info      > Responding with "422"
    [VALIDATOR] ✖  error     Violation: request.body Request body must have required property 'expires_after'
`
	refusedNoDetail = `[HTTP SERVER] post /openai/v1/files ℹ  info      Request received
    [VALIDATOR] ⚠  warning   Request did not pass the validation rules
`
	badQuery = `[HTTP SERVER] get /openai/fine_tuning/jobs ℹ  info      Request received
    [VALIDATOR] ⚠  warning   Request did not pass the validation rules
    [VALIDATOR] ✖  error     Request query parameter api-version is required
`
	noPath = `[HTTP SERVER] get /nope ℹ  info      Request received
[HTTP SERVER] get /nope ✖  error     Request terminated with error: https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR: Route not resolved, no path matched
`
)

func TestMustPassValidation(t *testing.T) {
	expires := "required property 'expires_after'"
	for _, tc := range []struct {
		name, log string
		ignore    []string
		fail      bool
	}{
		{"clean with late probe", okReq + probe + okReq, nil, false},
		{"invalid query", okReq + badQuery, nil, true},
		{"unknown path", noPath + okReq, nil, true},
		{"known limitation not ignored", expiresReq, nil, true},
		{"known limitation ignored", okReq + expiresReq + okReq, []string{expires}, false},
		{"other error beside ignored one", expiresReq + badQuery, []string{expires}, true},
		{"refused without an error line", refusedNoDetail + okReq, []string{expires}, true},
		{"before ready is not checked", "", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Server{}
			s.log.WriteString(badQuery) // logged before the server was ready
			s.readyAt = s.log.Len()
			s.log.WriteString(tc.log)
			f := &fatalTB{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				s.MustPassValidation(f, tc.ignore...)
			}()
			<-done
			if failed := f.msg != ""; failed != tc.fail {
				t.Errorf("failed = %v, want %v", failed, tc.fail)
			}
		})
	}
}

func TestValidated(t *testing.T) {
	s := &Server{}
	s.log.WriteString(okReq)
	s.readyAt = s.log.Len()
	s.log.WriteString(probe + okReq + expiresReq + okReq)
	if n := s.Validated(); n != 2 {
		t.Errorf("Validated() = %d, want 2", n)
	}
	if !strings.Contains(s.Log(), "expires_after") {
		t.Error("Log lost lines")
	}
}
