"""WordPress's own login: its ``wordpress_logged_in_*`` cookie and REST nonce, checked as WordPress 6.1 checks them.

A page of the WordPress admin can then call the bridge directly, with the cookie the browser
already holds and the ``wp_rest`` nonce WordPress printed in the page, without the shim. The
pure functions reproduce ``wp-includes/pluggable.php`` (``wp_salt``, ``wp_hash``,
``wp_parse_auth_cookie``, ``wp_validate_auth_cookie``, ``wp_nonce_tick``, ``wp_verify_nonce``),
``wp_cookie_constants`` (the cookie's name) and ``WP_User_Meta_Session_Tokens`` (the session
must still be in the user's ``session_tokens`` meta, so a logout ends it here too); PHP computed
``tests/vectors/wp_cookie.json`` with WordPress's own functions to pin them.

- ``php``: the PHP value rules the ports rely on (``(string)``, truthiness, ``(int)``, array keys).
- ``keys``: the site's salts and cookie name (``wp_salt``, ``wp_hash``), read from ``wp-config.php``
  and the options every ``SECRETS_TTL`` seconds by ``SiteKeyReader``.
- ``cookie``: the logged-in cookie (parse, HMAC, expiry, session), ``wp_validate_auth_cookie``.
- ``nonce``: the ``wp_rest`` nonce (``wp_nonce_tick``, ``wp_create_nonce``, ``wp_verify_nonce``).
- ``memo``: ``SessionMemo``, the worker's successful checks of whole cookie values, trusted for
  ``BRIDGE_COOKIE_SESSION_RECHECK_S`` seconds unless a ``session`` invalidation came first.
- ``checker``: ``WordPressCookies``, which applies them to requests as ``rest_cookie_check_errors``
  does: a cookie without a nonce is the logged-out visitor; a nonce that does not verify is 403
  ``rest_cookie_invalid_nonce``; and (the bridge's own rule) a cookie request from a page of
  another origin is 403 ``wpbridge_origin_not_allowed``.

The secrets come from ``wp-config.php`` (``BRIDGE_WP_CONFIG``), read as text —
``define('NAME', literal)`` only, PHP is never run — and, where it does not define them, from the
options WordPress itself falls back to. They are never logged nor put in an answer.
"""
