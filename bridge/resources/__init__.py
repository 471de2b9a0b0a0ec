"""The REST resources as data: one ``ResourceSchema`` per resource (fields, rules, collection
parameters), read by validation today and by OpenAPI, OPTIONS and CSV export later."""
