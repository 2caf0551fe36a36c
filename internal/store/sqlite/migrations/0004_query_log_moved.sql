-- Queries moved to the query log's own database file (querylog/).
DROP TABLE queries;
