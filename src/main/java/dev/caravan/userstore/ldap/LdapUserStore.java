package dev.caravan.userstore.ldap;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.GetEntryLDAPConnectionPoolHealthCheck;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPInterface;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.PostConnectProcessor;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.ServerSet;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.SingleServerSet;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustStoreTrustManager;
import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.UserStore;
import dev.caravan.userstore.Usernames;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.ConnectionCheck;
import dev.caravan.userstore.ExternalUserStore;
import dev.caravan.userstore.StoreUnavailableException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One organization's LDAP directory or Active Directory: search for the user with the service
 * account, then bind as the user's DN to check the password.
 *
 * <p>Connections: two bounded pools per store, made lazily (a store whose directory is down
 * still starts), each failing over between the URLs in order. Searches run on the search pool,
 * bound as the service account ({@link LdapSettings#poolSize}); password checks run on the bind
 * pool ({@link LdapSettings#bindPoolSize}), whose connections only ever bind, so one check is one
 * bind and no search ever runs as a user. Both pools replace connections older than
 * {@link LdapSettings#maxConnectionAge}, check idle ones every
 * {@link LdapSettings#healthCheckInterval} and after a failed operation, and make a caller that
 * finds every connection in use wait at most the response timeout. No verdict is cached.
 *
 * <p>Safety rules: an empty or blank password never reaches the directory (an empty simple bind
 * is an anonymous bind and "succeeds"); the username is escaped before it enters the filter
 * (RFC 4515: {@code * ( ) \ NUL}), and no DN is ever built from it; a search that finds more than
 * one entry is refused. A directory that is down, slow or misconfigured is {@code Unavailable},
 * never a wrong password.
 *
 * <p>Groups: complete or not at all. The group search is paged (RFC 2696), Active Directory's
 * ranged {@code memberOf} is read range by range, nested groups are followed when the store asks
 * for them; a user with more than {@link LdapSettings#maxRoles} groups, or a search the directory
 * cut at its size limit, is {@code Unavailable} with a reason naming the organization, never a
 * login with some roles missing.
 *
 * <p>Identity: the username it is given is already normalized; the directory decides which entry
 * it names. The user is then named by the store's case rule ({@link LdapSettings#caseSensitive}:
 * in lower case unless the directory is case-sensitive), and, when {@link
 * LdapSettings#subjectAttribute} is set, their subject is pinned to that attribute of the entry
 * ({@code entryUUID/<value>}, {@code objectGUID/<GUID string>}), so a renamed user stays one
 * subject. An entry without exactly one usable value of it cannot log in ({@code Unavailable}:
 * the directory's data, not the password, is at fault).
 */
public final class LdapUserStore implements ExternalUserStore {
    private static final Logger log = LoggerFactory.getLogger(LdapUserStore.class);
    private static final String MEMBER_OF = "memberOf";
    /** An attribute type's name or numeric OID (RFC 4512 §2.5, without options). */
    public static final java.util.regex.Pattern ATTRIBUTE_NAME =
            java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,99}|[0-9]+(\\.[0-9]+)+");

    private final String organization;
    private final LdapSettings settings;
    private final List<LDAPURL> urls;
    private final String userFilter;
    private final String[] attributes;
    /** A connection made to a later URL because an earlier one was down goes back to the first after this. */
    private static final java.time.Duration FAILOVER_CONNECTION_AGE = java.time.Duration.ofMinutes(1);
    /** Group DNs asked for in one filter when nested groups are followed. */
    private static final int MEMBERS_PER_FILTER = 50;
    private volatile LDAPConnectionPool searchPool;
    private volatile LDAPConnectionPool bindPool;

    public LdapUserStore(String organization, LdapSettings settings) {
        this.organization = organization;
        this.settings = settings;
        if (settings.urls() == null || settings.urls().isEmpty()) {
            throw new IllegalArgumentException("ldap.urls: at least one URL is needed");
        }
        List<LDAPURL> parsed = new ArrayList<>();
        for (String url : settings.urls()) {
            try {
                LDAPURL u = new LDAPURL(url);
                if (!u.getScheme().equals("ldap") && !u.getScheme().equals("ldaps")) {
                    throw new IllegalArgumentException("ldap.urls: only ldap:// and ldaps:// URLs: " + url);
                }
                parsed.add(u);
            } catch (LDAPException e) {
                throw new IllegalArgumentException("ldap.urls: not an LDAP URL: " + url);
            }
        }
        this.urls = List.copyOf(parsed);
        if (settings.userFilter() == null || !settings.userFilter().contains("{0}")) {
            throw new IllegalArgumentException("ldap.userFilter must contain {0}, e.g. (uid={0})");
        }
        this.userFilter = settings.userFilter();
        filterFor("probe");
        Set<String> wanted = new LinkedHashSet<>();
        wanted.add(MEMBER_OF);
        if (settings.claimAttributes() != null) {
            wanted.addAll(settings.claimAttributes().values());
        }
        if (settings.subjectAttribute() != null) {
            if (!ATTRIBUTE_NAME.matcher(settings.subjectAttribute()).matches()) {
                throw new IllegalArgumentException("ldap.subjectAttribute must be an attribute name, e.g. entryUUID");
            }
            wanted.add(settings.subjectAttribute());
        }
        this.attributes = wanted.toArray(String[]::new);
    }


    /** This store's settings. */
    LdapSettings settings() {
        return settings;
    }

    @Override
    public String kind() {
        return "ldap";
    }

    /** The user filter with {@code {0}} replaced by the RFC 4515-escaped username. */
    Filter filterFor(String username) {
        try {
            return Filter.create(userFilter.replace("{0}", Filter.encodeValue(username)));
        } catch (LDAPException e) {
            throw new IllegalArgumentException("ldap.userFilter is not a valid LDAP filter");
        }
    }

    private LDAPConnectionOptions options() {
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis((int) settings.connectTimeout().toMillis());
        options.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
        options.setAbandonOnTimeout(true);
        options.setFollowReferrals(false);
        options.setUseSynchronousMode(false);
        // no SSLSocketVerifier: the TLS sockets themselves check that the certificate names the
        // host of the URL, IP addresses included (HostCheckingSocketFactory)
        return options;
    }

    /** TLS sockets that check the directory's certificate and that it names the host (see {@link HostCheckingSocketFactory}). */
    private SSLSocketFactory tlsSockets() throws GeneralSecurityException {
        return new HostCheckingSocketFactory(sslContext().getSocketFactory());
    }

    private SSLContext sslContext() throws GeneralSecurityException {
        SSLUtil ssl = settings.trustStorePath() == null || settings.trustStorePath().isBlank()
                ? new SSLUtil()
                : new SSLUtil(new TrustStoreTrustManager(settings.trustStorePath(),
                        settings.trustStorePassword() == null ? null : settings.trustStorePassword().toCharArray(),
                        null, true));
        return ssl.createSSLContext();
    }

    ServerSet serverSet() throws GeneralSecurityException {
        LDAPConnectionOptions options = options();
        List<ServerSet> sets = new ArrayList<>();
        for (LDAPURL url : urls) {
            SocketFactory sockets = url.getScheme().equals("ldaps")
                    ? tlsSockets() : SocketFactory.getDefault();
            sets.add(new SingleServerSet(url.getHost(), url.getPort(), sockets, options));
        }
        return sets.size() == 1 ? sets.get(0) : new FailoverServerSet(sets.toArray(ServerSet[]::new));
    }

    private PostConnectProcessor startTls() throws GeneralSecurityException {
        return settings.startTls() ? new StartTLSPostConnectProcessor(tlsSockets()) : null;
    }

    private BindRequest serviceBind() {
        return settings.bindDn() == null || settings.bindDn().isBlank()
                ? null : new SimpleBindRequest(settings.bindDn(), settings.bindPassword());
    }

    /**
     * A pool of connections to the store's servers (fail-over in URL order), each connection
     * checked for TLS host names, upgraded by StartTLS when set, and bound with {@code bind}
     * (null: left anonymous). It holds at most {@code size} connections and makes them when first
     * needed; a caller finding every one in use waits at most the response timeout. Connections
     * older than {@code maxConnectionAge} are replaced, idle ones are checked in the background
     * (a read of the root DSE), and one that failed an operation is checked before it is reused.
     */
    private LDAPConnectionPool newPool(String purpose, BindRequest bind, int size) throws LDAPException {
        try {
            ServerSet servers = serverSet();
            if (servers instanceof FailoverServerSet failover) {
                failover.setMaxFailoverConnectionAgeMillis(
                        Math.min(settings.maxConnectionAge().toMillis(), FAILOVER_CONNECTION_AGE.toMillis()));
            }
            long timeout = settings.responseTimeout().toMillis();
            GetEntryLDAPConnectionPoolHealthCheck health = new GetEntryLDAPConnectionPoolHealthCheck(
                    "", timeout, false, false, false, false, true, true);
            LDAPConnectionPool created = new LDAPConnectionPool(servers, bind, 0, Math.max(1, size), 1, startTls(),
                    false, health);
            created.setCreateIfNecessary(false);
            created.setMaxWaitTimeMillis(timeout);
            created.setRetryFailedOperationsDueToInvalidConnections(true);
            created.setMaxConnectionAgeMillis(settings.maxConnectionAge().toMillis());
            created.setCheckConnectionAgeOnRelease(true);
            created.setHealthCheckIntervalMillis(settings.healthCheckInterval().toMillis());
            created.setConnectionPoolName("caravan-ldap-" + purpose + "-" + organization);
            return created;
        } catch (GeneralSecurityException e) {
            throw new LDAPException(ResultCode.LOCAL_ERROR, "TLS setup failed");
        }
    }

    /** The pool that searches as the service account. */
    private LDAPConnectionPool searchPool() throws LDAPException {
        LDAPConnectionPool pool = searchPool;
        if (pool == null || pool.isClosed()) {
            synchronized (this) {
                pool = searchPool;
                if (pool == null || pool.isClosed()) {
                    pool = newPool("search", serviceBind(), settings.poolSize());
                    searchPool = pool;
                }
            }
        }
        return pool;
    }

    /**
     * The pool on which users bind to prove their password: its connections do nothing else (no
     * search ever runs as a user), so each check is one bind and the connection goes back as it
     * is; the next bind replaces its identity.
     */
    private LDAPConnectionPool bindPool() throws LDAPException {
        LDAPConnectionPool pool = bindPool;
        if (pool == null || pool.isClosed()) {
            synchronized (this) {
                pool = bindPool;
                if (pool == null || pool.isClosed()) {
                    pool = newPool("bind", null, settings.bindPoolSize());
                    bindPool = pool;
                }
            }
        }
        return pool;
    }

    private static boolean isRejection(ResultCode code) {
        return code == ResultCode.INVALID_CREDENTIALS || code == ResultCode.UNWILLING_TO_PERFORM
                || code == ResultCode.INAPPROPRIATE_AUTHENTICATION;
    }

    /** Work done on one pooled connection. */
    private interface OnConnection<T> {
        T run(LDAPConnection connection) throws LDAPException, IncompleteGroupsException;
    }

    /**
     * Runs {@code work} on one connection of {@code pool} and gives the connection back; a
     * connection found broken (the directory restarted, a firewall cut it) is replaced and the
     * work done once more on the new one. A timeout is not retried: the directory is slow.
     */
    private static <T> T onOneConnection(LDAPConnectionPool pool, OnConnection<T> work)
            throws LDAPException, IncompleteGroupsException {
        LDAPConnection connection = pool.getConnection();
        for (int attempt = 0; ; attempt++) {
            try {
                T result = work.run(connection);
                pool.releaseConnection(connection);
                return result;
            } catch (LDAPException e) {
                if (ResultCode.isConnectionUsable(e.getResultCode()) && e.getResultCode() != ResultCode.TIMEOUT) {
                    pool.releaseConnection(connection);
                    throw e;
                }
                if (attempt > 0 || e.getResultCode() == ResultCode.TIMEOUT) {
                    pool.releaseDefunctConnection(connection);
                    throw e;
                }
                connection = pool.replaceDefunctConnection(connection);
            } catch (RuntimeException | IncompleteGroupsException e) {
                pool.releaseConnection(connection);
                throw e;
            }
        }
    }

    /**
     * Binds as {@code dn} on a connection of the bind pool: true if the directory accepted the
     * password, false if it refused it; anything else the directory says is thrown.
     */
    private boolean bindAsUser(String dn, char[] password) throws LDAPException {
        byte[] secret = utf8(password);
        try {
            SimpleBindRequest request = new SimpleBindRequest(dn, secret);
            request.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
            return onOneConnection(bindPool(), connection -> {
                try {
                    connection.bind(request);
                    return true;
                } catch (LDAPException e) {
                    if (isRejection(e.getResultCode())) {
                        return false;
                    }
                    throw e;
                }
            });
        } catch (IncompleteGroupsException e) {
            throw new IllegalStateException(e);
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }

    private static byte[] utf8(char[] password) {
        java.nio.ByteBuffer bytes = java.nio.charset.StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        if (bytes.hasArray()) {
            java.util.Arrays.fill(bytes.array(), (byte) 0);
        }
        return out;
    }

    @Override
    public Verification verify(String org, String username, char[] password) {
        if (UserStore.isBlank(password)) {
            return new Verification.Rejected();
        }
        if (username == null || username.isEmpty()) {
            return new Verification.UnknownUser();
        }
        try {
            Optional<SearchResultEntry> entry = findUser(searchPool(), username);
            if (entry.isEmpty()) {
                return new Verification.UnknownUser();
            }
            if (!bindAsUser(entry.get().getDN(), password)) {
                return new Verification.Rejected();
            }
            return new Verification.Accepted(user(username, entry.get()));
        } catch (AmbiguousUserException e) {
            log.warn("directory of organization '{}' has more than one entry for a username; login refused", organization);
            return new Verification.Rejected();
        } catch (UnidentifiableUserException e) {
            log.warn("directory of organization '{}': {}; login refused", organization, e.getMessage());
            return new Verification.Unavailable("the directory entry has no usable subject attribute");
        } catch (IncompleteGroupsException e) {
            log.warn("directory of organization '{}': {}; login refused", organization, e.getMessage());
            return new Verification.Unavailable("directory of organization '" + organization + "': " + e.getMessage());
        } catch (LDAPException e) {
            log.warn("directory of organization '{}' could not be asked: {}{}", organization, e.getResultCode(),
                    hint(e.getResultCode()));
            return new Verification.Unavailable("directory of organization '" + organization + "' unavailable ("
                    + e.getResultCode().getName() + ")");
        }
    }

    /** What a misconfiguration's result code most likely means, for the log. */
    private static String hint(ResultCode code) {
        if (code == ResultCode.NO_SUCH_OBJECT) {
            return " (the user or group search base does not exist; run the store's connection test)";
        }
        if (code == ResultCode.INVALID_CREDENTIALS) {
            return " (the service account's bind was refused; check bindDn and bindPassword)";
        }
        return "";
    }

    @Override
    public Optional<AuthenticatedUser> lookup(String org, String username) {
        try {
            Optional<SearchResultEntry> entry = findUser(searchPool(), username);
            if (entry.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(user(username, entry.get()));
        } catch (AmbiguousUserException e) {
            return Optional.empty();
        } catch (UnidentifiableUserException e) {
            log.warn("directory of organization '{}': {}", organization, e.getMessage());
            throw new StoreUnavailableException("the directory entry has no usable subject attribute");
        } catch (IncompleteGroupsException e) {
            log.warn("directory of organization '{}': {}", organization, e.getMessage());
            throw new StoreUnavailableException("directory of organization '" + organization + "': " + e.getMessage());
        } catch (LDAPException e) {
            log.warn("directory of organization '{}' could not be asked: {}", organization, e.getResultCode());
            throw new StoreUnavailableException("directory unavailable (" + e.getResultCode().getName() + ")");
        }
    }

    private SearchRequest userSearch(String username, String... wanted) {
        SearchRequest search = new SearchRequest(settings.userSearchBase(), SearchScope.SUB,
                filterFor(username), wanted);
        search.setSizeLimit(2);
        search.setTimeLimitSeconds((int) Math.max(1, settings.responseTimeout().toSeconds()));
        search.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
        return search;
    }

    private Optional<SearchResultEntry> findUser(LDAPInterface connections, String username)
            throws LDAPException, AmbiguousUserException {
        SearchResult result;
        try {
            result = connections.search(userSearch(username, attributes));
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                throw new AmbiguousUserException();
            }
            // NO_SUCH_OBJECT: the user search base does not exist, a misconfigured store, not an unknown user
            throw e;
        }
        if (result.getEntryCount() > 1) {
            throw new AmbiguousUserException();
        }
        return result.getEntryCount() == 0 ? Optional.empty() : Optional.of(result.getSearchEntries().get(0));
    }

    /** The user with claims and roles; the group search runs on one connection of the search pool (paging needs one). */
    private AuthenticatedUser user(String username, SearchResultEntry entry)
            throws LDAPException, UnidentifiableUserException, IncompleteGroupsException {
        List<String> groups = onOneConnection(searchPool(), connection -> groups(connection, entry));
        return user(username, entry, groups);
    }

    private AuthenticatedUser user(String username, SearchResultEntry entry, List<String> groups)
            throws UnidentifiableUserException {
        String pinned = settings.subjectAttribute() == null ? null
                : settings.subjectAttribute() + "/" + subjectValue(entry, settings.subjectAttribute());
        Map<String, String> claims = new LinkedHashMap<>();
        if (settings.claimAttributes() != null) {
            settings.claimAttributes().forEach((claim, attribute) -> {
                String value = entry.getAttributeValue(attribute);
                if (value != null) {
                    claims.put(claim, value);
                }
            });
        }
        Set<String> roles = new LinkedHashSet<>();
        for (String group : groups) {
            String role = settings.roleMappings() == null ? null : settings.roleMappings().get(group);
            roles.add(role != null ? role : group);
        }
        String name = settings.caseSensitive() ? username : Usernames.lowerCase(username);
        return new AuthenticatedUser(name, organization, "ldap", Set.copyOf(roles), Map.copyOf(claims), pinned);
    }

    /**
     * The entry's one value of the subject attribute: a binary GUID ({@code objectGUID} and the
     * other {@code ...Guid} attributes of Active Directory, 16 bytes) as the usual GUID string
     * (its first three fields little-endian, as Windows writes them), anything else as text.
     */
    static String subjectValue(SearchResultEntry entry, String attribute) throws UnidentifiableUserException {
        Attribute values = entry.getAttribute(attribute);
        if (values == null || values.size() != 1) {
            throw new UnidentifiableUserException("an entry has " + (values == null ? "no value" : values.size()
                    + " values") + " of the subject attribute " + attribute + " (exactly one is needed)");
        }
        byte[] bytes = values.getValueByteArray();
        if (attribute.toLowerCase(java.util.Locale.ROOT).endsWith("guid") && bytes.length == 16) {
            return guid(bytes);
        }
        String text = Usernames.normalize(values.getValue());
        if (text == null || text.length() > 256 || text.indexOf('\uFFFD') >= 0) {
            throw new UnidentifiableUserException("an entry's subject attribute " + attribute
                    + " is not text of at most 256 characters");
        }
        return text;
    }

    /** A Windows GUID's 16 bytes as {@code xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}, lower case. */
    static String guid(byte[] b) {
        java.util.HexFormat hex = java.util.HexFormat.of();
        return hex.formatHex(new byte[] {b[3], b[2], b[1], b[0]}) + "-" + hex.formatHex(new byte[] {b[5], b[4]}) + "-"
                + hex.formatHex(new byte[] {b[7], b[6]}) + "-" + hex.formatHex(b, 8, 10) + "-" + hex.formatHex(b, 10, 16);
    }

    /**
     * The names of the user's groups, complete or not at all: from the entry's {@code memberOf}
     * (with Active Directory's range retrieval when the directory hands the values out in ranges)
     * or from a paged group search; with {@code nestedGroups}, also the groups containing those,
     * up to {@code nestedGroupDepth} levels, each group once (cycles end). More than
     * {@code maxRoles} groups, or a search the directory cut at its size limit, is an
     * {@link IncompleteGroupsException}.
     */
    List<String> groups(LDAPInterface ldap, SearchResultEntry entry) throws LDAPException, IncompleteGroupsException {
        Map<DN, String> found = new LinkedHashMap<>();
        List<DN> level = new ArrayList<>();
        boolean byMemberOf = settings.groupSearchBase() == null || settings.groupSearchBase().isBlank();
        for (int depth = 0; depth <= (settings.nestedGroups() ? settings.nestedGroupDepth() : 0); depth++) {
            Map<DN, String> next = new LinkedHashMap<>();
            if (byMemberOf) {
                if (depth == 0) {
                    memberOf(ldap, entry, next);
                } else {
                    for (DN group : level) {
                        if (group.isNullDN()) {
                            continue;
                        }
                        SearchResultEntry groupEntry = ldap.getEntry(group.toString(), MEMBER_OF);
                        if (groupEntry != null) {
                            memberOf(ldap, groupEntry, next);
                        }
                    }
                }
            } else if (depth == 0) {
                searchGroups(ldap, List.of(entry.getDN()), next);
            } else {
                for (int i = 0; i < level.size(); i += MEMBERS_PER_FILTER) {
                    List<String> members = new ArrayList<>();
                    level.subList(i, Math.min(level.size(), i + MEMBERS_PER_FILTER)).forEach(dn -> members.add(dn.toString()));
                    searchGroups(ldap, members, next);
                }
            }
            level = new ArrayList<>();
            for (Map.Entry<DN, String> group : next.entrySet()) {
                if (found.putIfAbsent(group.getKey(), group.getValue()) == null) {
                    level.add(group.getKey());
                }
            }
            if (found.size() > settings.maxRoles()) {
                throw new IncompleteGroupsException("the user is in more than " + settings.maxRoles()
                        + " groups (maxRoles)");
            }
            if (level.isEmpty()) {
                break;
            }
        }
        return new ArrayList<>(found.values());
    }

    private void memberOf(LDAPInterface ldap, SearchResultEntry entry, Map<DN, String> into)
            throws LDAPException, IncompleteGroupsException {
        for (String dn : rangedValues(ldap, entry, MEMBER_OF, settings.maxRoles())) {
            try {
                DN parsed = new DN(dn);
                into.putIfAbsent(parsed, firstRdnValue(dn));
            } catch (LDAPException e) {
                into.putIfAbsent(DN.NULL_DN, dn);
            }
        }
    }

    /**
     * All values of a multi-valued attribute of an entry. Active Directory hands out large ones in
     * ranges ({@code memberOf;range=0-1499}); the rest is read range by range
     * ({@code memberOf;range=1500-*}) until the range ending in {@code *}.
     */
    static List<String> rangedValues(LDAPInterface ldap, SearchResultEntry entry, String attribute, int max)
            throws LDAPException, IncompleteGroupsException {
        List<String> values = new ArrayList<>();
        Attribute plain = entry.getAttribute(attribute);
        if (plain != null) {
            values.addAll(List.of(plain.getValues()));
        }
        Attribute ranged = rangedAttribute(entry, attribute);
        while (ranged != null) {
            values.addAll(List.of(ranged.getValues()));
            if (values.size() > max) {
                throw new IncompleteGroupsException("the user is in more than " + max + " groups (maxRoles)");
            }
            String range = rangeOption(ranged);
            String high = range.substring(range.indexOf('-') + 1);
            if (high.equals("*")) {
                break;
            }
            long next;
            try {
                next = Long.parseLong(high) + 1;
            } catch (NumberFormatException e) {
                throw new IncompleteGroupsException("the directory sent " + attribute + " in a range it did not"
                        + " name clearly (" + range + ")");
            }
            SearchResultEntry more = ldap.getEntry(entry.getDN(), attribute + ";range=" + next + "-*");
            ranged = more == null ? null : rangedAttribute(more, attribute);
            if (ranged == null) {
                throw new IncompleteGroupsException("the directory did not send the values of " + attribute
                        + " from " + next + " on");
            }
        }
        return values;
    }

    private static Attribute rangedAttribute(Entry entry, String attribute) {
        for (Attribute a : entry.getAttributes()) {
            if (a.getBaseName().equalsIgnoreCase(attribute) && rangeOption(a) != null) {
                return a;
            }
        }
        return null;
    }

    private static String rangeOption(Attribute attribute) {
        for (String option : attribute.getOptions()) {
            if (option.regionMatches(true, 0, "range=", 0, 6) && option.indexOf('-') > 6) {
                return option.substring(6);
            }
        }
        return null;
    }

    /**
     * The groups whose member is one of {@code memberDns}, by a paged search (RFC 2696) under the
     * group search base, all pages on {@code ldap}'s one connection.
     */
    private void searchGroups(LDAPInterface ldap, List<String> memberDns, Map<DN, String> into)
            throws LDAPException, IncompleteGroupsException {
        String template = settings.groupFilter() == null ? "(member={0})" : settings.groupFilter();
        List<Filter> parts = new ArrayList<>();
        for (String dn : memberDns) {
            parts.add(Filter.create(template.replace("{0}", Filter.encodeValue(dn))));
        }
        Filter filter = parts.size() == 1 ? parts.get(0) : Filter.createORFilter(parts);
        String nameAttribute = settings.groupNameAttribute() == null ? "cn" : settings.groupNameAttribute();
        ASN1OctetString cookie = null;
        int seen = 0;
        do {
            SearchRequest search = new SearchRequest(settings.groupSearchBase(), SearchScope.SUB, filter, nameAttribute);
            search.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
            search.setTimeLimitSeconds((int) Math.max(1, settings.responseTimeout().toSeconds()));
            search.addControl(new SimplePagedResultsControl(settings.groupPageSize(), cookie, false));
            SearchResult result;
            try {
                result = ldap.search(search);
            } catch (LDAPSearchException e) {
                if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED
                        || e.getResultCode() == ResultCode.ADMIN_LIMIT_EXCEEDED) {
                    throw new IncompleteGroupsException("the group search was cut at " + (seen + e.getEntryCount())
                            + " entries by the directory's limit (" + e.getResultCode().getName()
                            + "); raise the directory's size limit for the service account or lower groupPageSize");
                }
                throw e;
            }
            for (SearchResultEntry group : result.getSearchEntries()) {
                String name = group.getAttributeValue(nameAttribute);
                into.putIfAbsent(group.getParsedDN(), name != null ? name : firstRdnValue(group.getDN()));
            }
            seen += result.getEntryCount();
            if (seen > settings.maxRoles()) {
                throw new IncompleteGroupsException("the user is in more than " + settings.maxRoles()
                        + " groups (maxRoles)");
            }
            SimplePagedResultsControl paging = SimplePagedResultsControl.get(result);
            cookie = paging == null || !paging.moreResultsToReturn() ? null : paging.getCookie();
        } while (cookie != null);
    }

    private static String firstRdnValue(String dn) {
        try {
            RDN rdn = new DN(dn).getRDN();
            return rdn == null ? dn : rdn.getAttributeValues()[0];
        } catch (LDAPException e) {
            return dn;
        }
    }

    /**
     * What a login needs, server by server in URL order: connect (and StartTLS), bind as the
     * service account, and with a probe username find exactly one entry; with its password too,
     * bind as that user and run the group search as logins do. The first failure is answered,
     * naming its stage and the server it happened at.
     */
    @Override
    public ConnectionCheck testConnection(String probeUsername, char[] probePassword) {
        ConnectionCheck last = null;
        for (LDAPURL url : urls) {
            last = testServer(url, probeUsername, probePassword);
            if (!last.ok()) {
                return last;
            }
        }
        return urls.size() == 1 ? last : ConnectionCheck.ok("each of the " + urls.size() + " servers passed: "
                + last.message());
    }

    private ConnectionCheck testServer(LDAPURL url, String probeUsername, char[] probePassword) {
        String where = url.getScheme() + "://" + url.getHost() + ":" + url.getPort();
        SocketFactory sockets;
        PostConnectProcessor tls;
        try {
            sockets = url.getScheme().equals("ldaps") ? tlsSockets() : SocketFactory.getDefault();
            tls = startTls();
        } catch (GeneralSecurityException e) {
            return ConnectionCheck.failed(ConnectionCheck.Stage.CONFIGURATION, null,
                    "TLS setup failed (trust store): " + e.getClass().getSimpleName());
        }
        LDAPConnection connection;
        try {
            connection = new LDAPConnection(sockets, options(), url.getHost(), url.getPort());
        } catch (LDAPException e) {
            return connectFailure(where, url, e);
        }
        String step = "StartTLS";
        try (connection) {
            if (tls != null) {
                tls.processPreAuthenticatedConnection(connection);
            }
            step = "the service bind";
            BindRequest bind = serviceBind();
            if (bind != null) {
                try {
                    connection.bind(bind);
                } catch (LDAPException e) {
                    if (ResultCode.isConnectionUsable(e.getResultCode()) && e.getResultCode() != ResultCode.TIMEOUT
                            && !causedByTls(e)) {
                        return ConnectionCheck.failed(ConnectionCheck.Stage.BIND, where, where + ": the service bind as "
                                + settings.bindDn() + " was refused: " + e.getResultCode().getName());
                    }
                    throw e;
                }
            }
            String bound = bind == null ? "searching anonymously" : "bound as the service account";
            if (probeUsername == null || probeUsername.isBlank()) {
                return ConnectionCheck.ok(where + ": connected and " + bound
                        + " (give a probe username and password to check a whole login)");
            }
            step = "the user search";
            SearchResult result;
            try {
                result = connection.search(userSearch(probeUsername, attributes));
            } catch (LDAPSearchException e) {
                if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                    return ConnectionCheck.failed(ConnectionCheck.Stage.USER_SEARCH, where, where
                            + ": the user search found more than one entry for '" + probeUsername + "'");
                }
                if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                    return ConnectionCheck.failed(ConnectionCheck.Stage.USER_SEARCH, where, where
                            + ": the user search base " + settings.userSearchBase() + " does not exist");
                }
                if (ResultCode.isConnectionUsable(e.getResultCode()) && e.getResultCode() != ResultCode.TIMEOUT) {
                    return ConnectionCheck.failed(ConnectionCheck.Stage.USER_SEARCH, where, where
                            + ": the user search failed: " + e.getResultCode().getName());
                }
                throw e;
            }
            if (result.getEntryCount() != 1) {
                return ConnectionCheck.failed(ConnectionCheck.Stage.USER_SEARCH, where, where + ": the user search found "
                        + (result.getEntryCount() == 0 ? "no entry" : "more than one entry") + " for '"
                        + probeUsername + "'");
            }
            SearchResultEntry entry = result.getSearchEntries().get(0);
            if (settings.subjectAttribute() != null) {
                try {
                    subjectValue(entry, settings.subjectAttribute());
                } catch (UnidentifiableUserException e) {
                    return ConnectionCheck.failed(ConnectionCheck.Stage.USER_SEARCH, where, where + ": " + e.getMessage());
                }
            }
            if (probePassword == null || probePassword.length == 0) {
                return ConnectionCheck.ok(where + ": connected, " + bound + ", and found exactly one entry for '"
                        + probeUsername + "' (give its password to check the user bind and the group search)");
            }
            if (UserStore.isBlank(probePassword)) {
                return ConnectionCheck.failed(ConnectionCheck.Stage.USER_BIND, where,
                        "a blank password is never sent to a directory");
            }
            step = "the probe user's bind";
            byte[] secret = utf8(probePassword);
            try {
                connection.bind(new SimpleBindRequest(entry.getDN(), secret));
            } catch (LDAPException e) {
                if (isRejection(e.getResultCode())) {
                    return ConnectionCheck.failed(ConnectionCheck.Stage.USER_BIND, where, where
                            + ": the directory refused the probe user's password: " + e.getResultCode().getName());
                }
                throw e;
            } finally {
                java.util.Arrays.fill(secret, (byte) 0);
            }
            step = "the service bind after the user's";
            connection.bind(bind != null ? bind : new SimpleBindRequest());
            step = "the group search";
            List<String> groups;
            try {
                groups = groups(connection, entry);
            } catch (IncompleteGroupsException e) {
                return ConnectionCheck.failed(ConnectionCheck.Stage.GROUP_SEARCH, where, where + ": " + e.getMessage());
            } catch (LDAPException e) {
                if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                    return ConnectionCheck.failed(ConnectionCheck.Stage.GROUP_SEARCH, where, where
                            + ": the group search base " + settings.groupSearchBase() + " does not exist");
                }
                if (ResultCode.isConnectionUsable(e.getResultCode()) && e.getResultCode() != ResultCode.TIMEOUT) {
                    return ConnectionCheck.failed(ConnectionCheck.Stage.GROUP_SEARCH, where, where
                            + ": the group search failed: " + e.getResultCode().getName());
                }
                throw e;
            }
            return ConnectionCheck.ok(where + ": connected, " + bound + ", found exactly one entry for '"
                    + probeUsername + "', its password was accepted, and the group search found " + groups.size()
                    + (groups.size() == 1 ? " group" : " groups"));
        } catch (LDAPException e) {
            if (causedByTls(e)) {
                return ConnectionCheck.failed(ConnectionCheck.Stage.TLS, where, where
                        + ": TLS failed: the certificate is not trusted or does not name " + url.getHost()
                        + ", or the handshake was refused");
            }
            if (e.getResultCode() == ResultCode.TIMEOUT) {
                return ConnectionCheck.failed(ConnectionCheck.Stage.TIMEOUT, where, where + ": no answer to " + step
                        + " within " + settings.responseTimeout().toMillis() + " ms");
            }
            return ConnectionCheck.failed(ConnectionCheck.Stage.UNREACHABLE, where, where + ": the connection failed during "
                    + step + ": " + e.getResultCode().getName());
        }
    }

    private ConnectionCheck connectFailure(String where, LDAPURL url, LDAPException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return ConnectionCheck.failed(ConnectionCheck.Stage.CONNECT_REFUSED, where, where
                        + ": connection refused (nothing listens there)");
            }
            if (t instanceof java.net.SocketTimeoutException) {
                return ConnectionCheck.failed(ConnectionCheck.Stage.TIMEOUT, where, where + ": the connection was not"
                        + " made within " + settings.connectTimeout().toMillis() + " ms");
            }
            if (t instanceof java.net.UnknownHostException) {
                return ConnectionCheck.failed(ConnectionCheck.Stage.UNREACHABLE, where, where + ": the host name "
                        + url.getHost() + " does not resolve");
            }
        }
        if (causedByTls(e)) {
            return ConnectionCheck.failed(ConnectionCheck.Stage.TLS, where, where
                    + ": TLS failed: the certificate is not trusted or does not name " + url.getHost()
                    + ", or the handshake was refused");
        }
        if (e.getResultCode() == ResultCode.TIMEOUT) {
            return ConnectionCheck.failed(ConnectionCheck.Stage.TIMEOUT, where, where + ": no answer in time");
        }
        return ConnectionCheck.failed(ConnectionCheck.Stage.UNREACHABLE, where, where + ": no connection: "
                + e.getResultCode().getName());
    }

    private static boolean causedByTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return e.getMessage() != null && (e.getMessage().contains("SSL") || e.getMessage().contains("TLS")
                || e.getMessage().contains("certificate"));
    }

    @Override
    public synchronized void close() {
        if (searchPool != null) {
            searchPool.close();
            searchPool = null;
        }
        if (bindPool != null) {
            bindPool.close();
            bindPool = null;
        }
    }

    @Override
    public String toString() {
        return "LdapUserStore[organization=" + organization + ", urls=" + settings.urls() + "]";
    }

    /** The user's groups could not all be read; the message names the limit, never the user. */
    static final class IncompleteGroupsException extends Exception {
        IncompleteGroupsException(String message) {
            super(message, null, false, false);
        }
    }

    private static final class AmbiguousUserException extends Exception {
        AmbiguousUserException() {
            super(null, null, false, false);
        }
    }

    /** The entry cannot be given a pinned subject; the message names the attribute, never the user. */
    static final class UnidentifiableUserException extends Exception {
        UnidentifiableUserException(String message) {
            super(message, null, false, false);
        }
    }
}
