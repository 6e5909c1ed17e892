package dev.caravan.userstore.ldap;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
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
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustStoreTrustManager;
import dev.caravan.userstore.AuthenticatedUser;
import dev.caravan.userstore.UserStore;
import dev.caravan.userstore.Usernames;
import dev.caravan.userstore.Verification;
import dev.caravan.userstore.external.ConnectionCheck;
import dev.caravan.userstore.external.ExternalUserStore;
import dev.caravan.userstore.external.StoreUnavailableException;
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
 * account, then bind as the user's DN to check the password, on a pooled connection that is
 * re-bound as the service account afterwards.
 *
 * <p>Safety rules: an empty or blank password never reaches the directory (an empty simple bind
 * is an anonymous bind and "succeeds"); the username is escaped before it enters the filter
 * (RFC 4515: {@code * ( ) \ NUL}), and no DN is ever built from it; a search that finds more than
 * one entry is refused. A directory that is down or slow is {@code Unavailable}, never a wrong
 * password. The pool is created lazily, so a store whose directory is down still starts.
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
    private LDAPConnectionPool pool;

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

    private synchronized LDAPConnectionPool pool() throws LDAPException {
        if (pool == null || pool.isClosed()) {
            try {
                LDAPConnectionPool created = new LDAPConnectionPool(serverSet(), serviceBind(), 0,
                        Math.max(1, settings.poolSize()), 1, startTls(), false);
                created.setCreateIfNecessary(true);
                created.setMaxWaitTimeMillis(settings.responseTimeout().toMillis());
                created.setRetryFailedOperationsDueToInvalidConnections(true);
                created.setConnectionPoolName("caravan-ldap-" + organization);
                pool = created;
            } catch (GeneralSecurityException e) {
                throw new LDAPException(ResultCode.LOCAL_ERROR, "TLS setup failed");
            }
        }
        return pool;
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
            LDAPConnectionPool connections = pool();
            Optional<SearchResultEntry> entry = findUser(connections, username);
            if (entry.isEmpty()) {
                return new Verification.UnknownUser();
            }
            try {
                connections.bindAndRevertAuthentication(entry.get().getDN(), new String(password));
            } catch (LDAPException e) {
                if (e.getResultCode() == ResultCode.INVALID_CREDENTIALS
                        || e.getResultCode() == ResultCode.UNWILLING_TO_PERFORM
                        || e.getResultCode() == ResultCode.INAPPROPRIATE_AUTHENTICATION) {
                    return new Verification.Rejected();
                }
                throw e;
            }
            return new Verification.Accepted(user(connections, username, entry.get()));
        } catch (AmbiguousUserException e) {
            log.warn("directory of organization '{}' has more than one entry for a username; login refused", organization);
            return new Verification.Rejected();
        } catch (UnidentifiableUserException e) {
            log.warn("directory of organization '{}': {}; login refused", organization, e.getMessage());
            return new Verification.Unavailable("the directory entry has no usable subject attribute");
        } catch (LDAPException e) {
            log.warn("directory of organization '{}' could not be asked: {}", organization, e.getResultCode());
            return new Verification.Unavailable("directory unavailable (" + e.getResultCode().getName() + ")");
        }
    }

    @Override
    public Optional<AuthenticatedUser> lookup(String org, String username) {
        try {
            LDAPConnectionPool connections = pool();
            Optional<SearchResultEntry> entry = findUser(connections, username);
            if (entry.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(user(connections, username, entry.get()));
        } catch (AmbiguousUserException e) {
            return Optional.empty();
        } catch (UnidentifiableUserException e) {
            log.warn("directory of organization '{}': {}", organization, e.getMessage());
            throw new StoreUnavailableException("the directory entry has no usable subject attribute");
        } catch (LDAPException e) {
            throw new StoreUnavailableException("directory unavailable (" + e.getResultCode().getName() + ")");
        }
    }

    private Optional<SearchResultEntry> findUser(LDAPConnectionPool connections, String username)
            throws LDAPException, AmbiguousUserException {
        SearchRequest search = new SearchRequest(settings.userSearchBase(), SearchScope.SUB,
                filterFor(username), attributes);
        search.setSizeLimit(2);
        search.setTimeLimitSeconds((int) Math.max(1, settings.responseTimeout().toSeconds()));
        search.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
        SearchResult result;
        try {
            result = connections.search(search);
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                throw new AmbiguousUserException();
            }
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                return Optional.empty();
            }
            throw e;
        }
        if (result.getEntryCount() > 1) {
            throw new AmbiguousUserException();
        }
        return result.getEntryCount() == 0 ? Optional.empty() : Optional.of(result.getSearchEntries().get(0));
    }

    private AuthenticatedUser user(LDAPConnectionPool connections, String username, SearchResultEntry entry)
            throws LDAPException, UnidentifiableUserException {
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
        for (String group : groups(connections, entry)) {
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

    private List<String> groups(LDAPConnectionPool connections, SearchResultEntry entry) throws LDAPException {
        List<String> names = new ArrayList<>();
        if (settings.groupSearchBase() == null || settings.groupSearchBase().isBlank()) {
            Attribute memberOf = entry.getAttribute(MEMBER_OF);
            if (memberOf != null) {
                for (String dn : memberOf.getValues()) {
                    names.add(firstRdnValue(dn));
                }
            }
            return names;
        }
        String template = settings.groupFilter() == null ? "(member={0})" : settings.groupFilter();
        Filter filter = Filter.create(template.replace("{0}", Filter.encodeValue(entry.getDN())));
        String nameAttribute = settings.groupNameAttribute() == null ? "cn" : settings.groupNameAttribute();
        SearchRequest search = new SearchRequest(settings.groupSearchBase(), SearchScope.SUB, filter, nameAttribute);
        search.setSizeLimit(500);
        search.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
        try {
            for (SearchResultEntry group : connections.search(search).getSearchEntries()) {
                String name = group.getAttributeValue(nameAttribute);
                names.add(name != null ? name : firstRdnValue(group.getDN()));
            }
        } catch (LDAPSearchException e) {
            if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED) {
                throw e;
            }
            e.getSearchEntries().forEach(group -> names.add(firstRdnValue(group.getDN())));
        }
        return names;
    }

    private static String firstRdnValue(String dn) {
        try {
            RDN rdn = new DN(dn).getRDN();
            return rdn == null ? dn : rdn.getAttributeValues()[0];
        } catch (LDAPException e) {
            return dn;
        }
    }

    @Override
    public ConnectionCheck testConnection(String probeUsername, char[] probePassword) {
        ServerSet servers;
        PostConnectProcessor tls;
        try {
            servers = serverSet();
            tls = startTls();
        } catch (GeneralSecurityException e) {
            return ConnectionCheck.failed(ConnectionCheck.Stage.TLS, "TLS setup failed: " + e.getClass().getSimpleName());
        }
        String where = urls.get(0).getHost() + ":" + urls.get(0).getPort();
        try (LDAPConnection connection = servers.getConnection()) {
            if (tls != null) {
                tls.processPreAuthenticatedConnection(connection);
            }
            BindRequest bind = serviceBind();
            if (bind != null) {
                try {
                    connection.bind(bind);
                } catch (LDAPException e) {
                    return ConnectionCheck.failed(ConnectionCheck.Stage.BIND_REFUSED,
                            "the service bind as " + settings.bindDn() + " was refused: " + e.getResultCode().getName());
                }
            }
            if (probeUsername == null || probeUsername.isBlank()) {
                return ConnectionCheck.ok("connected to " + where + " and bound as the service account");
            }
            SearchRequest search = new SearchRequest(settings.userSearchBase(), SearchScope.SUB,
                    filterFor(probeUsername), "1.1");
            search.setSizeLimit(2);
            int found;
            try {
                found = connection.search(search).getEntryCount();
            } catch (LDAPSearchException e) {
                if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                    found = 2;
                } else if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                    return ConnectionCheck.failed(ConnectionCheck.Stage.SEARCH_NONE,
                            "the user search base " + settings.userSearchBase() + " does not exist");
                } else {
                    throw e;
                }
            }
            if (found == 0) {
                return ConnectionCheck.failed(ConnectionCheck.Stage.SEARCH_NONE,
                        "the user search found no entry for '" + probeUsername + "'");
            }
            if (found > 1) {
                return ConnectionCheck.failed(ConnectionCheck.Stage.SEARCH_MANY,
                        "the user search found more than one entry for '" + probeUsername + "'");
            }
            return ConnectionCheck.ok("connected to " + where + ", bound, and found exactly one entry");
        } catch (LDAPException e) {
            if (causedByTls(e)) {
                return ConnectionCheck.failed(ConnectionCheck.Stage.TLS,
                        "TLS with " + where + " failed: the certificate is not trusted or does not name "
                                + urls.get(0).getHost() + ", or the handshake was refused");
            }
            if (e.getResultCode() == ResultCode.CONNECT_ERROR || e.getResultCode() == ResultCode.SERVER_DOWN
                    || e.getResultCode() == ResultCode.TIMEOUT) {
                return ConnectionCheck.failed(ConnectionCheck.Stage.UNREACHABLE,
                        "no LDAP answer from " + where + ": " + e.getResultCode().getName());
            }
            return ConnectionCheck.failed(ConnectionCheck.Stage.CONFIGURATION,
                    "the directory refused the request: " + e.getResultCode().getName());
        }
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
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    @Override
    public String toString() {
        return "LdapUserStore[organization=" + organization + ", urls=" + settings.urls() + "]";
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
