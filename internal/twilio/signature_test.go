package twilio

import (
	"net/url"
	"testing"
)

// The example of Twilio's own security documentation, also used by the test
// suites of the official helper libraries.
func TestSignatureMatchesTwilioExample(t *testing.T) {
	const token = "12345"
	const u = "https://mycompany.com/myapp.php?foo=1&bar=2"
	params := url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Caller":  {"+12349013030"},
		"Digits":  {"1234"},
		"From":    {"+12349013030"},
		"To":      {"+18005551212"},
	}
	const want = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
	if got := Signature(token, u, params); got != want {
		t.Fatalf("Signature = %q, want %q", got, want)
	}
	if !ValidSignature(token, u, params, want) {
		t.Fatal("ValidSignature rejected the documented signature")
	}
	if ValidSignature("wrong", u, params, want) {
		t.Fatal("ValidSignature accepted a signature made with another token")
	}
	params.Set("Digits", "1235")
	if ValidSignature(token, u, params, want) {
		t.Fatal("ValidSignature accepted changed parameters")
	}
}

func TestValidSignatureAcceptsDefaultPortVariants(t *testing.T) {
	params := url.Values{"A": {"b", "a"}}
	sig := Signature("tok", "https://example.com:443/hook", params)
	if !ValidSignature("tok", "https://example.com/hook", params, sig) {
		t.Fatal("signature on URL with :443 not accepted for URL without port")
	}
	sig = Signature("tok", "http://example.com/hook", params)
	if !ValidSignature("tok", "http://example.com:80/hook", params, sig) {
		t.Fatal("signature on URL without port not accepted for URL with :80")
	}
	if ValidSignature("tok", "http://example.com:8080/hook", params, sig) {
		t.Fatal("signature accepted for another port")
	}
}

func TestSIDs(t *testing.T) {
	s := NewSID(PrefixDialogue)
	if !IsSID(PrefixDialogue, s) {
		t.Fatalf("IsSID(%q) = false", s)
	}
	if IsSID(PrefixAssistant, s) || IsSID(PrefixDialogue, s[:33]) || IsSID(PrefixDialogue, s[:33]+"g") {
		t.Fatal("IsSID accepted a bad SID")
	}
	if NewSID(PrefixDialogue) == s {
		t.Fatal("two SIDs are equal")
	}
}

func FuzzSignature(f *testing.F) {
	f.Add("tok", "https://example.com/a?b=c", "Key", "value")
	f.Add("", "", "", "")
	f.Add("t", "http://[::1]:80/x", "A", "\x00")
	f.Fuzz(func(t *testing.T, token, u, k, v string) {
		params := url.Values{k: {v}}
		sig := Signature(token, u, params)
		if !ValidSignature(token, u, params, sig) {
			t.Fatalf("own signature rejected for %q", u)
		}
	})
}

func TestValidBasicAuth(t *testing.T) {
	const sid, token = "AC0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"
	for _, tt := range []struct {
		user, pass string
		want       bool
	}{
		{sid, token, true},
		{sid, token + "x", false},
		{sid, token[:31], false},
		{"AC0123456789abcdef0123456789abcdee", token, false},
		{"", "", false},
	} {
		if got := ValidBasicAuth(tt.user, tt.pass, sid, token); got != tt.want {
			t.Errorf("ValidBasicAuth(%q, %q) = %v, want %v", tt.user, tt.pass, got, tt.want)
		}
	}
	if ValidBasicAuth(sid, "", sid, "") {
		t.Error("an empty token authenticates")
	}
}
