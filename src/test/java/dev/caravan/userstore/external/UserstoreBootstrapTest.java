package dev.caravan.userstore.external;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.CaravanApplication;
import dev.caravan.userstore.ldap.LdapSettings;
import dev.caravan.userstore.webservice.WebServiceSettings;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** {@code caravan.userstores} sets up stores from configuration once; bad entries stop start-up by key. */
class UserstoreBootstrapTest {

    private static String[] args(String database, String... more) {
        String[] base = {"--caravan.traffic.port=0", "--server.port=0", "--caravan.admin.password=bootstrap-Admin-1",
                "--spring.datasource.url=jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void invalidFieldStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(CaravanApplication.class)
                .run(args("bootstrap_bad", "--caravan.userstores.acme.kind=ldap",
                        "--caravan.userstores.acme.ldap.urls[0]=http://x",
                        "--caravan.userstores.acme.ldap.user-search-base=dc=x")).close())
                .hasStackTraceContaining("caravan.userstores.acme.ldap.urls");
    }

    @Test
    void unknownKeyStopsStartUpNamingIt() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(CaravanApplication.class)
                .run(args("bootstrap_unknown", "--caravan.userstores.acme.kind=webservice",
                        "--caravan.userstores.acme.timout=1s",
                        "--caravan.userstores.acme.web-service.url=http://127.0.0.1:9/auth")).close())
                .hasStackTraceContaining("caravan.userstores.acme.timout: not a userstore setting");
        assertThatThrownBy(() -> new SpringApplicationBuilder(CaravanApplication.class)
                .run(args("bootstrap_unknown_nested", "--caravan.userstores.acme.kind=ldap",
                        "--caravan.userstores.acme.ldap.urls[0]=ldap://127.0.0.1:9",
                        "--caravan.userstores.acme.ldap.bind-dnn=cn=x",
                        "--caravan.userstores.acme.ldap.user-search-base=dc=x")).close())
                .hasStackTraceContaining("caravan.userstores.acme.ldap.bind-dnn: not a userstore setting");
    }

    @Test
    void identitySettingsAreDeclaredLikeTheOthers() {
        String database = "bootstrap_identity_" + System.nanoTime();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CaravanApplication.class)
                .run(args(database, "--caravan.userstores.idco.kind=ldap",
                        "--caravan.userstores.idco.ldap.urls[0]=ldap://127.0.0.1:9",
                        "--caravan.userstores.idco.ldap.user-search-base=dc=x",
                        "--caravan.userstores.idco.ldap.case-sensitive=true",
                        "--caravan.userstores.idco.ldap.subject-attribute=entryUUID"))) {
            SecondaryStoreDefinition stored = context.getBean(SecondaryStoreRepository.class).find("idco").orElseThrow();
            assertThat(stored.settings(LdapSettings.class).caseSensitive()).isTrue();
            assertThat(stored.settings(LdapSettings.class).subjectAttribute()).isEqualTo("entryUUID");
        }
    }

    @Test
    void poolAndGroupSettingsAndWebServiceMappingsAreDeclaredLikeTheOthers() {
        String database = "bootstrap_pools_" + System.nanoTime();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CaravanApplication.class)
                .run(args(database, "--caravan.userstores.poolco.kind=ldap",
                        "--caravan.userstores.poolco.ldap.urls[0]=ldap://127.0.0.1:9",
                        "--caravan.userstores.poolco.ldap.user-search-base=dc=x",
                        "--caravan.userstores.poolco.ldap.bind-pool-size=8",
                        "--caravan.userstores.poolco.ldap.max-connection-age=30m",
                        "--caravan.userstores.poolco.ldap.health-check-interval=10s",
                        "--caravan.userstores.poolco.ldap.group-page-size=250",
                        "--caravan.userstores.poolco.ldap.max-roles=2000",
                        "--caravan.userstores.poolco.ldap.nested-groups=true",
                        "--caravan.userstores.poolco.ldap.nested-group-depth=3",
                        "--caravan.userstores.mapco.kind=webservice",
                        "--caravan.userstores.mapco.web-service.url=http://127.0.0.1:9/auth",
                        "--caravan.userstores.mapco.web-service.claims[email]=/response/mail",
                        "--caravan.userstores.mapco.web-service.roles-pointer=/response/groups"))) {
            SecondaryStoreRepository stores = context.getBean(SecondaryStoreRepository.class);
            LdapSettings ldap = stores.find("poolco").orElseThrow().settings(LdapSettings.class);
            assertThat(ldap.bindPoolSize()).isEqualTo(8);
            assertThat(ldap.maxConnectionAge()).isEqualTo(java.time.Duration.ofMinutes(30));
            assertThat(ldap.healthCheckInterval()).isEqualTo(java.time.Duration.ofSeconds(10));
            assertThat(ldap.groupPageSize()).isEqualTo(250);
            assertThat(ldap.maxRoles()).isEqualTo(2000);
            assertThat(ldap.nestedGroups()).isTrue();
            assertThat(ldap.nestedGroupDepth()).isEqualTo(3);
            WebServiceSettings web = stores.find("mapco").orElseThrow().settings(WebServiceSettings.class);
            assertThat(web.claims()).isEqualTo(java.util.Map.of("email", "/response/mail"));
            assertThat(web.rolesPointer()).isEqualTo("/response/groups");
        }
    }

    @Test
    void declaredStoreIsStoredOnceAndAnAdminsChangeIsNeverOverwritten() {
        String database = "bootstrap_" + System.nanoTime();
        try (ConfigurableApplicationContext first = new SpringApplicationBuilder(CaravanApplication.class)
                .run(args(database, "--caravan.userstores.newco.kind=webservice",
                        "--caravan.userstores.newco.web-service.url=http://127.0.0.1:9/first",
                        "--caravan.userstores.newco.web-service.password=declared-Secret"))) {
            SecondaryStoreDefinition stored = first.getBean(SecondaryStoreRepository.class).find("newco").orElseThrow();
            assertThat(stored.settings(WebServiceSettings.class).url()).isEqualTo("http://127.0.0.1:9/first");
            assertThat(stored.settings(WebServiceSettings.class).password()).isEqualTo("declared-Secret");
        }
        try (ConfigurableApplicationContext second = new SpringApplicationBuilder(CaravanApplication.class)
                .run(args(database, "--caravan.userstores.newco.kind=webservice",
                        "--caravan.userstores.newco.web-service.url=http://127.0.0.1:9/second"))) {
            assertThat(second.getBean(SecondaryStoreRepository.class).find("newco").orElseThrow().settings(WebServiceSettings.class).url())
                    .as("the stored definition wins over configuration on later starts")
                    .isEqualTo("http://127.0.0.1:9/first");
        }
    }
}
