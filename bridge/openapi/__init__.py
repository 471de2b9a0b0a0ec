"""The OpenAPI 3.1 document, generated from the router and the resource schemas (never from
docstrings): JSON Schemas of the resources (schemas.py), the operations of each route
(operations.py) and the document that puts them together (document.py)."""
