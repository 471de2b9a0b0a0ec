"""Demo logins as the tests hold them."""

from __future__ import annotations


class Login:
    """A demo login: its WordPress user id and Basic credentials for the REST API."""

    def __init__(self, username: str, user_id: int, app_password: str) -> None:
        self.username = username
        self.user_id = user_id
        self.app_password = app_password

    @property
    def auth(self) -> tuple[str, str]:
        return (self.username, self.app_password)
