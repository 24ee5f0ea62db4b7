package scaleway_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// registeredToken stands for a listener's bearer token, which is no UUID.
const registeredToken = "s3cr3t-listener-token-0123456789"

// echoed is how a hostile upstream may write a secret back.
var echoed = map[string]func(secret string) string{
	"as sent":    func(s string) string { return s },
	"upper case": strings.ToUpper,
	"split by a zero-width space": func(s string) string {
		return s[:4] + "\u200b" + s[4:]
	},
}

// TestHostileUpstreamNeverGetsASecretPrinted: an upstream echoes the key
// (configured or per-request) or a registered token in every place the
// client passes on. None of it may reach the error, its fields, the
// request id or the headers of the answer.
func TestHostileUpstreamNeverGetsASecretPrinted(t *testing.T) {
	t.Parallel()
	places := []struct {
		name   string
		answer func(w http.ResponseWriter, secret string)
	}{
		{"message", jsonError(http.StatusBadRequest, `{"type":"invalid_request_error","message":"bad token {{secret}}"}`)},
		{"type", jsonError(http.StatusBadRequest, `{"type":"{{secret}}","message":"x"}`)},
		{"resource", jsonError(http.StatusNotFound, `{"type":"not_found","resource":"{{secret}}","resource_id":"x"}`)},
		{"resource_id", jsonError(http.StatusNotFound, `{"type":"not_found","resource":"instance_image","resource_id":"{{secret}}"}`)},
		{"legacy message naming a resource", jsonError(http.StatusNotFound, `{"type":"unknown_resource","message":"\"{{secret}}\" not found"}`)},
		{"details", jsonError(http.StatusBadRequest, `{"type":"invalid_arguments","details":[{"argument_name":"{{secret}}","reason":"{{secret}}","help_message":"{{secret}}"}]}`)},
		{"permission details", jsonError(http.StatusForbidden, `{"type":"permissions_denied","details":[{"resource":"{{secret}}","action":"{{secret}}"}]}`)},
		{"help_message", jsonError(http.StatusConflict, `{"type":"already_exists","resource":"instance_image","help_message":"{{secret}}"}`)},
		{"fields", jsonError(http.StatusBadRequest, `{"type":"invalid_request_error","fields":{"{{secret}}":["{{secret}}"]}}`)},
		{"state and precondition", jsonError(http.StatusConflict, `{"type":"transient_state","current_state":"{{secret}}","precondition":"{{secret}}"}`)},
		{"X-Request-Id of an error", withRequestID(http.StatusNotFound, `{"type":"not_found","resource":"instance_image"}`)},
		{"X-Request-Id and Link of a success", withRequestID(http.StatusOK, imageBody)},
		{"status line of a non-JSON answer", func(w http.ResponseWriter, secret string) {
			rawAnswer(w, "HTTP/1.1 500 Oops \x1b[31m"+secret+"\u202e\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nhi")
		}},
		{"malformed header quoted by net/http", func(w http.ResponseWriter, secret string) {
			rawAnswer(w, "HTTP/1.1 200 OK\r\nX-Echo: \x01"+secret+"\r\nContent-Length: 2\r\n\r\n{}")
		}},
	}
	secrets := map[string]string{"configured key": testKey, "per-request key": perRequestKey, "registered token": registeredToken}
	for _, place := range places {
		for secretName, secret := range secrets {
			for form, echo := range echoed {
				t.Run(place.name+"/"+secretName+"/"+form, func(t *testing.T) {
					t.Parallel()
					written := echo(secret)
					c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						w.Header().Set("Link", "</images?page=2&token="+written+">; rel=\"next\"")
						place.answer(w, written)
					}), scaleway.WithRedactedSecrets(registeredToken))
					ctx := t.Context()
					if secret == perRequestKey {
						ctx = scaleway.ContextWithSecretKey(ctx, perRequestKey)
					}
					_, resp, err := c.GetImage(ctx, "fr-par-1", testImage)
					for where, text := range shownText(t, resp, err) {
						// Invisible characters would hide a secret from the
						// check, not from a reader.
						if strings.Contains(strings.ToLower(scaleway.StripUnsafe(text)), strings.ToLower(secret)) {
							t.Errorf("%s shows the secret: %q", where, text)
						}
					}
				})
			}
		}
	}
}

// jsonError answers status with body, where {{secret}} is replaced by the
// secret (JSON-escaped, so that a zero-width space survives).
func jsonError(status int, body string) func(http.ResponseWriter, string) {
	return func(w http.ResponseWriter, secret string) {
		quoted, _ := json.Marshal(secret)
		writeJSON(w, status, strings.ReplaceAll(body, "{{secret}}", strings.Trim(string(quoted), `"`)))
	}
}

// withRequestID answers status with body and the secret as X-Request-Id.
func withRequestID(status int, body string) func(http.ResponseWriter, string) {
	return func(w http.ResponseWriter, secret string) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", secret)
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// rawAnswer writes response as is on the connection, which net/http's own
// writer would refuse to do.
func rawAnswer(w http.ResponseWriter, response string) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	_, _ = buf.WriteString(response)
	_ = buf.Flush()
}

// shownText is every text of a call's outcome that reaches a person, a
// model, a log or a REST answer, by where it is found.
func shownText(t *testing.T, resp *scaleway.Response, err error) map[string]string {
	t.Helper()
	shown := map[string]string{}
	if err != nil {
		shown["err.Error()"] = err.Error()
	}
	var apiErr *scaleway.Error
	if errors.As(err, &apiErr) {
		encoded, _ := json.Marshal(apiErr)
		shown["*Error fields"] = string(encoded)
		shown["Error.RequestID"] = apiErr.RequestID
	}
	if err == nil && resp == nil {
		t.Fatal("no error and no response")
	}
	if resp != nil {
		shown["Response.RequestID"] = resp.RequestID
		shown["Response.Header"] = fmt.Sprint(resp.Header)
	}
	return shown
}

// TestRedactorText covers the cleaning rules one by one.
func TestRedactorText(t *testing.T) {
	t.Parallel()
	red := scaleway.NewRedactor(testKey, "", registeredToken)
	tests := []struct {
		name, in, want string
	}{
		{"key", "key " + testKey + " echoed", "key " + scaleway.RedactSecret(testKey) + " echoed"},
		{"key in upper case", strings.ToUpper(testKey), scaleway.RedactSecret(testKey)},
		{"key split by a zero-width joiner", testKey[:8] + "\u200d" + testKey[8:], scaleway.RedactSecret(testKey)},
		{"token, no UUID, masked entirely", "Bearer " + registeredToken, "Bearer " + scaleway.RedactSecret(registeredToken)},
		{"terminal escapes", "\x1b[31mred\x1b[0m", "[31mred[0m"},
		{"newlines and tabs", "a\r\nb\tc", "abc"},
		{"C1 control", "a\u0085b", "ab"},
		{"bidi override", "txt.exe\u202egpj", "txt.exegpj"},
		{"bidi isolate", "a\u2066b\u2069", "ab"},
		{"zero-width characters and BOM", "a\u200bb\u200cc\ufeffd", "abcd"},
		{"invisible tag characters", "ok\U000E0049\U000E0047\U000E004E", "ok"},
		{"line separator", "a\u2028b", "ab"},
		{"invalid UTF-8", "a\xffb", "a\ufffdb"},
		{"plain text is kept", "Quota exceeded for this resource: é", "Quota exceeded for this resource: é"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := red.Text(tt.in, scaleway.MaxUpstreamText); got != tt.want {
				t.Errorf("text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestRedactorBoundsLength: the cut keeps valid UTF-8 and never leaves the
// start of a key behind.
func TestRedactorBoundsLength(t *testing.T) {
	t.Parallel()
	red := scaleway.NewRedactor(testKey)
	tests := []struct {
		name string
		in   string
	}{
		{"ASCII", strings.Repeat("a", 10_000)},
		{"two-byte characters", strings.Repeat("é", 5_000)},
		{"key across the cut", strings.Repeat("a", scaleway.MaxUpstreamText-10) + testKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := red.Text(tt.in, scaleway.MaxUpstreamText)
			if len(got) > scaleway.MaxUpstreamText+len("…") || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
				t.Errorf("%d bytes, valid UTF-8 %v: %q", len(got), utf8.ValidString(got), got)
			}
			if strings.Contains(got, testKey[:8]+testKey[8:12]) {
				t.Errorf("the start of the key is left: %q", got)
			}
		})
	}
}

// TestRequestIDIsDroppedUnlessItLooksLikeOne: the REST adapter reflects it
// into a header, the tools log it.
func TestRequestIDIsDroppedUnlessItLooksLikeOne(t *testing.T) {
	t.Parallel()
	red := scaleway.NewRedactor(testKey)
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"req-42", "req-42"},
		{"6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f", "6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"},
		{"api.fr-par:1_x", "api.fr-par:1_x"},
		{testKey, scaleway.RedactSecret(testKey)},
		{"req\u202e-42", "req-42"},
		{"a b", ""},
		{"<script>", ""},
		{`"quoted"`, ""},
		{strings.Repeat("a", 128), strings.Repeat("a", 128)},
		{strings.Repeat("a", 129), ""},
	}
	for _, tt := range tests {
		if got := red.RequestID(http.Header{"X-Request-Id": {tt.in}}); got != tt.want {
			t.Errorf("requestID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestHugeErrorIsBounded: an error body with thousands of details and
// fields gives a bounded error.
func TestHugeErrorIsBounded(t *testing.T) {
	t.Parallel()
	var details, fields []string
	for i := range 5_000 {
		details = append(details, fmt.Sprintf(`{"argument_name":"arg%d","reason":"format","help_message":%q}`, i, strings.Repeat("h", 2_000)))
		fields = append(fields, fmt.Sprintf(`"field%d":["one","two"]`, i))
	}
	body := `{"type":"invalid_arguments","message":"` + strings.Repeat("m", 100_000) + `","details":[` + strings.Join(details, ",") +
		`],"fields":{` + strings.Join(fields, ",") + `}}`
	resp := &http.Response{StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Header: http.Header{"Content-Type": {"application/json"}}}
	e := scaleway.DecodeError(resp, []byte(body), testKey)
	if len(e.Details) != scaleway.MaxErrorEntries || len(e.Fields) != scaleway.MaxErrorEntries || len(e.Message) > scaleway.MaxUpstreamText+len("…") {
		t.Errorf("%d details, %d fields, a %d-byte message; want %d, %d and at most %d bytes", len(e.Details), len(e.Fields), len(e.Message), scaleway.MaxErrorEntries, scaleway.MaxErrorEntries, scaleway.MaxUpstreamText)
	}
	if n := len(e.Error()); n > 2*scaleway.MaxErrorEntries*scaleway.MaxUpstreamText {
		t.Errorf("Error() is %d bytes long", n)
	}
}

// TestStatusLineIsCleaned: the status line of a non-JSON answer becomes
// the message, without the characters that hide or reorder text.
func TestStatusLineIsCleaned(t *testing.T) {
	t.Parallel()
	resp := &http.Response{StatusCode: http.StatusInternalServerError, Status: "500 Oops\x1b[31m\u202e \u200bfail\r", Header: http.Header{"Content-Type": {"text/html"}}}
	e := scaleway.DecodeError(resp, []byte("<html>"), testKey)
	if e.Type != scaleway.TypeUnknown || e.Message != "500 Oops[31m fail" {
		t.Errorf("type %q, message %q; want unknown and %q", e.Type, e.Message, "500 Oops[31m fail")
	}
}
