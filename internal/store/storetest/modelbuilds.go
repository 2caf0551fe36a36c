package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// namedAssistant imports the fixture under another unique name.
func namedAssistant(t *testing.T, s Store, acct store.Account, name string) *assistant.Assistant {
	t.Helper()
	a := fixture(acct.SID)
	a.UniqueName = name
	return importOK(t, s, a)
}

func createBuildOK(t *testing.T, s Store, b *store.ModelBuild) *store.ModelBuild {
	t.Helper()
	if err := s.CreateModelBuild(t.Context(), b); err != nil {
		t.Fatalf("CreateModelBuild: %v", err)
	}
	return b
}

func updateBuildOK(t *testing.T, s Store, b *store.ModelBuild) {
	t.Helper()
	if err := s.UpdateModelBuild(t.Context(), b); err != nil {
		t.Fatalf("UpdateModelBuild %s: %v", b.Status, err)
	}
}

func buildOK(t *testing.T, s Store, accountSID, assistantSID, sidOrName string) *store.ModelBuild {
	t.Helper()
	b, err := s.ModelBuild(t.Context(), accountSID, assistantSID, sidOrName)
	if err != nil {
		t.Fatalf("ModelBuild %s: %v", sidOrName, err)
	}
	return b
}

func buildStateOK(t *testing.T, s Store, accountSID, assistantSID string) store.BuildState {
	t.Helper()
	st, err := s.BuildState(t.Context(), accountSID, assistantSID)
	if err != nil {
		t.Fatalf("BuildState: %v", err)
	}
	return st
}

func checkBuildState(t *testing.T, s Store, a *assistant.Assistant, want store.BuildState) {
	t.Helper()
	if diff := cmp.Diff(want, buildStateOK(t, s, a.AccountSID, a.SID)); diff != "" {
		t.Errorf("BuildState (-want +got):\n%s", diff)
	}
	// The engine learns of a new build through AssistantRef.
	ref, err := s.AssistantRef(t.Context(), a.AccountSID, a.SID)
	if err != nil {
		t.Fatalf("AssistantRef: %v", err)
	}
	if ref.ModelBuildSID != want.LatestModelBuildSID {
		t.Errorf("AssistantRef.ModelBuildSID = %q, want %q", ref.ModelBuildSID, want.LatestModelBuildSID)
	}
}

func checkLatest(t *testing.T, s Store, a *assistant.Assistant, want *store.ModelBuild) {
	t.Helper()
	got, err := s.LatestCompletedModelBuild(t.Context(), a.SID)
	if want == nil {
		wantErr(t, "LatestCompletedModelBuild", err, store.ErrNotFound)
		return
	}
	if err != nil {
		t.Fatalf("LatestCompletedModelBuild: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LatestCompletedModelBuild (-want +got):\n%s", diff)
	}
}

// complete moves b through building to completed with model.
func complete(t *testing.T, s Store, b *store.ModelBuild, model string) {
	t.Helper()
	b.Status = store.BuildBuilding
	updateBuildOK(t, s, b)
	b.Status, b.BuildDuration, b.Model = store.BuildCompleted, 2, []byte(model)
	updateBuildOK(t, s, b)
}

func testModelBuilds(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "builds")
	other := newAccount(t, s, "other")
	a := namedAssistant(t, s, acct, "builds")

	t.Run("create-get", func(t *testing.T) {
		before := now()
		b := createBuildOK(t, s, &store.ModelBuild{
			AccountSID:     acct.SID,
			AssistantSID:   a.SID,
			UniqueName:     "v1",
			StatusCallback: "https://example.com/built",
		})
		if !twilio.IsSID(twilio.PrefixModelBuild, b.SID) {
			t.Errorf("SID = %q, want a UG SID", b.SID)
		}
		if b.Status != store.BuildEnqueued {
			t.Errorf("Status = %q, want %q", b.Status, store.BuildEnqueued)
		}
		if b.Revision != a.Revision {
			t.Errorf("Revision = %d, want the assistant's %d", b.Revision, a.Revision)
		}
		checkDate(t, "DateCreated", b.DateCreated, before)
		if !b.DateUpdated.Equal(b.DateCreated) {
			t.Errorf("DateUpdated = %v, want DateCreated %v", b.DateUpdated, b.DateCreated)
		}
		for _, key := range []string{b.SID, "v1"} {
			if diff := cmp.Diff(b, buildOK(t, s, acct.SID, a.SID, key)); diff != "" {
				t.Errorf("ModelBuild(%s) (-want +got):\n%s", key, diff)
			}
		}
	})

	t.Run("defaults", func(t *testing.T) {
		b := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
		if b.UniqueName != b.SID {
			t.Errorf("UniqueName = %q, want the SID %q", b.UniqueName, b.SID)
		}
		given := createBuildOK(t, s, &store.ModelBuild{
			AccountSID:   acct.SID,
			AssistantSID: a.SID,
			SID:          twilio.NewSID(twilio.PrefixModelBuild),
			UniqueName:   "given",
			Revision:     a.Revision + 7,
		})
		if diff := cmp.Diff(given, buildOK(t, s, acct.SID, a.SID, given.SID)); diff != "" {
			t.Errorf("ModelBuild (-want +got):\n%s", diff)
		}
		if given.Revision != a.Revision+7 {
			t.Errorf("Revision = %d, want the given %d", given.Revision, a.Revision+7)
		}
	})

	t.Run("sid-wins-over-name", func(t *testing.T) {
		first := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: "first"})
		second := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: first.SID})
		if got := buildOK(t, s, acct.SID, a.SID, first.SID); got.SID != first.SID {
			t.Errorf("ModelBuild(%s) = %s, want the build with that SID, not %s", first.SID, got.SID, second.SID)
		}
	})

	t.Run("duplicate-name", func(t *testing.T) {
		createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: "dup"})
		dup := &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: "dup"}
		before := *dup
		wantErr(t, "CreateModelBuild with a taken name", s.CreateModelBuild(ctx, dup), store.ErrExists)
		if diff := cmp.Diff(&before, dup); diff != "" {
			t.Errorf("a failed CreateModelBuild changed its argument (-before +after):\n%s", diff)
		}
		// The name is unique per assistant only.
		a2 := namedAssistant(t, s, acct, "builds-dup")
		createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a2.SID, UniqueName: "dup"})
	})

	t.Run("not-found", func(t *testing.T) {
		b := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: "private"})
		err := s.CreateModelBuild(ctx, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: twilio.NewSID(twilio.PrefixAssistant)})
		wantErr(t, "CreateModelBuild of an unknown assistant", err, store.ErrNotFound)
		err = s.CreateModelBuild(ctx, &store.ModelBuild{AccountSID: other.SID, AssistantSID: a.SID})
		wantErr(t, "CreateModelBuild of another account's assistant", err, store.ErrNotFound)
		_, err = s.ModelBuild(ctx, other.SID, a.SID, b.SID)
		wantErr(t, "ModelBuild of another account", err, store.ErrNotFound)
		_, err = s.ModelBuild(ctx, acct.SID, a.SID, "no-such-build")
		wantErr(t, "ModelBuild of an unknown name", err, store.ErrNotFound)
		stolen := *b
		stolen.AccountSID, stolen.Status = other.SID, store.BuildCanceled
		wantErr(t, "UpdateModelBuild from another account", s.UpdateModelBuild(ctx, &stolen), store.ErrNotFound)
		wantErr(t, "DeleteModelBuild from another account", s.DeleteModelBuild(ctx, other.SID, a.SID, b.SID), store.ErrNotFound)
		if bs, err := s.ModelBuilds(ctx, other.SID, a.SID); err != nil || len(bs) != 0 {
			t.Errorf("ModelBuilds of another account = %d builds, %v; want none", len(bs), err)
		}
		_, err = s.BuildState(ctx, other.SID, a.SID)
		wantErr(t, "BuildState of another account", err, store.ErrNotFound)
		if diff := cmp.Diff(b, buildOK(t, s, acct.SID, a.SID, b.SID)); diff != "" {
			t.Errorf("another account changed the build (-want +got):\n%s", diff)
		}
	})

	t.Run("invalid", func(t *testing.T) {
		err := s.CreateModelBuild(ctx, &store.ModelBuild{AccountSID: acct.SID})
		wantErr(t, "CreateModelBuild without an assistant", err, store.ErrInvalid)
		err = s.CreateModelBuild(ctx, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID, Status: "done"})
		wantErr(t, "CreateModelBuild with an unknown status", err, store.ErrInvalid)
		b := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
		b.Status = ""
		wantErr(t, "UpdateModelBuild without a status", s.UpdateModelBuild(ctx, b), store.ErrInvalid)
	})

	t.Run("status-progression", func(t *testing.T) {
		a := namedAssistant(t, s, acct, "builds-progression")
		checkBuildState(t, s, a, store.BuildState{NeedsModelBuild: true})
		checkLatest(t, s, a, nil)

		b := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
		checkBuildState(t, s, a, store.BuildState{NeedsModelBuild: true})

		b.Status = store.BuildBuilding
		updateBuildOK(t, s, b)
		if diff := cmp.Diff(b, buildOK(t, s, acct.SID, a.SID, b.SID)); diff != "" {
			t.Errorf("building: ModelBuild (-want +got):\n%s", diff)
		}
		checkBuildState(t, s, a, store.BuildState{NeedsModelBuild: true})
		checkLatest(t, s, a, nil)

		b.Status, b.BuildDuration, b.Model = store.BuildCompleted, 3, []byte("model one")
		updateBuildOK(t, s, b)
		if diff := cmp.Diff(b, buildOK(t, s, acct.SID, a.SID, b.SID)); diff != "" {
			t.Errorf("completed: ModelBuild (-want +got):\n%s", diff)
		}
		checkBuildState(t, s, a, store.BuildState{LatestModelBuildSID: b.SID})
		checkLatest(t, s, a, b)

		// A re-import keeps the builds and needs a new one.
		a = importOK(t, s, a)
		if a.Revision != b.Revision+1 {
			t.Fatalf("re-import: Revision = %d, want %d", a.Revision, b.Revision+1)
		}
		if diff := cmp.Diff(b, buildOK(t, s, acct.SID, a.SID, b.SID)); diff != "" {
			t.Errorf("re-import: ModelBuild (-want +got):\n%s", diff)
		}
		checkBuildState(t, s, a, store.BuildState{LatestModelBuildSID: b.SID, NeedsModelBuild: true})
		checkLatest(t, s, a, b)

		b2 := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
		if b2.Revision != a.Revision {
			t.Errorf("Revision = %d, want the re-imported assistant's %d", b2.Revision, a.Revision)
		}
		complete(t, s, b2, "model two")
		checkBuildState(t, s, a, store.BuildState{LatestModelBuildSID: b2.SID})
		checkLatest(t, s, a, b2)
	})

	t.Run("old-revision-completing", func(t *testing.T) {
		a := namedAssistant(t, s, acct, "builds-old-revision")
		b := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
		a = importOK(t, s, a) // changed while b was queued
		complete(t, s, b, "stale")
		checkBuildState(t, s, a, store.BuildState{LatestModelBuildSID: b.SID, NeedsModelBuild: true})
	})

	t.Run("latest-completed", func(t *testing.T) {
		a := namedAssistant(t, s, acct, "builds-latest")
		older := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
		newer := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
		complete(t, s, newer, "newer")
		checkLatest(t, s, a, newer)
		// Completing later does not make a build newer: creation order does.
		complete(t, s, older, "older")
		checkLatest(t, s, a, newer)
		checkBuildState(t, s, a, store.BuildState{LatestModelBuildSID: newer.SID})

		failed := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
		failed.Status = store.BuildBuilding
		updateBuildOK(t, s, failed)
		failed.Status, failed.ErrorCode, failed.ErrorMessage, failed.BuildDuration =
			store.BuildFailed, 23011, "task greeting has no samples", 1
		updateBuildOK(t, s, failed)
		if diff := cmp.Diff(failed, buildOK(t, s, acct.SID, a.SID, failed.SID)); diff != "" {
			t.Errorf("failed: ModelBuild (-want +got):\n%s", diff)
		}
		building := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
		building.Status = store.BuildBuilding
		updateBuildOK(t, s, building)
		canceled := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
		canceled.Status = store.BuildCanceled
		updateBuildOK(t, s, canceled)
		enqueued := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})

		checkLatest(t, s, a, newer)
		checkBuildState(t, s, a, store.BuildState{LatestModelBuildSID: newer.SID})

		t.Run("list-newest-first", func(t *testing.T) {
			var want []store.ModelBuild
			for _, b := range []*store.ModelBuild{enqueued, canceled, building, failed, newer, older} {
				b := *b
				b.Model = nil
				want = append(want, b)
			}
			got, err := s.ModelBuilds(ctx, acct.SID, a.SID)
			if err != nil {
				t.Fatalf("ModelBuilds: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ModelBuilds (-want +got):\n%s", diff)
			}
		})

		t.Run("update-without-model-keeps-it", func(t *testing.T) {
			listed, err := s.ModelBuilds(ctx, acct.SID, a.SID)
			if err != nil {
				t.Fatalf("ModelBuilds: %v", err)
			}
			i := slices.IndexFunc(listed, func(b store.ModelBuild) bool { return b.SID == newer.SID })
			b := listed[i]
			b.UniqueName = "renamed"
			updateBuildOK(t, s, &b)
			newer.UniqueName, newer.DateUpdated = b.UniqueName, b.DateUpdated
			if diff := cmp.Diff(newer, buildOK(t, s, acct.SID, a.SID, "renamed")); diff != "" {
				t.Errorf("ModelBuild (-want +got):\n%s", diff)
			}
			b.UniqueName = older.UniqueName
			wantErr(t, "UpdateModelBuild to a taken name", s.UpdateModelBuild(ctx, &b), store.ErrExists)
			b.UniqueName = ""
			updateBuildOK(t, s, &b)
			if b.UniqueName != "renamed" {
				t.Errorf("UpdateModelBuild without a name: UniqueName = %q, want it kept", b.UniqueName)
			}
		})

		t.Run("delete", func(t *testing.T) {
			if err := s.DeleteModelBuild(ctx, acct.SID, a.SID, failed.UniqueName); err != nil {
				t.Fatalf("DeleteModelBuild by name: %v", err)
			}
			_, err := s.ModelBuild(ctx, acct.SID, a.SID, failed.SID)
			wantErr(t, "ModelBuild after delete", err, store.ErrNotFound)
			wantErr(t, "DeleteModelBuild again", s.DeleteModelBuild(ctx, acct.SID, a.SID, failed.SID), store.ErrNotFound)

			// Deleting the latest completed build falls back to the one before.
			if err := s.DeleteModelBuild(ctx, acct.SID, a.SID, newer.SID); err != nil {
				t.Fatalf("DeleteModelBuild by SID: %v", err)
			}
			checkLatest(t, s, a, older)
			checkBuildState(t, s, a, store.BuildState{LatestModelBuildSID: older.SID})
			if err := s.DeleteModelBuild(ctx, acct.SID, a.SID, older.SID); err != nil {
				t.Fatalf("DeleteModelBuild: %v", err)
			}
			checkLatest(t, s, a, nil)
			checkBuildState(t, s, a, store.BuildState{NeedsModelBuild: true})

			var want []string
			for _, b := range []*store.ModelBuild{enqueued, canceled, building} {
				want = append(want, b.SID)
			}
			bs, err := s.ModelBuilds(ctx, acct.SID, a.SID)
			if err != nil {
				t.Fatalf("ModelBuilds: %v", err)
			}
			var got []string
			for _, b := range bs {
				got = append(got, b.SID)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ModelBuilds SIDs after delete (-want +got):\n%s", diff)
			}
		})
	})

	t.Run("delete-assistant-deletes-builds", func(t *testing.T) {
		a := namedAssistant(t, s, acct, "builds-deleted")
		b := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
		complete(t, s, b, "gone")
		if err := s.DeleteAssistant(ctx, acct.SID, a.SID); err != nil {
			t.Fatalf("DeleteAssistant: %v", err)
		}
		checkLatest(t, s, a, nil)
		if bs, err := s.ModelBuilds(ctx, acct.SID, a.SID); err != nil || len(bs) != 0 {
			t.Errorf("ModelBuilds of a deleted assistant = %d builds, %v; want none", len(bs), err)
		}
		_, err := s.ModelBuild(ctx, acct.SID, a.SID, b.SID)
		wantErr(t, "ModelBuild of a deleted assistant", err, store.ErrNotFound)
	})
}

func testRenameModelBuild(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "rename-builds")
	other := newAccount(t, s, "other")
	a := namedAssistant(t, s, acct, "rename-builds")
	b := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: "v1"})
	complete(t, s, b, "model")
	createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: "taken"})
	a = getOK(t, s, acct.SID, a.SID)

	for _, tc := range []struct{ name, key, to, want string }{
		{"by-name", "v1", "v2", "v2"},
		{"by-sid", b.SID, "v3", "v3"},
		{"same-name", "v3", "v3", "v3"},
		{"to-sid", "v3", "", b.SID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := now()
			got, err := s.RenameModelBuild(ctx, acct.SID, a.SID, tc.key, tc.to)
			if err != nil {
				t.Fatalf("RenameModelBuild: %v", err)
			}
			checkDate(t, "DateUpdated", got.DateUpdated, start)
			want := *buildOK(t, s, acct.SID, a.SID, b.SID)
			if want.UniqueName != tc.want {
				t.Errorf("stored UniqueName = %q, want %q", want.UniqueName, tc.want)
			}
			want.Model = nil
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("RenameModelBuild (-get +rename):\n%s", diff)
			}
			if stored := buildOK(t, s, acct.SID, a.SID, b.SID); string(stored.Model) != "model" || stored.Status != store.BuildCompleted {
				t.Errorf("after rename: Status, Model = %s, %q; want kept", stored.Status, stored.Model)
			}
			checkChanged(t, s, a, false, start)
			checkBuildState(t, s, a, store.BuildState{LatestModelBuildSID: b.SID})
		})
	}

	for _, tc := range []failCase{
		{"name-taken", func() error {
			_, err := s.RenameModelBuild(ctx, acct.SID, a.SID, b.SID, "taken")
			return err
		}, store.ErrExists},
		{"unknown", func() error {
			_, err := s.RenameModelBuild(ctx, acct.SID, a.SID, "nope", "x")
			return err
		}, store.ErrNotFound},
		{"other-account", func() error {
			_, err := s.RenameModelBuild(ctx, other.SID, a.SID, b.SID, "x")
			return err
		}, store.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := buildOK(t, s, acct.SID, a.SID, b.SID)
			wantErr(t, tc.name, tc.call(), tc.want)
			if diff := cmp.Diff(want, buildOK(t, s, acct.SID, a.SID, b.SID)); diff != "" {
				t.Errorf("a failed rename changed the build (-before +after):\n%s", diff)
			}
		})
	}
}

// testClaimModelBuild needs a store of its own: a claim takes builds of
// every account.
func testClaimModelBuild(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "claim")
	other := newAccount(t, s, "other")
	a := namedAssistant(t, s, acct, "claim")
	theirs := namedAssistant(t, s, other, "theirs")

	claimOK := func(t *testing.T, node string, lease time.Duration, want *store.ModelBuild) *store.ModelBuild {
		t.Helper()
		start := now()
		got, err := s.ClaimModelBuild(ctx, node, lease)
		if err != nil {
			t.Fatalf("ClaimModelBuild(%s): %v", node, err)
		}
		if got.SID != want.SID {
			t.Fatalf("ClaimModelBuild(%s) = %s, want %s", node, got.SID, want.SID)
		}
		checkDate(t, "DateUpdated", got.DateUpdated, start)
		w := *buildOK(t, s, want.AccountSID, want.AssistantSID, want.SID)
		if w.Status != store.BuildBuilding {
			t.Errorf("claimed build: Status = %s, want building", w.Status)
		}
		if diff := cmp.Diff(&w, got); diff != "" {
			t.Errorf("ClaimModelBuild (-get +claim):\n%s", diff)
		}
		return got
	}
	noClaim := func(t *testing.T) {
		t.Helper()
		_, err := s.ClaimModelBuild(ctx, "idle", time.Minute)
		wantErr(t, "ClaimModelBuild with nothing to build", err, store.ErrNotFound)
	}

	noClaim(t)

	// Builds that wait for no node: ended, or building without a claim.
	done := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
	complete(t, s, done, "done")
	for _, status := range []string{store.BuildFailed, store.BuildCanceled, store.BuildBuilding} {
		b := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
		b.Status = status
		updateBuildOK(t, s, b)
	}
	noClaim(t)

	first := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: "first"})
	second := createBuildOK(t, s, &store.ModelBuild{AccountSID: other.SID, AssistantSID: theirs.SID, UniqueName: "second"})
	third := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: "third"})
	before := getOK(t, s, acct.SID, a.SID)
	start := now()

	t.Run("oldest-first", func(t *testing.T) {
		claimOK(t, "node-1", time.Hour, first)
		got := claimOK(t, "node-2", time.Hour, second)
		if got.AccountSID != other.SID || got.AssistantSID != theirs.SID {
			t.Errorf("claimed build of %s/%s, want %s/%s", got.AccountSID, got.AssistantSID, other.SID, theirs.SID)
		}
	})
	t.Run("lease-expires", func(t *testing.T) {
		// node-3 dies at once: its lease ended before it began.
		claimOK(t, "node-3", -time.Hour, third)
		claimOK(t, "node-4", time.Hour, third)
		noClaim(t)
	})
	t.Run("leaves-assistant", func(t *testing.T) {
		checkChanged(t, s, before, false, start)
		checkBuildState(t, s, before, store.BuildState{LatestModelBuildSID: done.SID})
	})
	t.Run("deleted-assistant", func(t *testing.T) {
		c := namedAssistant(t, s, acct, "claim-deleted")
		createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: c.SID})
		if err := s.DeleteAssistant(ctx, acct.SID, c.SID); err != nil {
			t.Fatalf("DeleteAssistant: %v", err)
		}
		noClaim(t)
	})
}

// testPruneModels: the models of all but the newest completed builds go;
// their records and schemas stay; other assistants' builds are untouched.
func testPruneModels(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "prune")
	a := namedAssistant(t, s, acct, "prune")
	b2 := namedAssistant(t, s, acct, "untouched")
	var builds []*store.ModelBuild
	for i := range 5 {
		b := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID, Schema: []byte(fmt.Sprintf(`{"uniqueName":"v%d"}`, i))})
		complete(t, s, b, fmt.Sprintf("model %d", i))
		builds = append(builds, b)
	}
	other := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: b2.SID})
	complete(t, s, other, "other model")
	failed := createBuildOK(t, s, &store.ModelBuild{AccountSID: acct.SID, AssistantSID: a.SID})
	failed.Status, failed.ErrorMessage = store.BuildFailed, "no"
	updateBuildOK(t, s, failed)

	n, err := s.PruneModels(ctx, a.SID, 2)
	if err != nil || n != 3 {
		t.Fatalf("PruneModels: %d, %v; want 3 models dropped", n, err)
	}
	for i, b := range builds {
		got := buildOK(t, s, acct.SID, a.SID, b.SID)
		kept := i >= 3
		if (len(got.Model) > 0) != kept || got.Status != store.BuildCompleted || len(got.Schema) == 0 {
			t.Errorf("build %d: %d bytes of model, status %s, %d bytes of schema; want model kept %v, completed, the schema", i, len(got.Model), got.Status, len(got.Schema), kept)
		}
	}
	if got := buildOK(t, s, acct.SID, b2.SID, other.SID); string(got.Model) != "other model" {
		t.Errorf("another assistant's model: %q", got.Model)
	}
	latest, err := s.LatestCompletedModelBuild(ctx, a.SID)
	if err != nil || latest.SID != builds[4].SID || string(latest.Model) != "model 4" {
		t.Errorf("latest after pruning: %v, %v", latest, err)
	}
	if n, err := s.PruneModels(ctx, a.SID, 2); err != nil || n != 0 {
		t.Errorf("pruning again: %d, %v; want nothing more", n, err)
	}
	_, err = s.PruneModels(ctx, a.SID, 0)
	wantErr(t, "PruneModels keep 0", err, store.ErrInvalid)
}

// testRestoreKeepsSIDs: RestoreAssistant brings deleted contents back
// under the SIDs they carry; ImportAssistant would give them new ones.
func testRestoreKeepsSIDs(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "restore")
	a := namedAssistant(t, s, acct, "restore")
	full := getOK(t, s, acct.SID, a.SID)
	if len(full.Tasks) == 0 || len(full.FieldTypes) == 0 {
		t.Fatal("the test assistant has no task or field type: the case tests nothing")
	}
	before := assistant.SIDsOf(full)
	gone := *full
	gone.Tasks, gone.FieldTypes = nil, nil
	if _, err := s.ImportAssistant(ctx, &gone); err != nil {
		t.Fatal(err)
	}
	back := *full
	restored, err := s.RestoreAssistant(ctx, &back)
	if err != nil {
		t.Fatalf("RestoreAssistant: %v", err)
	}
	if diff := cmp.Diff(before, assistant.SIDsOf(restored)); diff != "" {
		t.Errorf("SIDs after restore (-before +after):\n%s", diff)
	}
	_, err = s.RestoreAssistant(ctx, &assistant.Assistant{AccountSID: acct.SID, UniqueName: "no-sid"})
	wantErr(t, "RestoreAssistant without a SID", err, store.ErrInvalid)
}

// testAssistantTask: one task read alone is the task of the whole
// assistant, fields and samples included; the samples are counted across
// tasks.
func testAssistantTask(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "one-task")
	a := namedAssistant(t, s, acct, "one-task")
	full := getOK(t, s, acct.SID, a.SID)
	total := 0
	for _, task := range full.Tasks {
		total += len(task.Samples)
		for _, key := range []string{task.SID, task.UniqueName} {
			got, err := s.AssistantTask(ctx, acct.SID, full.UniqueName, key)
			if err != nil {
				t.Fatalf("AssistantTask %s: %v", key, err)
			}
			if len(got.Tasks) != 1 || got.SID != full.SID || got.Revision != full.Revision {
				t.Fatalf("AssistantTask %s: %d tasks, assistant %s rev %d", key, len(got.Tasks), got.SID, got.Revision)
			}
			if diff := cmp.Diff(task, got.Tasks[0]); diff != "" {
				t.Errorf("task %s read alone (-whole +alone):\n%s", key, diff)
			}
		}
	}
	if n, err := s.CountSamples(ctx, a.SID); err != nil || n != total || total == 0 {
		t.Errorf("CountSamples: %d, %v; want %d (and some)", n, err, total)
	}
	for _, ft := range full.FieldTypes {
		for _, key := range []string{ft.SID, ft.UniqueName} {
			got, err := s.AssistantFieldType(ctx, acct.SID, full.SID, key)
			if err != nil {
				t.Fatalf("AssistantFieldType %s: %v", key, err)
			}
			if len(got.FieldTypes) != 1 || len(got.Tasks) != 0 || got.SID != full.SID {
				t.Fatalf("AssistantFieldType %s: %d field types, %d tasks", key, len(got.FieldTypes), len(got.Tasks))
			}
			if diff := cmp.Diff(ft, got.FieldTypes[0]); diff != "" {
				t.Errorf("field type %s read alone (-whole +alone):\n%s", key, diff)
			}
		}
	}
	if _, err := s.AssistantFieldType(ctx, acct.SID, full.SID, "no-such-type"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AssistantFieldType of no type: %v, want ErrNotFound", err)
	}
	_, err := s.AssistantTask(ctx, acct.SID, full.UniqueName, "no-such-task")
	wantErr(t, "AssistantTask of no task", err, store.ErrNotFound)
	other := newAccount(t, s, "not-mine")
	_, err = s.AssistantTask(ctx, other.SID, full.SID, full.Tasks[0].SID)
	wantErr(t, "AssistantTask of another account", err, store.ErrNotFound)
}

// testAssistantOutline: the outline of an assistant is the whole assistant
// without its tasks' fields and samples and its field types' values.
func testAssistantOutline(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "outline")
	a := namedAssistant(t, s, acct, "outline")
	want := getOK(t, s, acct.SID, a.SID)
	if len(want.Tasks) == 0 || len(want.FieldTypes) == 0 {
		t.Fatalf("the test assistant has %d tasks and %d field types; want some of each", len(want.Tasks), len(want.FieldTypes))
	}
	for i := range want.Tasks {
		want.Tasks[i].Fields, want.Tasks[i].Samples = nil, nil
	}
	for i := range want.FieldTypes {
		want.FieldTypes[i].Values = nil
	}
	for _, key := range []string{a.SID, a.UniqueName} {
		got, err := s.AssistantOutline(ctx, acct.SID, key)
		if err != nil {
			t.Fatalf("AssistantOutline %s: %v", key, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outline of %s (-whole, emptied +outline):\n%s", key, diff)
		}
	}
	_, err := s.AssistantOutline(ctx, acct.SID, "no-such-assistant")
	wantErr(t, "AssistantOutline of no assistant", err, store.ErrNotFound)
	other := newAccount(t, s, "outline-other")
	_, err = s.AssistantOutline(ctx, other.SID, a.SID)
	wantErr(t, "AssistantOutline of another account", err, store.ErrNotFound)
}
