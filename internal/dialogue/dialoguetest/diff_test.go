package dialoguetest

import "testing"

func TestLineDiff(t *testing.T) {
	tests := []struct {
		name      string
		want, got []string
		diff      string
	}{
		{"equal", []string{"a", "b"}, []string{"a", "b"}, ""},
		{"changed", []string{"> hi", "< Hello!", "= listening"}, []string{"> hi", "< Welcome", "< What?", "= listening"},
			"  > hi\n+ < Welcome\n+ < What?\n- < Hello!\n  = listening\n"},
		{"removed-at-end", []string{"a", "b"}, []string{"a"}, "  a\n- b\n"},
		{"empty-want", nil, []string{"x"}, "+ x\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lineDiff(tt.want, tt.got); got != tt.diff {
				t.Errorf("lineDiff = %q, want %q", got, tt.diff)
			}
		})
	}
}
