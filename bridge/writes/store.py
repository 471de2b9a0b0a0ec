"""The core models a domain write uses, typed as the classes that hold their writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bridge.schema import TableNames
from bridge.tables.base import TableModel
from bridge.tables.branches import BranchesModel
from bridge.tables.customers import CustomersModel
from bridge.tables.employees import EmployeesModel


@dataclass(frozen=True)
class Store:
    """The customers, branches and employees models and the table names (for the lookups)."""

    customers: CustomersModel
    branches: BranchesModel
    employees: EmployeesModel
    names: TableNames

    @classmethod
    def of(cls, models: Mapping[str, TableModel], names: TableNames) -> Store:
        """The worker's core models; a plugin cannot replace them (bridge/wiring.py builds them first)."""
        customers, branches, employees = models["customers"], models["branches"], models["employees"]
        if not (
            isinstance(customers, CustomersModel)
            and isinstance(branches, BranchesModel)
            and isinstance(employees, EmployeesModel)
        ):
            raise TypeError("the core models are not the bridge's own")
        return cls(customers, branches, employees, names)
