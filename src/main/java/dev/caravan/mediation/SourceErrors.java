package dev.caravan.mediation;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.util.URISupport;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.xml.sax.SAXParseException;

/**
 * Turns a loader's exception into a one-line message naming the file and, when the exception
 * chain carries it, the line: {@code orders.yaml:12: <problem>}. Camel's own messages quote the
 * offending source line under the first line; only the first line is kept, so file contents never
 * reach a log or a status.
 */
final class SourceErrors {
    private static final int MAX_MESSAGE = 300;
    private static final Pattern XML_POSITION = Pattern.compile("\\s*\\(position:.*$");
    private static final Pattern LINE_IN_MESSAGE = Pattern.compile("\\bline (\\d+)|@(\\d+):\\d+");

    private SourceErrors() {}

    /** {@code fileName:line}, or just the file name when no exception in the chain tells the line. */
    static String location(String fileName, Throwable error) {
        OptionalInt line = line(error);
        return line.isPresent() ? fileName + ":" + line.getAsInt() : fileName;
    }

    /** {@code fileName[:line]: first line of the most telling message}. */
    static String describe(String fileName, Throwable error) {
        return location(fileName, error) + ": " + message(error);
    }

    /** The 1-based line the first exception in the chain that knows one points at. */
    static OptionalInt line(Throwable error) {
        for (Throwable t : chain(error)) {
            OptionalInt line = ownLine(t);
            if (line.isPresent()) {
                return line;
            }
        }
        return OptionalInt.empty();
    }

    private static OptionalInt ownLine(Throwable t) {
        if (t instanceof MarkedYamlEngineException marked) {
            Optional<Mark> mark = marked.getProblemMark().or(marked::getContextMark);
            if (mark.isPresent()) {
                return OptionalInt.of(mark.get().getLine() + 1);
            }
        }
        if (t instanceof org.apache.camel.xml.io.XmlPullParserLocationException located && located.getLineNumber() > 0) {
            return OptionalInt.of(located.getLineNumber());
        }
        if (t instanceof org.apache.camel.xml.io.XmlPullParserException xml && xml.getLineNumber() > 0) {
            return OptionalInt.of(xml.getLineNumber());
        }
        if (t instanceof SAXParseException sax && sax.getLineNumber() > 0) {
            return OptionalInt.of(sax.getLineNumber());
        }
        String message = t.getMessage();
        if (message != null) {
            Matcher m = LINE_IN_MESSAGE.matcher(message);
            if (m.find()) {
                return OptionalInt.of(Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2)));
            }
        }
        return OptionalInt.empty();
    }

    /**
     * The message of the exception that says what is wrong: a YAML problem's own text (without
     * its snippet), else the innermost cause with a message, first line only, passwords in URIs
     * masked, at most 300 characters.
     */
    static String message(Throwable error) {
        String text = null;
        for (Throwable t : chain(error)) {
            if (t instanceof MarkedYamlEngineException marked && marked.getProblem() != null
                    && !marked.getProblem().isBlank()) {
                text = marked.getProblem();
                break;
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                text = t.getMessage();
            }
        }
        if (text == null) {
            text = error.getClass().getSimpleName();
        }
        String first = text.strip().lines().findFirst().orElse("").strip();
        // the XML pull parser appends the markup around the error: "(position: ... seen ...<x>... @4:47)"
        first = XML_POSITION.matcher(first).replaceFirst("").strip();
        String masked = URISupport.sanitizeUri(first);
        return masked.length() > MAX_MESSAGE ? masked.substring(0, MAX_MESSAGE) + "..." : masked;
    }

    private static Iterable<Throwable> chain(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        java.util.List<Throwable> list = new java.util.ArrayList<>();
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            list.add(t);
        }
        return list;
    }
}
