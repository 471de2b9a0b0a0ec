"""Export of a whole filtered DataTables set as CSV or XLSX (file formats, chunked reading, route)."""
