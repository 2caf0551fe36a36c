package dialoguetest

import "strings"

// lineDiff returns a line-by-line diff of want and got: unchanged lines
// indented by two spaces, lines only in want prefixed "- ", lines only in got
// "+ ". It is empty when they are equal.
func lineDiff(want, got []string) string {
	n, m := len(want), len(got)
	// lcs[i][j] is the length of the longest common subsequence of want[i:]
	// and got[j:].
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if want[i] == got[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var b strings.Builder
	changed := false
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && want[i] == got[j]:
			b.WriteString("  " + want[i] + "\n")
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			b.WriteString("+ " + got[j] + "\n")
			j, changed = j+1, true
		default:
			b.WriteString("- " + want[i] + "\n")
			i, changed = i+1, true
		}
	}
	if !changed {
		return ""
	}
	return b.String()
}
