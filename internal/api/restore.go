package api

import "net/http"

// restoreAssistant is POST /v1/Assistants/Restore.
func (s *Server) restoreAssistant(w http.ResponseWriter, r *request) error {
	return notFound(r.URL.Path)
}
