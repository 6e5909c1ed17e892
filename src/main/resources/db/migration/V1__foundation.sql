-- Caravan foundation schema. Portable between H2 and PostgreSQL: identifiers are
-- UUID strings made by the application, times are UTC timestamps.

create table organization (
    id           varchar(36)  primary key,
    name         varchar(64)  not null unique,
    display_name varchar(200),
    created_at   timestamp with time zone not null
);

-- Primary userstore: the organization's publishers, subscribers and plain end users.
create table primary_user (
    id              varchar(36)  primary key,
    organization_id varchar(36)  not null references organization(id) on delete cascade,
    username        varchar(256) not null,
    password_hash   varchar(256) not null,
    roles           varchar(100) not null,
    email           varchar(320),
    enabled         boolean      not null,
    created_at      timestamp with time zone not null,
    constraint uq_primary_user unique (organization_id, username)
);

create table application (
    id                   varchar(36)  primary key,
    organization_id      varchar(36)  not null references organization(id) on delete cascade,
    owner_id             varchar(36)  not null references primary_user(id) on delete cascade,
    name                 varchar(100) not null,
    consumer_key         varchar(64)  not null unique,
    consumer_secret_hash varchar(128) not null,
    grant_types          varchar(200) not null,
    created_at           timestamp with time zone not null,
    constraint uq_application unique (organization_id, name)
);

create table api (
    id              varchar(36)   primary key,
    organization_id varchar(36)   not null references organization(id) on delete cascade,
    name            varchar(100)  not null,
    context         varchar(200)  not null,
    version         varchar(50)   not null,
    backend_url     varchar(2000) not null,
    tiers           varchar(500)  not null,
    created_at      timestamp with time zone not null,
    constraint uq_api_context_version unique (context, version)
);

create table subscription (
    id             varchar(36) primary key,
    application_id varchar(36) not null references application(id) on delete cascade,
    api_id         varchar(36) not null references api(id) on delete cascade,
    tier           varchar(50) not null,
    created_at     timestamp with time zone not null,
    constraint uq_subscription unique (application_id, api_id)
);

-- Refresh tokens are opaque; only their SHA-256 is kept. A family is one login:
-- rotation keeps the family, reuse of a rotated token revokes it whole.
create table refresh_token (
    token_hash      varchar(64)  primary key,
    family_id       varchar(36)  not null,
    application_id  varchar(36)  not null references application(id) on delete cascade,
    subject         varchar(400) not null,
    organization    varchar(64),
    username        varchar(256),
    scope           varchar(1000) not null,
    expires_at      timestamp with time zone not null,
    used_at         timestamp with time zone,
    created_at      timestamp with time zone not null
);
create index ix_refresh_token_family on refresh_token(family_id);

-- Revoked grants: an access token (kind 'jti') or a whole refresh family (kind 'family').
create table revocation (
    kind       varchar(10) not null,
    item       varchar(64) not null,
    expires_at timestamp with time zone not null,
    created_at timestamp with time zone not null,
    primary key (kind, item)
);

-- Token signing keys (RS256). The newest active key signs; all unexpired keys verify.
create table signing_key (
    kid         varchar(64)   primary key,
    algorithm   varchar(10)   not null,
    private_key varchar(4000) not null,
    public_key  varchar(2000) not null,
    active      boolean       not null,
    created_at  timestamp with time zone not null
);
