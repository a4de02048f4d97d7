"""The therapist's workspace: web pages for the working day, served by workplan under `/clinic`
(docs/workspace.md). Built on rtw_shared.webui like the employer portal (sign-in through `rtw-clinic`,
server-side sessions, CSRF, headers, layout); only the `therapist` role gets in.

- `pages`: the UI (`WORKSPACE`), its dependencies (`TherapistSession`, `FormDep`) and `page_router()`;
- `api`: the other services' public APIs as the signed-in therapist (`ApisDep`, `Apis.together`, `lenient`);
- `forms`: a posted form read into an API's body (pure); `wording`: plain words for the templates;
- `needs`, `caseload`, `matching`: what needs the therapist next, the caseload's plan facts, job match;
- `routes/`: one module of pages per part of the day (caseload, new case, case, assessment, plan, inbox);
- `templates/`, `static/`: the pages, the stylesheet and the one script (progressive enhancement only).

Workplan's own data is read and written through its own use cases (the same the API calls); intake's,
employer's and notify's only through their APIs."""
