package storetest

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// taskOf returns the task of a with the given SID, or fails.
func taskOf(t *testing.T, a *assistant.Assistant, sid string) *assistant.Task {
	t.Helper()
	for i := range a.Tasks {
		if a.Tasks[i].SID == sid {
			return &a.Tasks[i]
		}
	}
	t.Fatalf("assistant %s has no task %s", a.UniqueName, sid)
	return nil
}

func testTasks(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "tasks")
	other := newAccount(t, s, "other")
	a := namedAssistant(t, s, acct, "tasks")
	theirs := namedAssistant(t, s, other, "theirs")

	var created assistant.Task
	t.Run("create", func(t *testing.T) {
		start := now()
		in := assistant.Task{
			UniqueName:   "hours",
			FriendlyName: "Opening hours",
			Actions:      json.RawMessage(`{"actions":[{"say":"9 to 5"}]}`),
			ActionsURL:   "https://example.com/hours",
			// Ignored: fields and samples are created one at a time.
			Fields:  []assistant.Field{{UniqueName: "day", FieldType: "Twilio.DAY_OF_WEEK"}},
			Samples: []assistant.Sample{{Language: "en-US", TaggedText: "when are you open"}},
		}
		got, err := s.CreateTask(ctx, acct.SID, a.SID, in)
		if err != nil {
			t.Fatalf("CreateTask: %v", err)
		}
		if !twilio.IsSID(twilio.PrefixTask, got.SID) {
			t.Errorf("SID = %q, want a UD SID", got.SID)
		}
		checkDate(t, "DateCreated", got.DateCreated, start)
		if !got.DateUpdated.Equal(got.DateCreated) {
			t.Errorf("DateUpdated = %v, want DateCreated %v", got.DateUpdated, got.DateCreated)
		}
		want := in
		want.SID, want.DateCreated, want.DateUpdated, want.Fields, want.Samples = got.SID, got.DateCreated, got.DateUpdated, nil, nil
		if diff := cmp.Diff(want, got, exact); diff != "" {
			t.Errorf("CreateTask (-want +got):\n%s", diff)
		}
		after := checkChanged(t, s, a, true, start)
		if last := after.Tasks[len(after.Tasks)-1]; last.SID != got.SID {
			t.Errorf("last task = %s, want the new task appended", last.UniqueName)
		}
		if diff := cmp.Diff(&want, after.Task("hours"), exact); diff != "" {
			t.Errorf("Assistant's task (-create +get):\n%s", diff)
		}
		created = got
	})

	t.Run("update", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			key   string
			patch store.TaskPatch
			want  func(*assistant.Task)
		}{
			{"nothing", "hours", store.TaskPatch{}, func(*assistant.Task) {}},
			{"friendly-name", created.SID, store.TaskPatch{FriendlyName: new("Hours")}, func(t *assistant.Task) { t.FriendlyName = "Hours" }},
			{"actions", "hours", store.TaskPatch{Actions: json.RawMessage(`{"actions":[{"say":"always"}]}`)}, func(t *assistant.Task) {
				t.Actions = json.RawMessage(`{"actions":[{"say":"always"}]}`)
			}},
			{"unset-actions", "hours", store.TaskPatch{Actions: json.RawMessage{}}, func(t *assistant.Task) { t.Actions = nil }},
			{"actions-url", "hours", store.TaskPatch{ActionsURL: new("")}, func(t *assistant.Task) { t.ActionsURL = "" }},
			{"rename", "hours", store.TaskPatch{UniqueName: new("opening_hours")}, func(t *assistant.Task) { t.UniqueName = "opening_hours" }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := getOK(t, s, acct.SID, a.SID)
				start := now()
				got, err := s.UpdateTask(ctx, acct.SID, a.SID, tc.key, tc.patch)
				if err != nil {
					t.Fatalf("UpdateTask: %v", err)
				}
				after := checkChanged(t, s, before, true, start)
				want := *taskOf(t, before, created.SID)
				tc.want(&want)
				stored := taskOf(t, after, created.SID)
				checkDate(t, "task DateUpdated", stored.DateUpdated, start)
				want.DateUpdated = stored.DateUpdated
				if diff := cmp.Diff(&want, stored, exact); diff != "" {
					t.Errorf("stored task (-want +got):\n%s", diff)
				}
				want.Fields, want.Samples = nil, nil
				if diff := cmp.Diff(want, got, exact); diff != "" {
					t.Errorf("UpdateTask (-want +got):\n%s", diff)
				}
			})
		}
	})

	t.Run("keeps-fields-and-samples", func(t *testing.T) {
		before := getOK(t, s, acct.SID, a.SID).Task("book_table")
		if _, err := s.UpdateTask(ctx, acct.SID, a.SID, "book_table", store.TaskPatch{FriendlyName: new("Book")}); err != nil {
			t.Fatalf("UpdateTask: %v", err)
		}
		after := getOK(t, s, acct.SID, a.SID).Task("book_table")
		if diff := cmp.Diff(before.Fields, after.Fields); diff != "" {
			t.Errorf("fields after UpdateTask (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(before.Samples, after.Samples); diff != "" {
			t.Errorf("samples after UpdateTask (-before +after):\n%s", diff)
		}
	})

	checkFails(t, s, a, []failCase{
		{"create-no-name", func() error {
			_, err := s.CreateTask(ctx, acct.SID, a.SID, assistant.Task{FriendlyName: "x"})
			return err
		}, store.ErrInvalid},
		{"create-name-taken", func() error {
			_, err := s.CreateTask(ctx, acct.SID, a.SID, assistant.Task{UniqueName: "greeting"})
			return err
		}, store.ErrExists},
		{"create-unknown-assistant", func() error {
			_, err := s.CreateTask(ctx, acct.SID, twilio.NewSID(twilio.PrefixAssistant), assistant.Task{UniqueName: "x"})
			return err
		}, store.ErrNotFound},
		{"create-other-account", func() error {
			_, err := s.CreateTask(ctx, other.SID, a.SID, assistant.Task{UniqueName: "x"})
			return err
		}, store.ErrNotFound},
		{"update-no-name", func() error {
			_, err := s.UpdateTask(ctx, acct.SID, a.SID, "greeting", store.TaskPatch{UniqueName: new("")})
			return err
		}, store.ErrInvalid},
		{"update-name-taken", func() error {
			_, err := s.UpdateTask(ctx, acct.SID, a.SID, "greeting", store.TaskPatch{UniqueName: new("menu"), FriendlyName: new("x")})
			return err
		}, store.ErrExists},
		{"update-unknown", func() error {
			_, err := s.UpdateTask(ctx, acct.SID, a.SID, "nope", store.TaskPatch{FriendlyName: new("x")})
			return err
		}, store.ErrNotFound},
		{"update-other-account", func() error {
			_, err := s.UpdateTask(ctx, other.SID, a.SID, "greeting", store.TaskPatch{FriendlyName: new("x")})
			return err
		}, store.ErrNotFound},
		{"update-their-task", func() error {
			_, err := s.UpdateTask(ctx, acct.SID, a.SID, theirs.Tasks[0].SID, store.TaskPatch{FriendlyName: new("x")})
			return err
		}, store.ErrNotFound},
		{"delete-unknown", func() error { return s.DeleteTask(ctx, acct.SID, a.SID, "nope") }, store.ErrNotFound},
		{"delete-other-account", func() error { return s.DeleteTask(ctx, other.SID, a.SID, "greeting") }, store.ErrNotFound},
		{"delete-their-task", func() error { return s.DeleteTask(ctx, acct.SID, a.SID, theirs.Tasks[0].SID) }, store.ErrNotFound},
	})

	t.Run("sid-wins-over-name", func(t *testing.T) {
		menu := getOK(t, s, acct.SID, a.SID).Task("menu")
		if _, err := s.CreateTask(ctx, acct.SID, a.SID, assistant.Task{UniqueName: menu.SID}); err != nil {
			t.Fatalf("CreateTask: %v", err)
		}
		got, err := s.UpdateTask(ctx, acct.SID, a.SID, menu.SID, store.TaskPatch{})
		if err != nil || got.SID != menu.SID {
			t.Errorf("UpdateTask(%s) = %s, %v; want the task with that SID", menu.SID, got.UniqueName, err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		for _, by := range []string{"sid", "name"} {
			t.Run(by, func(t *testing.T) {
				before := getOK(t, s, acct.SID, a.SID)
				start := now()
				task := before.Task("book_table")
				if by == "sid" {
					task = before.Task("goodbye")
				}
				key := task.SID
				if by == "name" {
					key = task.UniqueName
				}
				if err := s.DeleteTask(ctx, acct.SID, a.SID, key); err != nil {
					t.Fatalf("DeleteTask: %v", err)
				}
				after := checkChanged(t, s, before, true, start)
				if after.Task(task.UniqueName) != nil {
					t.Errorf("task %s still there after DeleteTask", task.UniqueName)
				}
				// The others, with their fields and samples, stay as they were.
				var want []assistant.Task
				for _, tk := range before.Tasks {
					if tk.SID != task.SID {
						want = append(want, tk)
					}
				}
				if diff := cmp.Diff(want, after.Tasks, exact); diff != "" {
					t.Errorf("tasks after DeleteTask (-want +got):\n%s", diff)
				}
				wantErr(t, "DeleteTask again", s.DeleteTask(ctx, acct.SID, a.SID, key), store.ErrNotFound)
				// Its fields and samples went with it: a new task of the
				// same name starts empty.
				got, err := s.CreateTask(ctx, acct.SID, a.SID, assistant.Task{UniqueName: task.UniqueName})
				if err != nil {
					t.Fatalf("CreateTask: %v", err)
				}
				if again := taskOf(t, getOK(t, s, acct.SID, a.SID), got.SID); len(again.Fields) != 0 || len(again.Samples) != 0 || again.SID == task.SID {
					t.Errorf("recreated task %s: SID %s, %d fields, %d samples; want a new SID and none", again.UniqueName, again.SID, len(again.Fields), len(again.Samples))
				}
			})
		}
	})
}

func testFields(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "fields")
	other := newAccount(t, s, "other")
	a := namedAssistant(t, s, acct, "fields")
	book := a.Task("book_table")
	theirs := namedAssistant(t, s, other, "theirs")

	var created assistant.Field
	for _, tc := range []struct {
		name, task string
		field      assistant.Field
	}{
		{"builtin-by-task-sid", book.SID, assistant.Field{UniqueName: "when", FieldType: "Twilio.DATE"}},
		{"custom-by-task-name", "book_table", assistant.Field{UniqueName: "size", FieldType: "cuisine_type"}},
		{"type-sid-as-given", "greeting", assistant.Field{UniqueName: "cuisine", FieldType: a.FieldTypes[0].SID}},
	} {
		t.Run("create-"+tc.name, func(t *testing.T) {
			before := getOK(t, s, acct.SID, a.SID)
			start := now()
			got, err := s.CreateField(ctx, acct.SID, a.SID, tc.task, tc.field)
			if err != nil {
				t.Fatalf("CreateField: %v", err)
			}
			if !twilio.IsSID(twilio.PrefixField, got.SID) {
				t.Errorf("SID = %q, want a UE SID", got.SID)
			}
			checkDate(t, "DateCreated", got.DateCreated, start)
			want := tc.field
			want.SID, want.DateCreated, want.DateUpdated = got.SID, got.DateCreated, got.DateCreated
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("CreateField (-want +got):\n%s", diff)
			}
			after := checkChanged(t, s, before, true, start)
			task := after.Task(tc.task)
			if task == nil {
				task = taskOf(t, after, tc.task)
			}
			if last := task.Fields[len(task.Fields)-1]; !cmp.Equal(want, last) {
				t.Errorf("last field of %s = %+v, want the new field %+v appended", task.UniqueName, last, want)
			}
			created = got
		})
	}

	checkFails(t, s, a, []failCase{
		{"create-no-name", func() error {
			_, err := s.CreateField(ctx, acct.SID, a.SID, "book_table", assistant.Field{FieldType: "Twilio.NUMBER"})
			return err
		}, store.ErrInvalid},
		{"create-no-type", func() error {
			_, err := s.CreateField(ctx, acct.SID, a.SID, "book_table", assistant.Field{UniqueName: "x"})
			return err
		}, store.ErrInvalid},
		{"create-name-taken", func() error {
			_, err := s.CreateField(ctx, acct.SID, a.SID, "book_table", assistant.Field{UniqueName: "party_size", FieldType: "Twilio.NUMBER"})
			return err
		}, store.ErrExists},
		{"create-unknown-task", func() error {
			_, err := s.CreateField(ctx, acct.SID, a.SID, "nope", assistant.Field{UniqueName: "x", FieldType: "Twilio.NUMBER"})
			return err
		}, store.ErrNotFound},
		{"create-their-task", func() error {
			_, err := s.CreateField(ctx, acct.SID, a.SID, theirs.Tasks[1].SID, assistant.Field{UniqueName: "x", FieldType: "Twilio.NUMBER"})
			return err
		}, store.ErrNotFound},
		{"create-other-account", func() error {
			_, err := s.CreateField(ctx, other.SID, a.SID, "book_table", assistant.Field{UniqueName: "x", FieldType: "Twilio.NUMBER"})
			return err
		}, store.ErrNotFound},
		{"delete-unknown", func() error { return s.DeleteField(ctx, acct.SID, a.SID, "book_table", "nope") }, store.ErrNotFound},
		{"delete-of-other-task", func() error { return s.DeleteField(ctx, acct.SID, a.SID, "menu", "party_size") }, store.ErrNotFound},
		{"delete-unknown-task", func() error { return s.DeleteField(ctx, acct.SID, a.SID, "nope", "party_size") }, store.ErrNotFound},
		{"delete-other-account", func() error { return s.DeleteField(ctx, other.SID, a.SID, "book_table", "party_size") }, store.ErrNotFound},
		{"delete-theirs", func() error {
			return s.DeleteField(ctx, acct.SID, theirs.SID, theirs.Tasks[1].SID, theirs.Tasks[1].Fields[0].SID)
		}, store.ErrNotFound},
	})

	t.Run("same-name-other-task", func(t *testing.T) {
		if _, err := s.CreateField(ctx, acct.SID, a.SID, "menu", assistant.Field{UniqueName: "party_size", FieldType: "Twilio.NUMBER"}); err != nil {
			t.Errorf("CreateField with a name another task's field has: %v", err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		for _, key := range []string{created.SID, "party_size"} {
			before := getOK(t, s, acct.SID, a.SID)
			start := now()
			task := "greeting"
			if key == "party_size" {
				task = book.SID
			}
			if err := s.DeleteField(ctx, acct.SID, a.SID, task, key); err != nil {
				t.Fatalf("DeleteField(%s): %v", key, err)
			}
			after := checkChanged(t, s, before, true, start)
			gone := func(tk assistant.Task, f assistant.Field) bool {
				if key == created.SID {
					return f.SID == created.SID
				}
				return tk.SID == book.SID && f.UniqueName == key
			}
			for _, tk := range after.Tasks {
				for _, f := range tk.Fields {
					if gone(tk, f) {
						t.Errorf("field %s of %s still there after DeleteField", f.UniqueName, tk.UniqueName)
					}
				}
			}
			if n := len(after.Task("menu").Fields); n != 1 {
				t.Errorf("menu has %d fields, want its own party_size kept", n)
			}
			wantErr(t, "DeleteField again", s.DeleteField(ctx, acct.SID, a.SID, task, key), store.ErrNotFound)
		}
	})
}

func testSamples(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "samples")
	other := newAccount(t, s, "other")
	a := namedAssistant(t, s, acct, "samples")
	greeting := a.Task("greeting")

	var created assistant.Sample
	t.Run("create", func(t *testing.T) {
		start := now()
		in := assistant.Sample{Language: "en-US", TaggedText: "hey there", SourceChannel: "sms"}
		got, err := s.CreateSample(ctx, acct.SID, a.SID, "greeting", in)
		if err != nil {
			t.Fatalf("CreateSample: %v", err)
		}
		if !twilio.IsSID(twilio.PrefixSample, got.SID) {
			t.Errorf("SID = %q, want a UF SID", got.SID)
		}
		checkDate(t, "DateCreated", got.DateCreated, start)
		want := in
		want.SID, want.DateCreated, want.DateUpdated = got.SID, got.DateCreated, got.DateCreated
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("CreateSample (-want +got):\n%s", diff)
		}
		after := checkChanged(t, s, a, true, start)
		samples := after.Task("greeting").Samples
		if diff := cmp.Diff(want, samples[len(samples)-1]); diff != "" {
			t.Errorf("last sample (-want +got):\n%s", diff)
		}
		created = got
	})

	t.Run("update", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			task  string
			patch store.SamplePatch
			want  func(*assistant.Sample)
		}{
			{"nothing", "greeting", store.SamplePatch{}, func(*assistant.Sample) {}},
			{"text", greeting.SID, store.SamplePatch{TaggedText: new("hey you")}, func(s *assistant.Sample) { s.TaggedText = "hey you" }},
			{"language", "greeting", store.SamplePatch{Language: new("es-ES")}, func(s *assistant.Sample) { s.Language = "es-ES" }},
			{"channel", "greeting", store.SamplePatch{SourceChannel: new("voice")}, func(s *assistant.Sample) { s.SourceChannel = "voice" }},
			{"unset-channel", "greeting", store.SamplePatch{SourceChannel: new("")}, func(s *assistant.Sample) { s.SourceChannel = "" }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := getOK(t, s, acct.SID, a.SID)
				start := now()
				got, err := s.UpdateSample(ctx, acct.SID, a.SID, tc.task, created.SID, tc.patch)
				if err != nil {
					t.Fatalf("UpdateSample: %v", err)
				}
				after := checkChanged(t, s, before, true, start)
				samples := after.Task("greeting").Samples
				stored := samples[len(samples)-1]
				checkDate(t, "sample DateUpdated", stored.DateUpdated, start)
				prev := before.Task("greeting").Samples
				want := prev[len(prev)-1]
				tc.want(&want)
				want.DateUpdated = stored.DateUpdated
				if diff := cmp.Diff(want, stored); diff != "" {
					t.Errorf("stored sample (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("UpdateSample (-want +got):\n%s", diff)
				}
			})
		}
	})

	book := a.Task("book_table")
	checkFails(t, s, a, []failCase{
		{"create-no-language", func() error {
			_, err := s.CreateSample(ctx, acct.SID, a.SID, "greeting", assistant.Sample{TaggedText: "x"})
			return err
		}, store.ErrInvalid},
		{"create-no-text", func() error {
			_, err := s.CreateSample(ctx, acct.SID, a.SID, "greeting", assistant.Sample{Language: "en-US"})
			return err
		}, store.ErrInvalid},
		{"create-unknown-task", func() error {
			_, err := s.CreateSample(ctx, acct.SID, a.SID, "nope", assistant.Sample{Language: "en-US", TaggedText: "x"})
			return err
		}, store.ErrNotFound},
		{"create-other-account", func() error {
			_, err := s.CreateSample(ctx, other.SID, a.SID, "greeting", assistant.Sample{Language: "en-US", TaggedText: "x"})
			return err
		}, store.ErrNotFound},
		{"update-no-text", func() error {
			_, err := s.UpdateSample(ctx, acct.SID, a.SID, "greeting", created.SID, store.SamplePatch{TaggedText: new("")})
			return err
		}, store.ErrInvalid},
		{"update-no-language", func() error {
			_, err := s.UpdateSample(ctx, acct.SID, a.SID, "greeting", created.SID, store.SamplePatch{Language: new("")})
			return err
		}, store.ErrInvalid},
		{"update-of-other-task", func() error {
			_, err := s.UpdateSample(ctx, acct.SID, a.SID, "book_table", created.SID, store.SamplePatch{TaggedText: new("x")})
			return err
		}, store.ErrNotFound},
		{"update-unknown", func() error {
			_, err := s.UpdateSample(ctx, acct.SID, a.SID, "greeting", twilio.NewSID(twilio.PrefixSample), store.SamplePatch{TaggedText: new("x")})
			return err
		}, store.ErrNotFound},
		{"update-other-account", func() error {
			_, err := s.UpdateSample(ctx, other.SID, a.SID, "greeting", created.SID, store.SamplePatch{TaggedText: new("x")})
			return err
		}, store.ErrNotFound},
		{"delete-of-other-task", func() error {
			return s.DeleteSample(ctx, acct.SID, a.SID, "menu", book.Samples[0].SID)
		}, store.ErrNotFound},
		{"delete-other-account", func() error {
			return s.DeleteSample(ctx, other.SID, a.SID, "book_table", book.Samples[0].SID)
		}, store.ErrNotFound},
	})

	t.Run("delete", func(t *testing.T) {
		before := getOK(t, s, acct.SID, a.SID)
		start := now()
		if err := s.DeleteSample(ctx, acct.SID, a.SID, book.SID, book.Samples[0].SID); err != nil {
			t.Fatalf("DeleteSample: %v", err)
		}
		after := checkChanged(t, s, before, true, start)
		if diff := cmp.Diff(before.Task("book_table").Samples[1:], after.Task("book_table").Samples); diff != "" {
			t.Errorf("samples after DeleteSample (-want +got):\n%s", diff)
		}
		wantErr(t, "DeleteSample again", s.DeleteSample(ctx, acct.SID, a.SID, book.SID, book.Samples[0].SID), store.ErrNotFound)
	})
}
