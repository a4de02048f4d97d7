"""What every RTW web application for people shares — the employer portal (`/portal`, employer) and the
therapist's workspace (`/clinic`, workplan): sign-in through Keycloak (authorization code + PKCE, Authlib),
server-side sessions in the service's own database, CSRF tokens, security headers and a CSP without inline
scripts, the audit row of every page a signed-in person asks for, errors as pages, and the base layout and
stylesheet.

A service describes its web UI once (`config.WebUIConfig`: a name, where it is mounted, the one role let
in, its session tables), builds a `pages.WebUI` from it for its routes' dependencies, and calls
`signin.install(app, ui, …)` in `create_app` (docs/portal.md, docs/workspace.md).

Layers, lowest first: `config` | `models` | `tables` < `oidc` | `repository` < `sessions` <
`middleware` | `pages` < `signin`."""
