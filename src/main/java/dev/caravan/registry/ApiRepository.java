package dev.caravan.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionOperations;

@Repository
public class ApiRepository {
    private static final RowMapper<ApiDefinition> ROW = (rs, n) -> new ApiDefinition(
            rs.getString("id"),
            rs.getString("organization_id"),
            rs.getString("name"),
            rs.getString("context"),
            rs.getString("version"),
            rs.getString("backend_url"),
            Db.splitList(rs.getString("tiers")),
            Db.instant(rs, "created_at"),
            ApiPolicies.fromStored(rs.getString("policy")));

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final TransactionOperations transactions;

    /** {@code transactions} must run on the data source of {@code jdbc} (Spring's transaction manager does). */
    public ApiRepository(JdbcClient jdbc, ApplicationEventPublisher events, TransactionOperations transactions) {
        this.jdbc = jdbc;
        this.events = events;
        this.transactions = transactions;
    }

    public ApiDefinition create(String organizationId, String name, String context, String version,
                                String backendUrl, List<String> tiers) {
        return create(organizationId, name, context, version, backendUrl, tiers, ApiPolicy.NONE);
    }

    public ApiDefinition create(String organizationId, String name, String context, String version,
                                String backendUrl, List<String> tiers, ApiPolicy policy) {
        ApiDefinition api = insert(organizationId, name, context, version, backendUrl, tiers, policy);
        events.publishEvent(new RegistryChangedEvent("api"));
        return api;
    }

    /**
     * Creates the API unless its paths overlap an existing API's, of any organization
     * ({@link ApiPaths}). Check and insert are one transaction that first locks the
     * {@code registry_version} row, which every such create locks too: of two concurrent creates
     * that would overlap, on this node or another on the same database, the second sees the first.
     *
     * @throws ApiPathTakenException when the paths overlap (nothing is created)
     */
    public ApiDefinition createUnlessPathTaken(String organizationId, String name, String context, String version,
                                               String backendUrl, List<String> tiers, ApiPolicy policy) {
        ApiDefinition api = transactions.execute(status -> {
            jdbc.sql("select version from registry_version where id = 1 for update").query(Long.class).single();
            String first = ApiPaths.firstSegment(context);
            // '!' is outside the context alphabet; '_' (a LIKE wildcard) is inside it
            String under = "/" + first.replace("!", "!!").replace("_", "!_").replace("%", "!%") + "/%";
            List<ApiDefinition> neighbours = jdbc.sql("select * from api where context = ? or context like ? escape '!'")
                    .params("/" + first, under).query(ROW).list();
            for (ApiDefinition neighbour : neighbours) {
                if (ApiPaths.overlap(context, version, neighbour)) {
                    throw new ApiPathTakenException();
                }
            }
            return insert(organizationId, name, context, version, backendUrl, tiers, policy);
        });
        events.publishEvent(new RegistryChangedEvent("api"));
        return api;
    }

    private ApiDefinition insert(String organizationId, String name, String context, String version,
                                 String backendUrl, List<String> tiers, ApiPolicy policy) {
        ApiDefinition api = new ApiDefinition(Db.newId(), organizationId, name, context, version, backendUrl,
                List.copyOf(tiers), Instant.now(), policy);
        jdbc.sql("""
                insert into api(id, organization_id, name, context, version, backend_url, tiers, created_at, policy)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(api.id(), organizationId, name, context, version, backendUrl, Db.joinList(tiers),
                        Db.ts(api.createdAt()), ApiPolicies.toStored(api.policy()))
                .update();
        return api;
    }

    public void update(ApiDefinition api) {
        jdbc.sql("update api set name = ?, backend_url = ?, tiers = ?, policy = ? where id = ?")
                .params(api.name(), api.backendUrl(), Db.joinList(api.tiers()), ApiPolicies.toStored(api.policy()),
                        api.id())
                .update();
        events.publishEvent(new RegistryChangedEvent("api"));
    }

    /**
     * The API, its row locked until the caller's transaction ends: a change that checks the API
     * (its tiers, say) and writes something that depends on it holds this lock, and so does every
     * other such change of the same API, on any node of the database.
     */
    public Optional<ApiDefinition> lockById(String id) {
        return jdbc.sql("select * from api where id = ? for update").param(id).query(ROW).optional();
    }

    public Optional<ApiDefinition> findById(String id) {
        return jdbc.sql("select * from api where id = ?").param(id).query(ROW).optional();
    }

    public Optional<ApiDefinition> findByContextAndVersion(String context, String version) {
        return jdbc.sql("select * from api where context = ? and version = ?").params(context, version)
                .query(ROW).optional();
    }

    public List<ApiDefinition> findByOrganization(String organizationId) {
        return jdbc.sql("select * from api where organization_id = ? order by context, version")
                .param(organizationId).query(ROW).list();
    }

    public List<ApiDefinition> findAll() {
        return jdbc.sql("select * from api").query(ROW).list();
    }

    public boolean delete(String id) {
        boolean deleted = jdbc.sql("delete from api where id = ?").param(id).update() > 0;
        if (deleted) {
            events.publishEvent(new RegistryChangedEvent("api"));
        }
        return deleted;
    }
}
