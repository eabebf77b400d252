// Statements with their quotes: every actor's, or one's with --param speaker="Ismail Haniyeh".
MATCH (statement:Statement)-[:ACTOR]->(a)
WHERE a.label = coalesce($speaker, a.label) AND NOT statement.quote IS NULL
RETURN a.label AS actor, statement.quote AS quote, statement.sentence AS sentence
ORDER BY actor, quote
