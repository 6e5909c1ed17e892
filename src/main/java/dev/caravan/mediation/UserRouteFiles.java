package dev.caravan.mediation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import dev.caravan.http.CaravanHttpComponent;
import dev.caravan.http.CaravanHttpEndpoint;
import dev.caravan.http.TrafficServer;
import dev.caravan.registry.LiveRegistry;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.RoutesBuilderLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.xml.io.util.XmlStreamDetector;
import org.apache.camel.xml.io.util.XmlStreamInfo;
import org.slf4j.Logger;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Users' route files and mediator templates, loaded from {@code caravan.mediation.routes-dir} and
 * {@code caravan.mediation.mediators-dir} into the running CamelContext and reloaded when they
 * change, without a restart.
 *
 * <p>Each file is parsed by Camel's own YAML or XML loader and checked (route and template ids
 * unique, not the gateway's own) before anything live changes. A changed file replaces exactly the
 * routes and templates of its previous version; a deleted file's routes and templates are removed.
 * A file that fails to parse, clashes, or whose routes fail to start is refused: the previous
 * version keeps serving (it is re-added if the new one failed half-way) and the file's
 * {@link #statuses() status} says why, naming the file and line.
 *
 * <p>A template in the mediators directory replaces a packaged one
 * ({@code classpath:caravan/mediators/}) with the same id; deleting the file brings the packaged
 * one back. After templates change, a {@link MediatorTemplatesChangedEvent} is published.
 *
 * <p>Spring starts its lifecycle beans before the CamelContext (which starts on the context
 * refreshed event), so {@link #start()} registers a Camel {@link StartupListener}: files are first
 * loaded once every route of the gateway has started, on the starting thread, then checked every
 * {@code reload-interval} on one Camel-managed daemon thread.
 */
@Component
public class UserRouteFiles implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(UserRouteFiles.class);

    static final long MAX_FILE_BYTES = 1024 * 1024;
    /**
     * Where the packaged templates come from ({@code classpath:caravan/mediators/}, resolved by
     * camel-main to a {@code file:} or {@code jar:} URL): a mediators-dir file may replace those.
     */
    static final Pattern PACKAGED_MEDIATORS = Pattern.compile("(^classpath:|/)caravan/mediators/[^/]+$");
    /** Where the gateway's own routes come from: their ids (and {@code id-*}) are reserved. */
    static final Pattern GATEWAY_ROUTES = Pattern.compile("(^classpath:|/)caravan/routes/[^/]+$");

    private final ObjectProvider<CamelContext> camelProvider;
    private final ApplicationEventPublisher events;
    private final Path routesDir;
    private final Path mediatorsDir;
    private final Duration reloadInterval;
    /** {@code /{context}/{version}} of every published API, any organization. */
    private final Supplier<List<String>> apiPaths;

    /** Keyed by the file's absolute, normalized path as listed in its directory. */
    private final Map<Path, Tracked> files = new LinkedHashMap<>();
    /** Packaged templates a mediators-dir file replaced, by template id, to restore when it goes. */
    private final Map<String, RouteTemplateDefinition> shadowed = new HashMap<>();
    private final Set<Path> reportedMissing = new HashSet<>();

    private volatile CamelContext camel;
    private volatile boolean running;
    private volatile boolean loaded;
    /** After the first scan, a changed file is read only once a check finds it as the one before did. */
    private boolean settle;
    private ScheduledExecutorService poller;

    /**
     * Takes the CamelContext through a provider, resolved in {@link #start()}: Spring starts the
     * Lifecycle beans a Lifecycle bean depends on first, and starting the CamelContext that early
     * would start it before the gateway's routes are loaded (they would never be).
     */
    @Autowired
    public UserRouteFiles(ObjectProvider<CamelContext> camel, MediationProperties properties,
            ApplicationEventPublisher events, ObjectProvider<LiveRegistry> registry) {
        this(camel, properties, events, () -> apiPaths(registry.getIfAvailable()));
    }

    private UserRouteFiles(ObjectProvider<CamelContext> camel, MediationProperties properties,
            ApplicationEventPublisher events, Supplier<List<String>> apiPaths) {
        this.camelProvider = camel;
        this.events = events;
        this.apiPaths = apiPaths;
        this.routesDir = Path.of(properties.routesDir()).toAbsolutePath().normalize();
        this.mediatorsDir = Path.of(properties.mediatorsDir()).toAbsolutePath().normalize();
        this.reloadInterval = properties.reloadInterval();
    }

    /** Outside Spring: on a CamelContext of one's own. */
    public UserRouteFiles(CamelContext camel, MediationProperties properties, ApplicationEventPublisher events) {
        this(providerOf(camel), properties, events, List::of);
    }

    /**
     * Outside Spring, with the published APIs' {@code /{context}/{version}} paths (which user
     * routes may not take) from {@code apiPaths}.
     */
    public UserRouteFiles(CamelContext camel, MediationProperties properties, ApplicationEventPublisher events,
            Supplier<List<String>> apiPaths) {
        this(providerOf(camel), properties, events, apiPaths);
    }

    private static List<String> apiPaths(LiveRegistry registry) {
        if (registry == null) {
            return List.of();
        }
        return registry.allApis().stream().map(api -> api.context() + "/" + api.version()).toList();
    }

    private static ObjectProvider<CamelContext> providerOf(CamelContext camel) {
        return new ObjectProvider<>() {
            @Override
            public CamelContext getObject() {
                return camel;
            }

            @Override
            public CamelContext getObject(Object... args) {
                return camel;
            }

            @Override
            public CamelContext getIfAvailable() {
                return camel;
            }

            @Override
            public CamelContext getIfUnique() {
                return camel;
            }
        };
    }

    enum Kind { ROUTES, MEDIATORS }

    private static final class Tracked {
        final Path path;
        final Kind kind;
        FileTime modified;
        long size = -1;
        String seenHash;
        /** the content last read, to retry a refused file when another file changes */
        byte[] lastRead;
        /** content of the version that serves, to re-add it if a replacement fails half-way */
        byte[] servingContent;
        List<String> routeIds = List.of();
        List<RouteTemplateDefinition> templates = List.of();
        /** the traffic paths the serving version's routes listen on */
        List<ServedPath> paths = List.of();
        /** the file changed at the last check: read once a check finds it unchanged (not while it is being written) */
        boolean settling;
        /** null until the file is first read (a new file waits one check: it may still be being written) */
        RouteFileStatus.State state;
        String error;
        Instant loadedAt;

        Tracked(Path path, Kind kind) {
            this.path = path;
            this.kind = kind;
        }

        List<String> templateIds() {
            return templates.stream().map(RouteTemplateDefinition::getId).toList();
        }

        String name() {
            return path.getFileName().toString();
        }
    }

    /** A file refused, with the one-line reason shown in its status and the log. */
    static final class Refusal extends Exception {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    private record Parsed(List<RouteDefinition> routes, List<RouteTemplateDefinition> templates) {
        List<String> routeIds() {
            return routes.stream().map(RouteDefinition::getRouteId).toList();
        }

        List<String> templateIds() {
            return templates.stream().map(RouteTemplateDefinition::getId).toList();
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void start() {
        camel = camelProvider.getObject();
        running = true;
        try {
            if (camel.isStarted()) {
                begin();
            } else {
                camel.addStartupListener(new StartupListener() {
                    @Override
                    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {}

                    @Override
                    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                        begin();
                    }
                });
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not watch the user route files: " + e.getMessage(), e);
        }
    }

    private synchronized void begin() {
        if (!running || loaded) {
            return;
        }
        loaded = true;
        log.info("user routes from {}, mediators from {}{}", routesDir, mediatorsDir,
                reloadInterval.isZero() ? " (not reloaded)" : ", checked every " + reloadInterval);
        poll(); // a problem with the files never stops the gateway from starting
        if (!reloadInterval.isZero()) {
            poller = camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "caravan-user-routes");
            long millis = Math.max(1, reloadInterval.toMillis());
            poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void poll() {
        try {
            rescan();
        } catch (RuntimeException e) {
            log.warn("checking the user route files failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (poller != null) {
            camel.getExecutorServiceManager().shutdownNow(poller);
            poller = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped before the CamelContext (whose phase is {@code Integer.MAX_VALUE - 2049}). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }

    // ---------------------------------------------------------------- public API

    /** One status per file found in the two directories, in path order. */
    public synchronized List<RouteFileStatus> statuses() {
        return files.values().stream()
                .filter(t -> t.state != null)
                .sorted((a, b) -> a.path.compareTo(b.path))
                .map(t -> new RouteFileStatus(t.path.toString(), t.state, t.routeIds, t.templateIds(), t.error,
                        t.loadedAt))
                .toList();
    }

    /**
     * Checks both directories now: loads new files, reloads changed ones, removes deleted ones,
     * then publishes one {@link MediatorTemplatesChangedEvent} if templates changed.
     */
    public void rescan() {
        Set<String> changedTemplates;
        synchronized (this) {
            if (!running) {
                return;
            }
            changedTemplates = scan();
            settle = true;
        }
        if (!changedTemplates.isEmpty()) {
            events.publishEvent(new MediatorTemplatesChangedEvent(this, changedTemplates));
        }
    }

    // ---------------------------------------------------------------- scanning

    private Set<String> scan() {
        Set<String> changedTemplates = new TreeSet<>();
        Map<Path, Kind> present = new LinkedHashMap<>();
        // mediators first: a route file may use a template through a kamelet-like endpoint
        list(mediatorsDir, Kind.MEDIATORS, present);
        list(routesDir, Kind.ROUTES, present);

        boolean anythingChanged = false;
        for (Path gone : new ArrayList<>(files.keySet())) {
            if (!present.containsKey(gone) || files.get(gone).kind != present.get(gone)) {
                Tracked t = files.remove(gone);
                changedTemplates.addAll(t.templateIds());
                unload(t);
                anythingChanged = true;
            }
        }
        List<Tracked> refusedUnchanged = new ArrayList<>();
        for (Map.Entry<Path, Kind> entry : present.entrySet()) {
            Tracked t = files.computeIfAbsent(entry.getKey(), p -> new Tracked(p, entry.getValue()));
            Boolean outcome = check(t, changedTemplates);
            if (outcome == null) {
                if (t.state == RouteFileStatus.State.REFUSED) {
                    refusedUnchanged.add(t);
                }
            } else {
                anythingChanged |= outcome;
            }
        }
        // a file refused because of a clash may load now that the other file changed or went
        if (anythingChanged) {
            for (Tracked t : refusedUnchanged) {
                if (t.seenHash != null && t.lastRead != null) {
                    load(t, t.lastRead, changedTemplates);
                }
            }
        }
        return changedTemplates;
    }

    private void list(Path dir, Kind kind, Map<Path, Kind> into) {
        if (!Files.isDirectory(dir)) {
            if (reportedMissing.add(dir)) {
                log.info("{} directory {} does not exist: no {} loaded from it",
                        kind == Kind.ROUTES ? "user routes" : "mediators", dir,
                        kind == Kind.ROUTES ? "routes" : "templates");
            }
            return;
        }
        reportedMissing.remove(dir);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            List<Path> found = new ArrayList<>();
            for (Path p : entries) {
                String name = p.getFileName().toString();
                String lower = name.toLowerCase(Locale.ROOT);
                if (name.startsWith(".")
                        || !(lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".xml"))
                        || Files.isDirectory(p)) {
                    continue;
                }
                found.add(p.toAbsolutePath().normalize());
            }
            found.sort(null);
            found.forEach(p -> into.putIfAbsent(p, kind));
        } catch (IOException e) {
            log.warn("could not list {}: {}", dir, e.toString());
        }
    }

    /**
     * Reads the file if its time or size changed and (re)loads it if its content changed.
     *
     * @return null: nothing new; true: the file's live routes or templates changed; false: it was
     *         refused (or is unchanged in content)
     */
    private Boolean check(Tracked t, Set<String> changedTemplates) {
        Path dir = t.kind == Kind.ROUTES ? routesDir : mediatorsDir;
        byte[] content;
        try {
            Path real = t.path.toRealPath();
            if (!real.startsWith(dir.toRealPath())) {
                return refuseUnread(t, "a symbolic link pointing outside " + dir + ": not read");
            }
            BasicFileAttributes attrs = Files.readAttributes(real, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                return refuseUnread(t, "not a regular file");
            }
            FileTime modified = attrs.lastModifiedTime();
            if (modified.equals(t.modified) && attrs.size() == t.size) {
                if (!t.settling) {
                    return null;
                }
                t.settling = false; // the same as at the last check: written, read it now
            } else {
                t.modified = modified;
                t.size = attrs.size();
                if (settle) {
                    // changed since the last check, perhaps still being written (a truncated,
                    // empty or half-written file): read at the next check if it stays the same
                    t.settling = true;
                    return null;
                }
            }
            if (attrs.size() > MAX_FILE_BYTES) {
                t.seenHash = null;
                return refuse(t, t.name() + ": larger than 1 MiB (" + attrs.size() + " bytes): not read");
            }
            content = read(real);
        } catch (NoSuchFileException e) {
            return null; // deleted while listing: the next check removes it
        } catch (Refusal r) {
            t.seenHash = null;
            return refuse(t, r.getMessage());
        } catch (IOException e) {
            t.seenHash = null;
            return refuse(t, t.name() + ": could not be read: " + e.getClass().getSimpleName());
        }
        String hash = sha256(content);
        if (hash.equals(t.seenHash)) {
            return null;
        }
        t.seenHash = hash;
        t.lastRead = content;
        return load(t, content, changedTemplates);
    }

    private Boolean refuseUnread(Tracked t, String reason) {
        t.modified = null;
        t.size = -1;
        t.seenHash = null;
        return refuse(t, t.name() + ": " + reason);
    }

    private static byte[] read(Path real) throws IOException, Refusal {
        try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new Refusal(real.getFileName() + ": larger than 1 MiB: not read");
            }
            return bytes;
        }
    }

    // ---------------------------------------------------------------- loading

    /** Parses, checks and swaps in one file's new content; on any failure the old version stays. */
    private boolean load(Tracked t, byte[] content, Set<String> changedTemplates) {
        Parsed parsed;
        List<ServedPath> paths;
        try {
            parsed = parse(t, content);
            checkIds(t, parsed);
            paths = checkPaths(t, parsed);
        } catch (Refusal r) {
            return refuse(t, r.getMessage());
        } catch (RuntimeException e) {
            // a check that did not expect this file: refuse it rather than stop the whole scan
            return refuse(t, SourceErrors.describe(t.name(), e));
        }
        Model model = model();
        List<String> oldTemplateIds = t.templateIds();
        // the paths the serving version listens on stay answered through the swap: a request
        // waits for the new version's consumer (or the old one's, re-added on failure)
        List<TrafficServer.Hold> holds = hold(t.paths);
        try {
            try {
                replace(t, parsed, model);
                verifyServing(t, parsed);
            } catch (Exception e) {
                String reason = e instanceof Refusal ? e.getMessage() : addFailure(t, parsed, e);
                rollBack(t, parsed, model);
                return refuse(t, reason);
            }
        } finally {
            holds.forEach(TrafficServer.Hold::close);
        }
        changedTemplates.addAll(oldTemplateIds);
        changedTemplates.addAll(parsed.templateIds());
        t.servingContent = content;
        t.routeIds = parsed.routeIds();
        t.templates = parsed.templates();
        t.paths = paths;
        t.state = RouteFileStatus.State.LOADED;
        t.error = null;
        t.loadedAt = Instant.now();
        log.info("loaded {}: routes {}, templates {}", t.path, t.routeIds, t.templateIds());
        return true;
    }

    // ---------------------------------------------------------------- traffic paths

    /** A path (or, with {@code prefix}, every path under it) a user route serves on the traffic port. */
    public record ServedPath(String path, boolean prefix, String routeId, String file) {
        /** Whether a request could be meant for both: the same exact path, or one's space inside the other's. */
        boolean overlaps(String otherPath, boolean otherPrefix) {
            return TrafficServer.overlaps(path, prefix, otherPath, otherPrefix);
        }

        String describe() {
            return (prefix ? "every path under " + path : path);
        }
    }

    /**
     * Paths no user route may listen on, whatever serves them now: the Token API and its aliases,
     * the metadata and key set (everything under {@code /oauth2/} and {@code /.well-known/}), and
     * the API catch-all prefix {@code /}.
     */
    static final List<String> RESERVED_PREFIXES = List.of("/oauth2/", "/.well-known/");
    static final List<String> RESERVED_PATHS = List.of("/token", "/revoke");

    /** The traffic paths user route files serve now (loaded versions only). */
    public synchronized List<ServedPath> trafficPaths() {
        List<ServedPath> all = new ArrayList<>();
        files.values().forEach(t -> all.addAll(t.paths));
        return List.copyOf(all);
    }

    /**
     * The {@code caravan-http:} paths of a file's routes, each checked: not reserved, not served by
     * the gateway's own routes or another file's, not inside (or around) a published API's
     * {@code /{context}/{version}} space. Nothing live has changed yet.
     */
    private List<ServedPath> checkPaths(Tracked t, Parsed parsed) throws Refusal {
        List<ServedPath> paths = new ArrayList<>();
        for (RouteDefinition route : parsed.routes()) {
            String uri = route.getInput() == null ? null : route.getInput().getEndpointUri();
            if (uri == null) {
                continue;
            }
            try {
                uri = camel.resolvePropertyPlaceholders(uri);
            } catch (RuntimeException e) {
                throw new Refusal(where(t, route) + ": route '" + route.getRouteId() + "' has an endpoint URI whose"
                        + " placeholders cannot be resolved: " + SourceErrors.message(e));
            }
            ServedPath served = servedPath(uri, route.getRouteId(), t.name());
            if (served == null) {
                continue;
            }
            String problem = pathProblem(t, served, paths);
            if (problem != null) {
                throw new Refusal(where(t, route) + ": route '" + route.getRouteId() + "' listens on "
                        + served.describe() + ", " + problem);
            }
            paths.add(served);
        }
        return List.copyOf(paths);
    }

    private static String where(Tracked t, RouteDefinition route) {
        int line = route.getInput() != null ? route.getInput().getLineNumber() : -1;
        return t.name() + (line > 0 ? ":" + line : "");
    }

    /** What {@code caravan-http:} would serve for this endpoint URI (as its component reads it), or null for another component. */
    static ServedPath servedPath(String uri, String routeId, String file) {
        int colon = uri.indexOf(':');
        if (colon < 0 || !uri.substring(0, colon).trim().equalsIgnoreCase("caravan-http")) {
            return null;
        }
        String rest = uri.substring(colon + 1);
        if (rest.startsWith("//")) {
            rest = rest.substring(2);
        }
        int query = rest.indexOf('?');
        String path = query < 0 ? rest : rest.substring(0, query);
        boolean prefix = false;
        if (query >= 0) {
            for (String option : rest.substring(query + 1).split("&")) {
                int eq = option.indexOf('=');
                if (eq > 0 && option.substring(0, eq).trim().equals("prefix")) {
                    prefix = option.substring(eq + 1).trim().equalsIgnoreCase("true");
                }
            }
        }
        path = path.startsWith("/") ? path : "/" + path;
        return new ServedPath(path, prefix, routeId, file);
    }

    /** Why a file may not serve this path, or null. {@code earlier}: the file's routes checked before it. */
    private String pathProblem(Tracked t, ServedPath served, List<ServedPath> earlier) {
        // the path as written and as decoded (the component may decode %-escapes) are both checked
        for (String path : new LinkedHashSet<>(List.of(served.path(), decoded(served.path())))) {
            String problem = reservedProblem(path, served.prefix());
            if (problem != null) {
                return problem;
            }
            for (ServedPath other : earlier) {
                if (other.path().equals(path) && other.prefix() == served.prefix()) {
                    return "which route '" + other.routeId() + "' of the same file already listens on";
                }
            }
            for (Tracked file : files.values()) {
                if (file == t) {
                    continue;
                }
                for (ServedPath other : file.paths) {
                    if (other.path().equals(path) && other.prefix() == served.prefix()) {
                        return "which route '" + other.routeId() + "' of " + file.name() + " serves";
                    }
                }
            }
            TrafficServer server = trafficServer();
            if (server != null) {
                for (TrafficServer.Registration registration : server.registrations()) {
                    boolean root = registration.prefix() && registration.path().equals("/");
                    if (root || ownedByUserFile(registration.owner())
                            || !TrafficServer.overlaps(path, served.prefix(), registration.path(), registration.prefix())) {
                        continue;
                    }
                    return "which the gateway's route '" + registration.owner() + "' serves ("
                            + (registration.prefix() ? "every path under " : "") + registration.path() + ")";
                }
            }
            for (String api : apiPaths.get()) {
                if (TrafficServer.overlaps(path, served.prefix(), api, true)) {
                    return "which is in the path space of the published API " + api
                            + " (a user route may not take an API's paths)";
                }
            }
        }
        return null;
    }

    /** The reserved paths and namespaces, whatever serves them now. */
    static String reservedProblem(String path, boolean prefix) {
        if (prefix && (path.equals("/") || path.isEmpty())) {
            return "the catch-all prefix of the gateway's API route";
        }
        for (String reserved : RESERVED_PREFIXES) {
            if (TrafficServer.overlaps(path, prefix, reserved, true)) {
                return "which is reserved for the gateway's own endpoints (" + reserved + "...)";
            }
        }
        for (String reserved : RESERVED_PATHS) {
            if (TrafficServer.overlaps(path, prefix, reserved, false)) {
                return "which is reserved for the gateway's own endpoints (" + reserved + ")";
            }
        }
        return null;
    }

    private static String decoded(String path) {
        try {
            return java.net.URLDecoder.decode(path.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return path;
        }
    }

    private boolean ownedByUserFile(String routeId) {
        for (Tracked file : files.values()) {
            if (file.routeIds.contains(routeId)) {
                return true;
            }
        }
        return false;
    }

    /** The traffic server the {@code caravan-http:} routes register on, if this context has one. */
    private TrafficServer trafficServer() {
        return camel.hasComponent("caravan-http") instanceof CaravanHttpComponent component ? component.server() : null;
    }

    private List<TrafficServer.Hold> hold(List<ServedPath> paths) {
        TrafficServer server = trafficServer();
        if (server == null || paths.isEmpty()) {
            return List.of();
        }
        List<TrafficServer.Hold> holds = new ArrayList<>();
        for (ServedPath path : paths) {
            holds.add(server.hold(path.path(), path.prefix()));
        }
        return holds;
    }

    /**
     * After the new version was added: each of its started {@code caravan-http:} routes really
     * serves its path (the status says LOADED only then), and the path its endpoint resolved to
     * is one a user route may take (the check before read the URI as written).
     */
    private void verifyServing(Tracked t, Parsed parsed) throws Refusal {
        TrafficServer server = trafficServer();
        for (RouteDefinition definition : parsed.routes()) {
            String id = definition.getRouteId();
            Route route = camel.getRoute(id);
            if (route == null || !(route.getEndpoint() instanceof CaravanHttpEndpoint endpoint)
                    || !camel.getRouteController().getRouteStatus(id).isStarted()) {
                continue;
            }
            String problem = reservedProblem(endpoint.getPath(), endpoint.isPrefix());
            if (problem != null) {
                throw new Refusal(where(t, definition) + ": route '" + id + "' listens on " + endpoint.getPath()
                        + ", " + problem);
            }
            String owner = server == null ? id : server.owner(endpoint.getPath(), endpoint.isPrefix());
            if (!id.equals(owner)) {
                throw new Refusal(where(t, definition) + ": route '" + id + "' started but does not serve "
                        + endpoint.getPath() + (owner == null ? "" : " (route '" + owner + "' does)"));
            }
        }
    }

    private Parsed parse(Tracked t, byte[] content) throws Refusal {
        String name = t.name();
        String lower = name.toLowerCase(Locale.ROOT);
        boolean kamelet = lower.endsWith(KAMELET_SUFFIX);
        String extension = lower.endsWith(".xml") ? "xml" : kamelet ? "kamelet.yaml" : "yaml";
        Resource resource = ResourceHelper.fromBytes("file:" + t.path, content);
        // Camel's loaders apply beans, REST and route configurations to the live context while
        // parsing: such entries are refused before the loader sees the file
        if (kamelet) {
            if (t.kind != Kind.MEDIATORS) {
                throw new Refusal(name + ": a kamelet is a mediator: it belongs in the mediators directory");
            }
            Kamelets.precheck(name, content);
        } else if (extension.equals("xml")) {
            precheckXml(name, content);
        } else {
            precheckYaml(name, content);
        }
        RouteBuilder builder;
        try {
            // the extension's loader itself, not RoutesLoader.findRoutesBuilders: its pre-parsing
            // step registers a file's beans in the live registry before the file is known to be good
            RoutesBuilderLoader loader = PluginHelper.getRoutesLoader(camel).getRoutesLoader(extension);
            if (loader == null) {
                throw new Refusal(name + ": no Camel loader for ." + extension + " files");
            }
            RoutesBuilder loaded = loader.loadRoutesBuilder(resource);
            if (loaded == null) {
                throw new Refusal(xmlProblem(name, content));
            }
            if (!(loaded instanceof RouteBuilder rb)) {
                throw new Refusal(name + ": not a route file");
            }
            builder = rb;
            builder.configureRoutes(camel);
            if (builder instanceof RouteConfigurationBuilder configurations) {
                configurations.configuration();
                if (!configurations.getRouteConfigurationCollection().getRouteConfigurations().isEmpty()) {
                    throw new Refusal(name + ": route configurations are not supported in user route files");
                }
            }
        } catch (Refusal r) {
            throw r;
        } catch (Exception | LinkageError e) {
            throw new Refusal(SourceErrors.describe(name, e));
        }
        if (!builder.getRestCollection().getRests().isEmpty()) {
            throw new Refusal(name + ": REST definitions are not supported in user route files");
        }
        if (!builder.getTemplatedRouteCollection().getTemplatedRoutes().isEmpty()) {
            throw new Refusal(name + ": templated routes are not supported in user route files");
        }
        if (!builder.getBeans().isEmpty()) {
            throw new Refusal(name + ": beans are not supported in user route files");
        }
        List<RouteDefinition> routes = new ArrayList<>(builder.getRouteCollection().getRoutes());
        List<RouteTemplateDefinition> templates = new ArrayList<>(builder.getRouteTemplateCollection().getRouteTemplates());
        if (routes.isEmpty() && templates.isEmpty()) {
            throw new Refusal(name + ": defines no route and no route template");
        }
        for (int i = 0; i < routes.size(); i++) {
            RouteDefinition route = routes.get(i);
            if (!route.hasCustomIdAssigned()) {
                route.setId(defaultRouteId(name, i));
            }
        }
        for (RouteTemplateDefinition template : templates) {
            if (template.getId() == null || template.getId().isBlank()) {
                throw new Refusal(name + (kamelet ? ": a kamelet without metadata.name" : ": a route template without an id"));
            }
            if (kamelet) {
                Kamelets.asMediator(name, template);
            }
            // an API may instantiate any template with a publisher's values: a parameter must stay data
            String unsafe = TemplateParameterRule.problem(template);
            if (unsafe != null) {
                throw new Refusal(name + ": " + unsafe);
            }
        }
        return new Parsed(routes, templates);
    }

    /** Kamelets (Camel's packaged route templates in Kubernetes-resource form), in the mediators directory only. */
    static final String KAMELET_SUFFIX = ".kamelet.yaml";

    /** Top-level YAML entries a user file may hold: routes, templates and what scopes to the file's routes. */
    static final Set<String> YAML_ENTRIES = Set.of("route", "from", "routeTemplate", "route-template",
            "onException", "on-exception", "onCompletion", "on-completion", "intercept", "interceptFrom",
            "intercept-from", "interceptSendToEndpoint", "intercept-send-to-endpoint", "errorHandler", "error-handler");
    /** Root elements an XML user file may have. */
    static final Set<String> XML_ROOTS = Set.of("routes", "route", "routeTemplates", "routeTemplate");

    private static void precheckYaml(String name, byte[] content) throws Refusal {
        for (Node document : composeYaml(name, content)) {
            if (!(document instanceof SequenceNode entries)) {
                throw new Refusal(name + ":" + line(document, 1) + ": a route file is a list of routes and route templates");
            }
            for (Node entry : entries.getValue()) {
                if (!(entry instanceof MappingNode mapping)) {
                    continue; // the loader says what is wrong with it
                }
                for (NodeTuple tuple : mapping.getValue()) {
                    if (tuple.getKeyNode() instanceof ScalarNode key && !YAML_ENTRIES.contains(key.getValue())) {
                        throw new Refusal(name + ":" + line(key, 0) + ": '" + key.getValue()
                                + "' is not supported in user route files (routes and route templates only)");
                    }
                }
            }
        }
    }

    /**
     * The YAML documents of a user file, composed (nodes with positions, nothing constructed)
     * under the same limits for every kind of YAML file; a syntax error is a refusal naming file and line.
     */
    static List<Node> composeYaml(String name, byte[] content) throws Refusal {
        LoadSettings settings = LoadSettings.builder().setLabel(name).setMaxAliasesForCollections(50)
                .setCodePointLimit((int) MAX_FILE_BYTES + 1).build();
        List<Node> documents = new ArrayList<>();
        try {
            new Compose(settings).composeAllFromString(new String(content, java.nio.charset.StandardCharsets.UTF_8))
                    .forEach(documents::add);
        } catch (RuntimeException e) {
            throw new Refusal(SourceErrors.describe(name, e));
        }
        return documents;
    }

    /** The 1-based line a node starts on, or {@code fallback} when the parser gave it no position. */
    static int line(Node node, int fallback) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(fallback);
    }

    private static void precheckXml(String name, byte[] content) throws Refusal {
        XmlStreamInfo info;
        try {
            info = new XmlStreamDetector(new java.io.ByteArrayInputStream(content)).information();
        } catch (IOException e) {
            throw new Refusal(SourceErrors.describe(name, e));
        }
        if (info.getProblem() != null) {
            throw new Refusal(SourceErrors.describe(name, info.getProblem()));
        }
        if (!XML_ROOTS.contains(info.getRootElementName())) {
            throw new Refusal(name + ": root element <" + info.getRootElementName()
                    + "> is not supported in user route files (routes and route templates only)");
        }
    }

    /** The id of a file's route that has none: file name without extension, then its 1-based index. */
    static String defaultRouteId(String fileName, int index) {
        String base = fileName.replaceFirst("\\.(?i)(yaml|yml|xml)$", "");
        return base + "-" + (index + 1);
    }

    private static String xmlProblem(String name, byte[] content) {
        try {
            XmlStreamInfo info = new XmlStreamDetector(new java.io.ByteArrayInputStream(content)).information();
            if (info.getProblem() != null) {
                return SourceErrors.describe(name, info.getProblem());
            }
        } catch (IOException e) {
            return SourceErrors.describe(name, e);
        }
        return name + ": not a Camel XML route file";
    }

    private void checkIds(Tracked t, Parsed parsed) throws Refusal {
        String name = t.name();
        Set<String> reserved = gatewayIds();
        Set<String> ids = new HashSet<>();
        for (String id : parsed.routeIds()) {
            if (!ids.add(id)) {
                throw new Refusal(name + ": route id '" + id + "' is used twice in this file");
            }
            for (String own : reserved) {
                if (id.equals(own) || id.startsWith(own + "-")) {
                    throw new Refusal(name + ": route id '" + id + "' is reserved for the gateway's own routes ('"
                            + own + "')");
                }
            }
            Tracked other = owner(id, true, t);
            if (other != null) {
                throw new Refusal(name + ": route id '" + id + "' is already used by " + other.path.getFileName());
            }
            if (!t.routeIds.contains(id) && (camel.getRoute(id) != null || model().getRouteDefinition(id) != null)) {
                throw new Refusal(name + ": route id '" + id + "' is already used by a route of the gateway");
            }
        }
        Set<String> templateIds = new HashSet<>();
        for (String id : parsed.templateIds()) {
            if (!templateIds.add(id)) {
                throw new Refusal(name + ": route template id '" + id + "' is used twice in this file");
            }
            Tracked other = owner(id, false, t);
            if (other != null) {
                throw new Refusal(name + ": route template id '" + id + "' is already used by "
                        + other.path.getFileName());
            }
            if (t.templateIds().contains(id) || shadowed.containsKey(id)) {
                continue;
            }
            RouteTemplateDefinition existing = model().getRouteTemplateDefinition(id);
            if (existing != null && !(t.kind == Kind.MEDIATORS && isPackagedMediator(existing))) {
                throw new Refusal(name + ": route template id '" + id + "' is already used by the gateway"
                        + (isPackagedMediator(existing) ? " (only a file in the mediators directory may replace a packaged mediator)" : ""));
            }
        }
    }

    private Tracked owner(String id, boolean route, Tracked except) {
        for (Tracked other : files.values()) {
            if (other != except && (route ? other.routeIds.contains(id) : other.templateIds().contains(id))) {
                return other;
            }
        }
        return null;
    }

    /** Ids of the routes and templates loaded from the gateway's own route files. */
    private Set<String> gatewayIds() {
        Set<String> ids = new HashSet<>();
        Model model = model();
        for (RouteDefinition def : List.copyOf(model.getRouteDefinitions())) {
            if (from(def.getResource(), GATEWAY_ROUTES) && def.getRouteId() != null) {
                ids.add(def.getRouteId());
            }
        }
        for (RouteTemplateDefinition def : List.copyOf(model.getRouteTemplateDefinitions())) {
            if (from(def.getResource(), GATEWAY_ROUTES) && def.getId() != null) {
                ids.add(def.getId());
            }
        }
        return ids;
    }

    private boolean isPackagedMediator(RouteTemplateDefinition def) {
        return from(def.getResource(), PACKAGED_MEDIATORS);
    }

    /** Whether a definition was loaded from the jar's resources matching {@code where} (never from our directories). */
    private boolean from(Resource resource, Pattern where) {
        if (resource == null || resource.getLocation() == null) {
            return false;
        }
        String location = resource.getLocation();
        if (location.startsWith("file:" + routesDir + "/") || location.startsWith("file:" + mediatorsDir + "/")) {
            return false;
        }
        return where.matcher(location).find();
    }

    /** Takes the old version out, then puts the new one in; throws if adding fails. */
    private void replace(Tracked t, Parsed parsed, Model model) throws Exception {
        for (String id : t.routeIds) {
            removeRoute(id, model);
        }
        for (RouteTemplateDefinition old : t.templates) {
            model.removeRouteTemplateDefinition(old);
        }
        // packaged templates this file no longer replaces come back
        for (String id : t.templateIds()) {
            if (!parsed.templateIds().contains(id)) {
                restoreShadowed(id, model);
            }
        }
        for (RouteTemplateDefinition template : parsed.templates()) {
            shadowPackaged(template.getId(), model);
        }
        model.addRouteTemplateDefinitions(parsed.templates());
        model.addRouteDefinitions(parsed.routes());
    }

    /** After a failed {@link #replace}: the new version out, the previous version (re-parsed) back in. */
    private void rollBack(Tracked t, Parsed failed, Model model) {
        for (String id : failed.routeIds()) {
            try {
                removeRoute(id, model);
            } catch (Exception e) {
                log.warn("{}: could not remove route {} of the refused version: {}", t.path, id, e.toString());
            }
        }
        try {
            for (RouteTemplateDefinition template : failed.templates()) {
                model.removeRouteTemplateDefinition(template);
            }
        } catch (Exception e) {
            log.warn("{}: could not remove the templates of the refused version: {}", t.path, e.toString());
        }
        List<String> serving = List.of();
        List<RouteTemplateDefinition> servingTemplates = List.of();
        if (t.servingContent != null) {
            try {
                Parsed previous = parse(t, t.servingContent);
                for (RouteTemplateDefinition template : previous.templates()) {
                    shadowPackaged(template.getId(), model);
                }
                model.addRouteTemplateDefinitions(previous.templates());
                model.addRouteDefinitions(previous.routes());
                serving = previous.routeIds();
                servingTemplates = previous.templates();
            } catch (Exception e) {
                log.warn("{}: the previous version could not be restored either: {}", t.path,
                        e instanceof Refusal ? e.getMessage() : SourceErrors.message(e));
                t.servingContent = null;
                t.loadedAt = null;
                t.paths = List.of();
            }
        }
        // packaged templates that neither version replaces come back
        Set<String> keep = new HashSet<>();
        servingTemplates.forEach(tpl -> keep.add(tpl.getId()));
        for (RouteTemplateDefinition template : failed.templates()) {
            if (!keep.contains(template.getId())) {
                restoreShadowed(template.getId(), model);
            }
        }
        t.routeIds = serving;
        t.templates = servingTemplates;
    }

    private String addFailure(Tracked t, Parsed parsed, Exception e) {
        String routeId = e instanceof FailedToCreateRouteException create ? create.getRouteId()
                : e instanceof FailedToStartRouteException start ? start.getRouteId() : null;
        String where = t.name();
        if (routeId != null) {
            for (RouteDefinition route : parsed.routes()) {
                if (routeId.equals(route.getRouteId())) {
                    int line = route.getInput() != null ? route.getInput().getLineNumber() : -1;
                    if (line <= 0) {
                        line = route.getLineNumber();
                    }
                    if (line > 0) {
                        where = where + ":" + line;
                    }
                }
            }
            return where + ": route '" + routeId + "' could not be started: " + SourceErrors.message(e);
        }
        return SourceErrors.describe(where, e);
    }

    private void unload(Tracked t) {
        Model model = model();
        for (String id : t.routeIds) {
            try {
                removeRoute(id, model);
            } catch (Exception e) {
                log.warn("{}: could not remove route {}: {}", t.path, id, e.toString());
            }
        }
        for (RouteTemplateDefinition template : t.templates) {
            try {
                model.removeRouteTemplateDefinition(template);
                restoreShadowed(template.getId(), model);
            } catch (Exception e) {
                log.warn("{}: could not remove template {}: {}", t.path, template.getId(), e.toString());
            }
        }
        if (!t.routeIds.isEmpty() || !t.templates.isEmpty()) {
            log.info("removed {}: routes {}, templates {}", t.path, t.routeIds, t.templateIds());
        }
    }

    /** Takes a packaged template out of the model (to be restored later) before a file's template of that id goes in. */
    private void shadowPackaged(String templateId, Model model) throws Exception {
        RouteTemplateDefinition packaged = model.getRouteTemplateDefinition(templateId);
        if (packaged != null && isPackagedMediator(packaged)) {
            model.removeRouteTemplateDefinition(packaged);
            shadowed.put(templateId, packaged);
        }
    }

    private void restoreShadowed(String templateId, Model model) {
        RouteTemplateDefinition packaged = shadowed.remove(templateId);
        if (packaged != null) {
            try {
                model.addRouteTemplateDefinition(packaged);
                log.info("packaged route template {} restored", templateId);
            } catch (Exception e) {
                log.warn("could not restore packaged route template {}: {}", templateId, e.toString());
            }
        }
    }

    private void removeRoute(String id, Model model) throws Exception {
        Route route = camel.getRoute(id);
        if (route != null) {
            camel.getRouteController().stopRoute(id);
            camel.removeRoute(id);
        }
        RouteDefinition def = model.getRouteDefinition(id);
        if (def != null) {
            model.removeRouteDefinition(def);
        }
    }

    /** Marks the file refused; logs at WARN unless it was already refused for the same reason. */
    private boolean refuse(Tracked t, String reason) {
        boolean again = t.state == RouteFileStatus.State.REFUSED && reason.equals(t.error);
        t.state = RouteFileStatus.State.REFUSED;
        t.error = reason;
        if (!again) {
            log.warn("refused {}{}", reason,
                    t.routeIds.isEmpty() && t.templates.isEmpty() ? "" : "; the previous version keeps serving");
        }
        return false;
    }

    private Model model() {
        return camel.getCamelContextExtension().getContextPlugin(Model.class);
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
