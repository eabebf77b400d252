// Events by date, with their label, CAMEO code and factuality: all dated events, or those of a
// range with --param from=2024-03-20 --param to=2024-03-31 (either end may be left open). An
// event the article negates, hedges or reports from a speaker is listed too, and says so
// (Negated, Hedged, Reported): a timeline should not show it as something that happened.
MATCH (e:Event)
WHERE e.date >= coalesce($from, e.date) AND e.date <= coalesce($to, e.date)
RETURN e.label AS event, e.date AS date, e.cameoCode AS cameo, e.factuality AS factuality
ORDER BY date, event
