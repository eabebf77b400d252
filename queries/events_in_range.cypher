// Events in a date range (here: 20 to 31 March 2024), with their label and CAMEO code.
MATCH (e:Event)
WHERE e.date >= date("2024-03-20") AND e.date <= date("2024-03-31")
RETURN e.label AS event, e.date AS date, e.cameoCode AS cameo
ORDER BY date, event
