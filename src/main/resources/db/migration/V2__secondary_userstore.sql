-- An organization's secondary userstore (LDAP/AD or authentication web service). The
-- definition is a JSON document whose secrets are AES-GCM ciphertexts (SecretBox), never plain.
create table secondary_userstore (
    organization_id varchar(36)  primary key references organization(id) on delete cascade,
    kind            varchar(16)  not null,
    mode            varchar(16)  not null,
    definition      varchar(16000) not null,
    updated_at      timestamp with time zone not null
);
