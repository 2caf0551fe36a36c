package dialogue_test

// maxRoundTrips is what a turn may cost in round trips to PostgreSQL (see
// TestPostgresRoundTripsPerTurn): the dialogue's lease with its read, and
// its save with the lease given back.
const maxRoundTrips = 2
