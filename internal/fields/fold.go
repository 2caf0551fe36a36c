package fields

import (
	"strings"
	"unicode"
)

// fold lower-cases s and folds accented Latin letters to ASCII ("São" →
// "sao") and typographic apostrophes and dashes to their ASCII forms.
// Combining marks are dropped, so decomposed input folds the same way.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < 0x80 {
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if f, ok := foldTable[r]; ok {
			b.WriteString(strings.ToLower(f))
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
