package store

import (
	"database/sql"
	"strconv"
)

// PurgeBatch is how many rows a purge deletes per statement: few enough that
// the writers waiting behind one wait little.
const PurgeBatch = 1000

// PurgeLimit is PurgeBatch as SQL text, for the LIMIT of a purge's
// statement.
var PurgeLimit = strconv.Itoa(PurgeBatch)

// DeleteInBatches runs del, a statement that deletes at most PurgeBatch
// rows, until it deletes fewer, and returns how many rows went.
func DeleteInBatches(del func() (sql.Result, error)) (int64, error) {
	var total int64
	for {
		res, err := del()
		if err != nil {
			return total, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, err
		}
		total += n
		if n < PurgeBatch {
			return total, nil
		}
	}
}
