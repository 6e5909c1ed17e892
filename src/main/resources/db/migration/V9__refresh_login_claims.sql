-- The roles and claims the user's store gave at login, kept with each refresh token of the
-- family as JSON ({"roles":[...],"claims":{...}}), for a store that cannot describe its users
-- without their password (an authentication web service): a refreshed token carries them again.
-- Only what the store mapped; never a password. Null for tokens issued before this column.
alter table refresh_token add column login_claims varchar;
