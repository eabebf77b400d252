// Who met whom: pairs of participants of the same Meeting event, with the meeting's date.
// Only meetings the articles assert: one someone "was not at", one that is only planned, or one
// a speaker claims stays in the graph with its factuality, but is no meeting that took place.
MATCH (meeting:Meeting)-[:PARTICIPANT]->(a)
MATCH (meeting)-[:PARTICIPANT]->(b)
WHERE a.uri < b.uri AND meeting.factuality = 'Asserted'
RETURN a.label AS actor, b.label AS other, meeting.date AS date
ORDER BY actor, other
