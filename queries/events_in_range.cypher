// Events by date, with their label and CAMEO code: all dated events, or those of a range with
// --param from=2024-03-20 --param to=2024-03-31 (either end may be left open).
MATCH (e:Event)
WHERE e.date >= coalesce($from, e.date) AND e.date <= coalesce($to, e.date)
RETURN e.label AS event, e.date AS date, e.cameoCode AS cameo
ORDER BY date, event
