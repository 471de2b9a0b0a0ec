"""Domain writes beside their models: what creating, changing and deleting a customer, branch
or employee does to the tables and which lifecycle actions it records, as the plugin does it.
They run inside the transaction the REST controller opens (bridge/rest/controller.py) and
know nothing of requests."""
