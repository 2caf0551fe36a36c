package dialogue_test

// maxRoundTrips is what a turn may cost in round trips to PostgreSQL (see
// TestPostgresRoundTripsPerTurn).
const maxRoundTrips = 4
