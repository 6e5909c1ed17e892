package dev.caravan.userstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.registry.Organization;
import dev.caravan.registry.OrganizationRepository;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The primary store's usernames are unique within an organization ignoring case; users stored
 * before that rule (no key) get their key and normalized name at start-up, and users whose names
 * clash keep their exact spelling as their only login.
 */
class PrimaryUsernameKeysTest {
    private final JdbcClient jdbc;
    private final PrimaryUserRepository users;
    private final Organization org;

    PrimaryUsernameKeysTest() {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(
                "jdbc:h2:mem:keys_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(dataSource);
        users = new PrimaryUserRepository(jdbc);
        org = new OrganizationRepository(jdbc, event -> { }).create("acme", null);
    }

    /** A row as a version without keys wrote it. */
    private void legacy(String username) {
        jdbc.sql("insert into primary_user(id, organization_id, username, password_hash, roles, email, enabled,"
                        + " created_at) values (?, ?, ?, 'hash', '', null, true, current_timestamp)")
                .params(UUID.randomUUID().toString(), org.id(), username).update();
    }

    @Test
    void aNameReachesItsUserWhateverItsCaseAndItsSpellingIsKept() {
        users.create(org.id(), "Ada", "hash", Set.of(), null);

        for (String spelling : new String[] {"Ada", "ada", "ADA", "\uff21\uff24\uff21"}) {
            assertThat(users.find(org.id(), spelling)).as(spelling).get()
                    .extracting(PrimaryUser::username).isEqualTo("Ada");
        }
        assertThatThrownBy(() -> users.create(org.id(), "ADA", "hash", Set.of(), null))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void legacyUsersGetTheirKeyAndNormalizedNameAndClashesKeepTheirExactSpellingOnly() {
        legacy(" grace ");
        legacy("Bob");
        legacy("BOB");
        legacy("ev\u200be");

        users.assignMissingKeys();

        assertThat(users.find(org.id(), "GRACE")).get().extracting(PrimaryUser::username).isEqualTo("grace");
        assertThat(users.find(org.id(), "Bob")).get().extracting(PrimaryUser::username).isEqualTo("Bob");
        assertThat(users.find(org.id(), "BOB")).get().extracting(PrimaryUser::username).isEqualTo("BOB");
        assertThat(users.find(org.id(), "bob")).as("neither clashing user is guessed").isEmpty();
        assertThat(jdbc.sql("select count(*) from primary_user where username_key is null").query(Integer.class)
                .single()).as("Bob, BOB and the name with an invisible character").isEqualTo(3);

        users.assignMissingKeys(); // a second node starting, or the next start: nothing changes
        assertThat(users.find(org.id(), "grace")).get().extracting(PrimaryUser::username).isEqualTo("grace");
    }

    @Test
    void aLegacyUserWhoseKeyIsTakenKeepsItsExactSpellingOnly() {
        users.create(org.id(), "kim", "hash", Set.of(), null);
        legacy("KIM");

        users.assignMissingKeys();

        assertThat(users.find(org.id(), "KIM")).get().extracting(PrimaryUser::username).isEqualTo("KIM");
        assertThat(users.find(org.id(), "Kim")).get().extracting(PrimaryUser::username).isEqualTo("kim");
    }
}
