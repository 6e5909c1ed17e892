-- One counter every node bumps when it changes the registry (organizations, users, applications,
-- APIs, subscriptions) and polls: a gateway node sees another node's admin changes within the
-- poll interval instead of at its next restart.
create table registry_version (
    id      int    primary key,
    version bigint not null
);
insert into registry_version(id, version) values (1, 0);
