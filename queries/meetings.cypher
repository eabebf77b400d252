// Who met whom: pairs of participants of the same Meeting event, with the meeting's date.
MATCH (meeting:Meeting)-[:PARTICIPANT]->(a)
MATCH (meeting)-[:PARTICIPANT]->(b)
WHERE a.uri < b.uri
RETURN a.label AS actor, b.label AS other, meeting.date AS date
ORDER BY actor, other
