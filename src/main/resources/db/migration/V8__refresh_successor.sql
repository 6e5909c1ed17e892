-- A refresh token records the token that replaced it, so that a client retrying a refresh whose
-- answer it never received (the gateway stopped, the connection broke) is recognised: within a
-- short grace, a spent token whose successor was never used is rotated again (the unused
-- successor is spent) instead of being taken for a stolen one.
alter table refresh_token add column successor_hash varchar(64);
