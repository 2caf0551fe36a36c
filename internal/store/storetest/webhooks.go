package storetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

func testWebhooks(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "webhooks")
	other := newAccount(t, s, "other")
	a := namedAssistant(t, s, acct, "webhooks")
	theirs := namedAssistant(t, s, other, "theirs")

	createOK := func(t *testing.T, w *store.Webhook) *store.Webhook {
		t.Helper()
		if err := s.CreateWebhook(ctx, w); err != nil {
			t.Fatalf("CreateWebhook: %v", err)
		}
		return w
	}
	hook := func(t *testing.T, key string) *store.Webhook {
		t.Helper()
		return webhookOK(t, s, acct.SID, a.SID, key)
	}

	var first, second *store.Webhook
	t.Run("create-get", func(t *testing.T) {
		before := getOK(t, s, acct.SID, a.SID)
		start := now()
		first = createOK(t, &store.Webhook{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: "ended",
			Events: "onDialogueEnd onDialogueTimeout", WebhookURL: "https://example.com/ended", WebhookMethod: "GET"})
		if !twilio.IsSID(twilio.PrefixWebhook, first.SID) {
			t.Errorf("SID = %q, want a UM SID", first.SID)
		}
		checkDate(t, "DateCreated", first.DateCreated, start)
		if !first.DateUpdated.Equal(first.DateCreated) {
			t.Errorf("DateUpdated = %v, want DateCreated %v", first.DateUpdated, first.DateCreated)
		}
		for _, key := range []string{first.SID, "ended"} {
			if diff := cmp.Diff(first, hook(t, key)); diff != "" {
				t.Errorf("Webhook(%s) (-create +get):\n%s", key, diff)
			}
		}
		checkChanged(t, s, before, false, start)
	})

	t.Run("default-method", func(t *testing.T) {
		second = createOK(t, &store.Webhook{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: "started",
			Events: "onDialogueStart", WebhookURL: "https://example.com/started"})
		if second.WebhookMethod != "POST" {
			t.Errorf("WebhookMethod = %q, want POST", second.WebhookMethod)
		}
		if diff := cmp.Diff(second, hook(t, second.SID)); diff != "" {
			t.Errorf("Webhook (-create +get):\n%s", diff)
		}
	})

	t.Run("same-name-other-assistant", func(t *testing.T) {
		createOK(t, &store.Webhook{AccountSID: other.SID, AssistantSID: theirs.SID, UniqueName: "ended",
			Events: "onDialogueEnd", WebhookURL: "https://example.com/theirs"})
	})

	t.Run("list-in-creation-order", func(t *testing.T) {
		got, err := s.Webhooks(ctx, acct.SID, a.SID)
		if err != nil {
			t.Fatalf("Webhooks: %v", err)
		}
		if diff := cmp.Diff([]store.Webhook{*first, *second}, got); diff != "" {
			t.Errorf("Webhooks (-want +got):\n%s", diff)
		}
		for _, tc := range []struct{ account, assistant string }{
			{other.SID, a.SID},
			{acct.SID, theirs.SID},
			{acct.SID, twilio.NewSID(twilio.PrefixAssistant)},
		} {
			if got, err := s.Webhooks(ctx, tc.account, tc.assistant); err != nil || len(got) != 0 {
				t.Errorf("Webhooks(%s, %s) = %d webhooks, %v; want none", tc.account, tc.assistant, len(got), err)
			}
		}
	})

	t.Run("update", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			key   string
			patch store.WebhookPatch
			want  func(*store.Webhook)
		}{
			{"nothing", "ended", store.WebhookPatch{}, func(*store.Webhook) {}},
			{"events", first.SID, store.WebhookPatch{Events: new("onDialogueEnd")}, func(w *store.Webhook) { w.Events = "onDialogueEnd" }},
			{"url", "ended", store.WebhookPatch{WebhookURL: new("https://example.com/end")}, func(w *store.Webhook) {
				w.WebhookURL = "https://example.com/end"
			}},
			{"method", "ended", store.WebhookPatch{WebhookMethod: new("POST")}, func(w *store.Webhook) { w.WebhookMethod = "POST" }},
			{"default-method", "ended", store.WebhookPatch{WebhookMethod: new("")}, func(w *store.Webhook) { w.WebhookMethod = "POST" }},
			{"rename", "ended", store.WebhookPatch{UniqueName: new("finished")}, func(w *store.Webhook) { w.UniqueName = "finished" }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := getOK(t, s, acct.SID, a.SID)
				start := now()
				want := hook(t, first.SID)
				got, err := s.UpdateWebhook(ctx, acct.SID, a.SID, tc.key, tc.patch)
				if err != nil {
					t.Fatalf("UpdateWebhook: %v", err)
				}
				checkDate(t, "DateUpdated", got.DateUpdated, start)
				tc.want(want)
				want.DateUpdated = got.DateUpdated
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("UpdateWebhook (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(got, hook(t, first.SID)); diff != "" {
					t.Errorf("Webhook after update (-update +get):\n%s", diff)
				}
				checkChanged(t, s, before, false, start)
			})
		}
	})

	theirHook := webhookOK(t, s, other.SID, theirs.SID, "ended")
	for _, tc := range []failCase{
		{"create-no-account", func() error {
			return s.CreateWebhook(ctx, &store.Webhook{AssistantSID: a.SID, UniqueName: "x", Events: "e", WebhookURL: "u"})
		}, store.ErrInvalid},
		{"create-no-assistant", func() error {
			return s.CreateWebhook(ctx, &store.Webhook{AccountSID: acct.SID, UniqueName: "x", Events: "e", WebhookURL: "u"})
		}, store.ErrInvalid},
		{"create-no-name", func() error {
			return s.CreateWebhook(ctx, &store.Webhook{AccountSID: acct.SID, AssistantSID: a.SID, Events: "e", WebhookURL: "u"})
		}, store.ErrInvalid},
		{"create-no-events", func() error {
			return s.CreateWebhook(ctx, &store.Webhook{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: "x", WebhookURL: "u"})
		}, store.ErrInvalid},
		{"create-no-url", func() error {
			return s.CreateWebhook(ctx, &store.Webhook{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: "x", Events: "e"})
		}, store.ErrInvalid},
		{"create-name-taken", func() error {
			return s.CreateWebhook(ctx, &store.Webhook{AccountSID: acct.SID, AssistantSID: a.SID, UniqueName: "started", Events: "e", WebhookURL: "u"})
		}, store.ErrExists},
		{"create-unknown-assistant", func() error {
			return s.CreateWebhook(ctx, &store.Webhook{AccountSID: acct.SID, AssistantSID: twilio.NewSID(twilio.PrefixAssistant),
				UniqueName: "x", Events: "e", WebhookURL: "u"})
		}, store.ErrNotFound},
		{"create-other-account", func() error {
			return s.CreateWebhook(ctx, &store.Webhook{AccountSID: other.SID, AssistantSID: a.SID, UniqueName: "x", Events: "e", WebhookURL: "u"})
		}, store.ErrNotFound},
		{"get-unknown", func() error {
			_, err := s.Webhook(ctx, acct.SID, a.SID, "nope")
			return err
		}, store.ErrNotFound},
		{"get-other-account", func() error {
			_, err := s.Webhook(ctx, other.SID, a.SID, first.SID)
			return err
		}, store.ErrNotFound},
		{"get-theirs", func() error {
			_, err := s.Webhook(ctx, acct.SID, a.SID, theirHook.SID)
			return err
		}, store.ErrNotFound},
		{"update-no-name", func() error {
			_, err := s.UpdateWebhook(ctx, acct.SID, a.SID, first.SID, store.WebhookPatch{UniqueName: new("")})
			return err
		}, store.ErrInvalid},
		{"update-no-events", func() error {
			_, err := s.UpdateWebhook(ctx, acct.SID, a.SID, first.SID, store.WebhookPatch{Events: new("")})
			return err
		}, store.ErrInvalid},
		{"update-no-url", func() error {
			_, err := s.UpdateWebhook(ctx, acct.SID, a.SID, first.SID, store.WebhookPatch{WebhookURL: new("")})
			return err
		}, store.ErrInvalid},
		{"update-name-taken", func() error {
			_, err := s.UpdateWebhook(ctx, acct.SID, a.SID, first.SID, store.WebhookPatch{UniqueName: new("started")})
			return err
		}, store.ErrExists},
		{"update-unknown", func() error {
			_, err := s.UpdateWebhook(ctx, acct.SID, a.SID, "nope", store.WebhookPatch{Events: new("e")})
			return err
		}, store.ErrNotFound},
		{"update-other-account", func() error {
			_, err := s.UpdateWebhook(ctx, other.SID, a.SID, first.SID, store.WebhookPatch{Events: new("e")})
			return err
		}, store.ErrNotFound},
		{"delete-unknown", func() error { return s.DeleteWebhook(ctx, acct.SID, a.SID, "nope") }, store.ErrNotFound},
		{"delete-other-account", func() error { return s.DeleteWebhook(ctx, other.SID, a.SID, first.SID) }, store.ErrNotFound},
		{"delete-theirs", func() error { return s.DeleteWebhook(ctx, acct.SID, theirs.SID, theirHook.SID) }, store.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := s.Webhooks(ctx, acct.SID, a.SID)
			if err != nil {
				t.Fatalf("Webhooks: %v", err)
			}
			wantErr(t, tc.name, tc.call(), tc.want)
			got, err := s.Webhooks(ctx, acct.SID, a.SID)
			if err != nil {
				t.Fatalf("Webhooks: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("a failed call changed the webhooks (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(theirHook, webhookOK(t, s, other.SID, theirs.SID, theirHook.SID)); diff != "" {
				t.Errorf("a failed call changed another account's webhook (-before +after):\n%s", diff)
			}
		})
	}

	t.Run("delete", func(t *testing.T) {
		for _, key := range []string{"finished", second.SID} {
			before := getOK(t, s, acct.SID, a.SID)
			start := now()
			if err := s.DeleteWebhook(ctx, acct.SID, a.SID, key); err != nil {
				t.Fatalf("DeleteWebhook(%s): %v", key, err)
			}
			_, err := s.Webhook(ctx, acct.SID, a.SID, key)
			wantErr(t, "Webhook after delete", err, store.ErrNotFound)
			wantErr(t, "DeleteWebhook again", s.DeleteWebhook(ctx, acct.SID, a.SID, key), store.ErrNotFound)
			checkChanged(t, s, before, false, start)
		}
		if got, err := s.Webhooks(ctx, acct.SID, a.SID); err != nil || len(got) != 0 {
			t.Errorf("Webhooks after deleting all = %d, %v; want none", len(got), err)
		}
	})
}

func webhookOK(t *testing.T, s Store, accountSID, assistantSID, key string) *store.Webhook {
	t.Helper()
	w, err := s.Webhook(t.Context(), accountSID, assistantSID, key)
	if err != nil {
		t.Fatalf("Webhook(%s): %v", key, err)
	}
	return w
}
