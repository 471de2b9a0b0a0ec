"""WordPress REST plumbing for the resources: a controller in the spirit of WordPress's
``WP_REST_Controller`` (controller.py) that owns the shared read and write skeleton, collection
parameters and pages (collection.py), item bodies and ETags (items.py), the write transaction
(transaction.py), the reference checks every write makes (references.py), and one controller per
resource stating only its rules (customers.py, branches.py, employees.py)."""
