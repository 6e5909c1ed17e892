package dev.caravan.mediation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.caravan.http.RequestPaths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code rewrite-path} template's step: {@code CamelHttpPath.replaceFirst(pattern, replacement)}.
 *
 * <p>Patterns are compiled once and kept in a bounded cache (one bean serves every instance).
 * The path is the caller's, the pattern the API's: matching is cut off after a fixed number of
 * character reads so that a backtracking-prone pattern cannot pin a core. A rewritten path
 * must start with '/' and pass {@link RequestPaths#problem}: anything else, and a replacement
 * that refers to a missing group, fails with 500 {@code mediation_failed}, the message naming
 * neither the path nor the pattern.
 */
@Component("rewritePathMediator")
public class RewritePathMediator implements Processor {
    static final String TEMPLATE = "rewrite-path";
    /** Character reads allowed per match: a path is at most 4096 characters, a sane pattern reads each a few times. */
    static final int MAX_READS = 1_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(RewritePathMediator.class);

    private final Cache<String, Pattern> patterns = Caffeine.newBuilder().maximumSize(1024).build();

    @Override
    public void process(Exchange exchange) {
        String regex = MediationParameters.take(exchange, TEMPLATE, "pattern");
        String replacement = MediationParameters.take(exchange, TEMPLATE, "replacement");
        Pattern pattern = patterns.get(regex, RewritePathMediator::compile);
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, "", String.class);
        String rewritten;
        try {
            Matcher matcher = pattern.matcher(new BoundedCharSequence(path, MAX_READS));
            rewritten = matcher.replaceFirst(replacement);
        } catch (TooManyReads e) {
            LOG.warn("{}: matching gave up after {} character reads", TEMPLATE, MAX_READS);
            throw failed();
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            // "$3" without a third group, a trailing '\' or '$' in the replacement
            LOG.warn("{}: unusable replacement: {}", TEMPLATE, e.getClass().getSimpleName());
            throw failed();
        }
        if (RequestPaths.problem(rewritten) != null) {
            LOG.warn("{}: the rewritten path was refused: {}", TEMPLATE, RequestPaths.problem(rewritten));
            throw failed();
        }
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, rewritten);
    }

    /** How many compiled patterns the cache holds (for tests and diagnostics). */
    long compiledPatterns() {
        patterns.cleanUp();
        return patterns.estimatedSize();
    }

    static Pattern compile(String regex) {
        if (regex == null || regex.isEmpty()) {
            throw new MediationConfigException(TEMPLATE, "pattern", "is missing");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new MediationConfigException(TEMPLATE, "pattern", "is not a valid Java regular expression");
        }
    }

    private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

    /**
     * A replacement that can only give a path: RFC 3986 path characters ({@code pchar} and
     * {@code /}, {@code %} followed by two hex digits), {@code \\x} for a literal path character
     * {@code x}, and group references {@code $n} / {@code ${name}} to groups the pattern has.
     * Anything else (such as {@code ${env:HOME}}, which is no group reference, or a {@code {})
     * would fail at the first call or give no usable path, so it is refused when the API is saved.
     */
    static void checkReplacement(Pattern pattern, String replacement) {
        if (replacement == null) {
            throw new MediationConfigException(TEMPLATE, "replacement", "is missing");
        }
        int groups = pattern.matcher("").groupCount();
        java.util.Set<String> names = new java.util.HashSet<>();
        Matcher named = NAMED_GROUP.matcher(pattern.pattern());
        while (named.find()) {
            names.add(named.group(1));
        }
        int i = 0;
        while (i < replacement.length()) {
            char c = replacement.charAt(i);
            if (c == '\\') {
                if (i + 1 >= replacement.length() || !isPathCharacter(replacement.charAt(i + 1))) {
                    throw invalidReplacement("'\\' must be followed by a path character");
                }
                i += 2;
            } else if (c == '$') {
                i = groupReference(replacement, i + 1, groups, names);
            } else if (c == '%') {
                if (i + 2 >= replacement.length() || Character.digit(replacement.charAt(i + 1), 16) < 0
                        || Character.digit(replacement.charAt(i + 2), 16) < 0) {
                    throw invalidReplacement("'%' must start a percent-encoded octet (%HH)");
                }
                i += 3;
            } else if (isPathCharacter(c)) {
                i++;
            } else {
                throw invalidReplacement("may hold only path characters (RFC 3986) and group references $n or ${name}");
            }
        }
    }

    /** Checks the group reference after a '$' the way {@link Matcher#replaceFirst} reads it; returns the index after it. */
    private static int groupReference(String replacement, int at, int groups, java.util.Set<String> names) {
        if (at >= replacement.length()) {
            throw invalidReplacement("ends with '$' (write \\$ for a dollar)");
        }
        char c = replacement.charAt(at);
        if (c == '{') {
            int end = replacement.indexOf('}', at);
            String name = end < 0 ? "" : replacement.substring(at + 1, end);
            if (end < 0 || !name.matches("[a-zA-Z][a-zA-Z0-9]*")) {
                throw invalidReplacement("'${' must name a group of the pattern, as ${name}");
            }
            if (!names.contains(name)) {
                throw invalidReplacement("names a group the pattern does not have");
            }
            return end + 1;
        }
        if (c < '0' || c > '9') {
            throw invalidReplacement("'$' must be followed by a group number or {name} (write \\$ for a dollar)");
        }
        int number = c - '0';
        if (number > groups) {
            throw invalidReplacement("refers to group " + number + ", which the pattern does not have");
        }
        int i = at + 1;
        while (i < replacement.length() && Character.isDigit(replacement.charAt(i))) {
            int longer = number * 10 + (replacement.charAt(i) - '0');
            if (longer > groups) {
                break;
            }
            number = longer;
            i++;
        }
        return i;
    }

    private static boolean isPathCharacter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
    }

    private static MediationConfigException invalidReplacement(String problem) {
        return new MediationConfigException(TEMPLATE, "replacement", problem);
    }

    private static MediationException failed() {
        return new MediationException(500, "mediation_failed", "the API's path rewrite did not produce a usable path");
    }

    /** Thrown when a match reads more characters than allowed. */
    static final class TooManyReads extends RuntimeException {
        TooManyReads() {
            super(null, null, false, false);
        }
    }

    /** A string that counts the reads {@link java.util.regex} makes of it. */
    static final class BoundedCharSequence implements CharSequence {
        private final String text;
        private final int limit;
        private int reads;

        BoundedCharSequence(String text, int limit) {
            this.text = text;
            this.limit = limit;
        }

        @Override
        public char charAt(int index) {
            if (++reads > limit) {
                throw new TooManyReads();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
