-- Primary-store usernames are unique within an organization ignoring case (and compatibility
-- variants such as full-width letters): username_key is the name's comparison key, computed by
-- the application (dev.caravan.userstore.Usernames.key). Users created before this migration
-- get theirs at start-up (PrimaryUsernameKeys); users whose keys clash keep none, log in only by
-- their exact spelling, and are reported in the log until an admin removes the clash.
alter table primary_user add column username_key varchar(1024);
alter table primary_user add constraint uq_primary_user_key unique (organization_id, username_key);
