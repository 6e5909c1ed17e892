-- Audit events (routes/audit.yaml). The id is the event's UUID: a redelivered message finds
-- its id present and is not stored twice. detail is a small JSON object of fixed keys.
create table audit_event (
    id           varchar(36)   primary key,
    event_time   timestamp with time zone not null,
    event_type   varchar(32)   not null,
    organization varchar(256),
    username     varchar(256),
    client_id    varchar(256),
    detail       varchar(4000) not null
);

create index ix_audit_event_time on audit_event (event_time);
create index ix_audit_event_org_time on audit_event (organization, event_time);
create index ix_audit_event_user_time on audit_event (username, event_time);
create index ix_audit_event_type_time on audit_event (event_type, event_time);
