-- Signing keys rotate without downtime. A key is published (JWKS) and accepted by every node
-- from the moment it is stored; it signs from not_before on, until a newer key's not_before
-- passes; from retire_after on it is neither published nor accepted. A rotation stores the new
-- key with not_before later than the nodes' reload interval, and gives the key it replaces a
-- retire_after later than the last token that key can still sign.
-- The private key is stored sealed by SecretBox from now on (v2:<key id>:...); rows written
-- before are sealed by the first node that starts (dev.caravan.jwt.SigningKeyRepository).
alter table signing_key add column not_before timestamp with time zone;
alter table signing_key add column retire_after timestamp with time zone;
update signing_key set not_before = created_at;
alter table signing_key alter column not_before set not null;
