import com.unboundid.ldap.sdk.BindResult;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The directory alone, without Caravan: how many simple binds (or search-then-bind logins) the
 * bench slapd answers, with the LDAP SDK Caravan itself uses. One connection per thread, each
 * thread cycling through the distinct users from its own offset, as the wrk scripts do.
 *
 * <pre>java -cp unboundid-ldapsdk.jar bench/SlapdBinds.java PORT USERS THREADS SECONDS MODE</pre>
 *
 * MODE {@code bind}: a simple bind as the next user (what slapd's raw bind rate is);
 * {@code login}: what one directory login asks of slapd: a subtree search for {@code (uid=..)}
 * on a service-account connection, a bind as the entry found on a second connection, and the
 * group search for {@code (member=<dn>)}. A warm-up of a third of the time comes first. Prints
 * one line: {@code mode|per_second|p50_ms|p99_ms|failures|operations}.
 */
public class SlapdBinds {
    static final String SUFFIX = "dc=bench,dc=caravan";
    static final String SERVICE_DN = "cn=caravan,ou=services," + SUFFIX;
    static final String SERVICE_PASSWORD = "bench-slapd-service-password";

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int users = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        boolean login = "login".equals(args[4]);
        run(port, users, threads, Math.max(1, seconds / 3), login);
        long started = System.nanoTime();
        long[][] result = run(port, users, threads, seconds, login);
        double elapsed = (System.nanoTime() - started) / 1e9;
        List<Long> all = new ArrayList<>();
        long failed = 0;
        for (long[] one : result) {
            failed += one[0];
            for (int i = 1; i < one.length; i++) all.add(one[i]);
        }
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        double p50 = sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2] / 1e6;
        double p99 = sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6;
        System.out.printf("%s|%.0f|%.3f|%.3f|%d|%d%n", login ? "login" : "bind", sorted.length / elapsed, p50, p99,
                failed, sorted.length);
    }

    /** Each thread's answer: [failures, latency ns, latency ns, ...] */
    static long[][] run(int port, int users, int threads, long seconds, boolean login) throws Exception {
        long[][] out = new long[threads][];
        AtomicBoolean stop = new AtomicBoolean();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers[t] = new Thread(() -> out[index] = work(port, users, index * users / threads, stop, login));
            workers[t].start();
        }
        Thread.sleep(seconds * 1000);
        stop.set(true);
        for (Thread worker : workers) worker.join();
        return out;
    }

    static long[] work(int port, int users, int offset, AtomicBoolean stop, boolean login) {
        long[] latencies = new long[1 << 16];
        int count = 1;
        long failures = 0;
        try (LDAPConnection binder = new LDAPConnection("127.0.0.1", port);
             LDAPConnection searcher = new LDAPConnection("127.0.0.1", port, SERVICE_DN, SERVICE_PASSWORD)) {
            for (int n = offset; !stop.get(); n++) {
                String uid = String.format("user%04d", n % users + 1);
                String password = "pw-" + uid + "-bench";
                long start = System.nanoTime();
                try {
                    String dn = "uid=" + uid + ",ou=people," + SUFFIX;
                    if (login) {
                        SearchResult found = searcher.search("ou=people," + SUFFIX, SearchScope.SUB,
                                Filter.createEqualityFilter("uid", uid), "mail", "cn");
                        dn = found.getSearchEntries().get(0).getDN();
                    }
                    BindResult bound = binder.bind(dn, password);
                    if (bound.getResultCode() != ResultCode.SUCCESS) failures++;
                    if (login) {
                        searcher.search("ou=groups," + SUFFIX, SearchScope.SUB,
                                Filter.createEqualityFilter("member", dn), "cn");
                    }
                } catch (LDAPException e) {
                    failures++;
                }
                if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
                latencies[count++] = System.nanoTime() - start;
            }
        } catch (LDAPException e) {
            throw new IllegalStateException("cannot connect to slapd on port " + port + ": " + e.getMessage(), e);
        }
        latencies[0] = failures;
        return Arrays.copyOf(latencies, count);
    }
}
