"""DataTables server-side processing: ``protocol`` (the request and the in-band error),
``plan`` (what to select, filter and order), ``statement`` (the SQL), ``engine`` (running it
with cached counts) and ``rows`` (the plugin's row shape)."""
