package postgres

import (
	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// What the packages that use a store ask of it, as *sqlite.DB gives it.
var (
	_ storetest.Store        = (*DB)(nil)
	_ store.AccountSource    = (*DB)(nil)
	_ api.Store              = (*DB)(nil)
	_ dialogue.Store         = (*DB)(nil)
	_ dialogue.BuildStore    = (*DB)(nil)
	_ dialogue.QueueStore    = (*DB)(nil)
	_ dialogue.QueryLog      = (*DB)(nil)
	_ dialogue.QueryBatchLog = (*DB)(nil)
)
