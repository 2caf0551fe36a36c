package api

import (
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/twilio"
)

// Register adds the REST API's routes to mux: the whole surface, one line per
// method and path. {Assistant}, {Task}, {FieldType}, {Field}, {ModelBuild}
// and {Webhook} take a SID or a unique name; the others a SID.
func (s *Server) Register(mux *http.ServeMux) {
	const (
		a  = "/v1/Assistants/{Assistant}"
		t  = a + "/Tasks/{Task}"
		ft = a + "/FieldTypes/{FieldType}"
	)
	routes := []struct {
		pattern string
		h       handlerFunc
	}{
		{"GET /v1/Assistants", s.listAssistants},
		{"POST /v1/Assistants", s.createAssistant},
		{"POST /v1/Assistants/Restore", s.restoreAssistant},
		{"GET " + a, s.getAssistant},
		{"POST " + a, s.updateAssistant},
		{"DELETE " + a, s.deleteAssistant},
		{"GET " + a + "/Defaults", s.document("Defaults")},
		{"POST " + a + "/Defaults", s.document("Defaults")},
		{"GET " + a + "/StyleSheet", s.document("StyleSheet")},
		{"POST " + a + "/StyleSheet", s.document("StyleSheet")},

		{"GET " + a + "/Tasks", s.listTasks},
		{"POST " + a + "/Tasks", s.createTask},
		{"GET " + t, s.getTask},
		{"POST " + t, s.updateTask},
		{"DELETE " + t, s.deleteTask},
		{"GET " + t + "/Actions", s.taskActions},
		{"POST " + t + "/Actions", s.taskActions},
		{"GET " + t + "/Statistics", s.taskStatistics},

		{"GET " + t + "/Fields", s.listFields},
		{"POST " + t + "/Fields", s.createField},
		{"GET " + t + "/Fields/{Field}", s.getField},
		{"DELETE " + t + "/Fields/{Field}", s.deleteField},

		{"GET " + t + "/Samples", s.listSamples},
		{"POST " + t + "/Samples", s.createSample},
		{"GET " + t + "/Samples/{Sample}", s.getSample},
		{"POST " + t + "/Samples/{Sample}", s.updateSample},
		{"DELETE " + t + "/Samples/{Sample}", s.deleteSample},

		{"GET " + a + "/FieldTypes", s.listFieldTypes},
		{"POST " + a + "/FieldTypes", s.createFieldType},
		{"GET " + ft, s.getFieldType},
		{"POST " + ft, s.updateFieldType},
		{"DELETE " + ft, s.deleteFieldType},
		{"GET " + ft + "/FieldValues", s.listFieldValues},
		{"POST " + ft + "/FieldValues", s.createFieldValue},
		{"GET " + ft + "/FieldValues/{FieldValue}", s.getFieldValue},
		{"DELETE " + ft + "/FieldValues/{FieldValue}", s.deleteFieldValue},

		{"GET " + a + "/ModelBuilds", s.listModelBuilds},
		{"POST " + a + "/ModelBuilds", s.createModelBuild},
		{"GET " + a + "/ModelBuilds/{ModelBuild}", s.getModelBuild},
		{"POST " + a + "/ModelBuilds/{ModelBuild}", s.updateModelBuild},
		{"DELETE " + a + "/ModelBuilds/{ModelBuild}", s.deleteModelBuild},

		{"GET " + a + "/Queries", s.listQueries},
		{"POST " + a + "/Queries", s.createQuery},
		{"GET " + a + "/Queries/{Query}", s.getQuery},
		{"POST " + a + "/Queries/{Query}", s.updateQuery},
		{"DELETE " + a + "/Queries/{Query}", s.deleteQuery},

		{"GET " + a + "/Webhooks", s.listWebhooks},
		{"POST " + a + "/Webhooks", s.createWebhook},
		{"GET " + a + "/Webhooks/{Webhook}", s.getWebhook},
		{"POST " + a + "/Webhooks/{Webhook}", s.updateWebhook},
		{"DELETE " + a + "/Webhooks/{Webhook}", s.deleteWebhook},

		{"GET " + a + "/Dialogues/{Dialogue}", s.getDialogue},
	}
	methods := map[string]map[string]bool{} // path -> methods served
	for _, rt := range routes {
		mux.Handle(rt.pattern, s.handle(rt.h))
		method, path, _ := strings.Cut(rt.pattern, " ")
		if methods[path] == nil {
			methods[path] = map[string]bool{}
		}
		methods[path][method] = true
	}
	// The other methods of a known path are Twilio's 405, and unknown paths
	// under /v1/Assistants its 404, both in Twilio's error body.
	notAllowed := func(w http.ResponseWriter, r *http.Request) {
		twilio.WriteError(w, twilio.NewError(http.StatusMethodNotAllowed, twilio.CodeMethodNotAllowed, "Method %s not allowed on %s", r.Method, r.URL.Path))
	}
	for path, served := range methods {
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if !served[m] {
				mux.HandleFunc(m+" "+path, notAllowed)
			}
		}
	}
	// (Only one level deep: a wider pattern would overlap the custom
	// channel's /v1/{AccountSid}/{Assistant}/custom/{ChannelName}.)
	mux.HandleFunc("/v1/Assistants/{Assistant}/{Resource}", func(w http.ResponseWriter, r *http.Request) {
		twilio.WriteError(w, notFound(r.URL.Path))
	})
}
