// An actor's statements, with their quotes (here: Ismail Haniyeh's).
MATCH (statement:Statement)-[:ACTOR]->(a)
WHERE a.label = "Ismail Haniyeh" AND NOT statement.quote IS NULL
RETURN a.label AS actor, statement.quote AS quote, statement.sentence AS sentence
ORDER BY quote
