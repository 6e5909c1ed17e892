-- An API's policy (mediation, X-Authorization mode, backend security profile name, callers,
-- CORS, limits, backend JWT, queue mode) as JSON; null is the default policy. No secrets:
-- backend credentials live in configuration and are referenced by name.
alter table api add column policy varchar(20000);
