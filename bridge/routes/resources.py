"""``/customers``, ``/branches``, ``/employees``: the three REST resources, each registered by its
controller (bridge/rest/): list, item, create, update, delete."""

from __future__ import annotations

from sanic import Blueprint

from bridge.namespace import API_PREFIX
from bridge.rest.branches import BranchesController
from bridge.rest.customers import CustomersController
from bridge.rest.employees import EmployeesController

bp = Blueprint("rest_resources", url_prefix=API_PREFIX)

CONTROLLERS = (CustomersController(), BranchesController(), EmployeesController())
for controller in CONTROLLERS:
    controller.register(bp)
