package dialogue

import (
	"testing"

	"github.com/parleyhq/parley/internal/assistant"
)

func TestCompiledCacheEvictsLeastRecentlyUsed(t *testing.T) {
	small := func() *compiled { return &compiled{a: &assistant.Assistant{}} } // 4096 bytes
	cc := newCompiledCache(3 * 4096)
	for _, sid := range []string{"a", "b", "c"} {
		cc.put(sid, small())
	}
	if cc.len() != 3 {
		t.Fatalf("%d kept, want 3", cc.len())
	}
	cc.get("a") // a is now the most recently used: b goes next
	cc.put("d", small())
	if cc.get("b") != nil || cc.get("a") == nil || cc.get("c") == nil || cc.get("d") == nil {
		t.Errorf("after a fourth: b should be gone, a, c and d kept")
	}
	// One larger than the bound stays alone.
	big := &compiled{a: &assistant.Assistant{Tasks: make([]assistant.Task, 10)}} // 4096 + 10*2048
	cc.put("big", big)
	if cc.len() != 1 || cc.get("big") != big {
		t.Errorf("%d kept after a too-large one, want it alone", cc.len())
	}
	// Replacing an entry does not count it twice.
	cc.put("big", small())
	cc.put("e", small())
	if cc.len() != 2 || cc.bytes != 2*4096 {
		t.Errorf("%d kept, %d bytes; want 2 and %d", cc.len(), cc.bytes, 2*4096)
	}
}
