package fields

import "testing"

func TestUnlistedFirstNames(t *testing.T) {
	tests := []struct {
		name, text, want string
		ok               bool
	}{
		{"alone", "Priya", "Priya", true},
		{"alone-lower", "aisha", "Aisha", true},
		{"two-letters", "Wei", "Wei", true},
		{"with-family-name", "Han Solo", "Han", true},
		{"weak-cue-capital", "I'm Han", "Han", true},
		{"weak-cue-lower", "I'm tired", "", false},
		{"strong-cue", "my name is Xiomara", "Xiomara", true},
		{"listed", "my name is valentina", "Valentina", true},
		{"not-a-name", "no", "", false},
		{"yes-is-not-a-name", "yeah", "", false},
		{"in-a-sentence", "I want priya", "", false},
		{"common-word", "nothing", "", false},
		{"digits", "42", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Answer(FirstName, Input{Text: tt.text})
			if got != tt.want || ok != tt.ok {
				t.Errorf("Answer(FirstName, %q) = %q, %v; want %q, %v", tt.text, got, ok, tt.want, tt.ok)
			}
		})
	}
}
