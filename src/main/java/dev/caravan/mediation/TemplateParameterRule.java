package dev.caravan.mediation;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.LineNumberAware;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.RouteTemplateParameterDefinition;
import org.apache.camel.model.SetBodyDefinition;
import org.apache.camel.model.SetHeaderDefinition;
import org.apache.camel.model.SetPropertyDefinition;
import org.apache.camel.model.SetVariableDefinition;
import org.apache.camel.model.TransformDefinition;
import org.apache.camel.model.language.ConstantExpression;
import org.apache.camel.model.language.ExpressionDefinition;

/**
 * The rule every route template an API may instantiate must follow, so that a value a publisher
 * gives as a mediator parameter is data and never code.
 *
 * <p>Camel substitutes template parameters into the template's text as property placeholders
 * ({@code {{p}}}) before the route is built. Wherever that text is then read as code (a
 * {@code simple} or any other expression, a {@code setHeader}/{@code setProperty} name, which
 * Camel evaluates as {@code simple}, an endpoint URI, a {@code log} message, a bean reference or
 * method, a template bean's script, a route option...), a value such as
 * {@code ${properties:caravan.admin.password}} would be evaluated by the gateway. So a parameter
 * other than {@code name} may appear <b>only</b> as (part of) the text of a {@code constant}
 * expression giving the value of {@code setHeader}, {@code setProperty}, {@code setVariable},
 * {@code setBody} or {@code transform}, in the plain form {@code {{p}}}, and a header, property
 * or variable set that way may not be one of Camel's own ({@code Camel*}, which steer
 * components). The mediator's own steps then read it as data ({@code ${exchangeProperty.p}} in
 * {@code simple} is the value, never evaluated again).
 *
 * <p>{@code name} is the gateway's: the {@code direct:} endpoint of the instance, a generated
 * identifier, never a publisher's value. The template must start from {@code direct:{{name}}},
 * where the gateway calls it.
 *
 * <p>How every place is seen: the template's model (what Camel's YAML, XML and kamelet loaders
 * built from the file) is walked field by field, reflectively, through every object of
 * Camel's model ({@code org.apache.camel.model..}) and every list, map and array reachable from
 * the template: routes, steps, expressions, endpoint URIs, options, template beans and
 * parameter defaults. A model writer (XML dump) shows only what it knows how to write; the
 * walk sees every string the loaders could have set, so a new option of a later Camel version
 * is covered without a change here (refused, since it is not a constant's text).
 */
public final class TemplateParameterRule {
    /** The parameter the gateway sets on every instance. */
    public static final String NAME = "name";
    static final String ENTRY = "direct:{{name}}";

    /** Steps whose expression gives a value that is stored, not run. */
    private static final List<Class<?>> VALUE_STEPS = List.of(SetHeaderDefinition.class, SetPropertyDefinition.class,
            SetVariableDefinition.class, SetBodyDefinition.class, TransformDefinition.class);

    /** Verdicts by template instance: a definition is not changed once loaded (a reload makes a new one). */
    private static final Map<RouteTemplateDefinition, String> VERDICTS =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    private static final Map<Class<?>, List<Field>> FIELDS = new ConcurrentHashMap<>();
    private static final String OK = "";

    private TemplateParameterRule() {}

    /**
     * Null if the template follows the rule, else why not: {@code template 'id': ...}, naming the
     * parameter and where it is used (step, its part, its line when the loader recorded it).
     */
    public static String problem(RouteTemplateDefinition template) {
        String verdict = VERDICTS.get(template);
        if (verdict == null) {
            String problem = check(template);
            verdict = problem == null ? OK : problem;
            VERDICTS.put(template, verdict);
        }
        return verdict.isEmpty() ? null : verdict;
    }

    private static String check(RouteTemplateDefinition template) {
        String id = template.getId();
        Set<String> parameters = new java.util.TreeSet<>();
        if (template.getTemplateParameters() != null) {
            for (RouteTemplateParameterDefinition parameter : template.getTemplateParameters()) {
                if (parameter.getName() != null) {
                    parameters.add(parameter.getName());
                }
            }
        }
        if (template.getRoute() == null || template.getRoute().getInput() == null) {
            return "template '" + id + "' has no route";
        }
        FromDefinition from = template.getRoute().getInput();
        if (!ENTRY.equals(from.getUri())) {
            return "template '" + id + "' starts from '" + from.getUri() + "': a mediator starts from " + ENTRY
                    + " (where the gateway calls each instance)";
        }
        Walk walk = new Walk(parameters);
        try {
            walk.visit(template, null);
        } catch (Found found) {
            return "template '" + id + "': " + found.getMessage();
        }
        return null;
    }

    /** A use of a parameter outside the allowed place; the message says which and where. */
    private static final class Found extends Exception {
        Found(String message) {
            super(message, null, false, false);
        }
    }

    private record Frame(Object owner, String field) {}

    private static final class Walk {
        private final Set<String> parameters;
        private final Deque<Frame> path = new ArrayDeque<>();
        private final Map<Object, Boolean> seen = new IdentityHashMap<>();

        Walk(Set<String> parameters) {
            this.parameters = parameters;
        }

        void visit(Object value, String field) throws Found {
            if (value == null) {
                return;
            }
            if (value instanceof CharSequence text) {
                string(text.toString(), field);
                return;
            }
            if (value instanceof Collection<?> items) {
                for (Object item : items) {
                    visit(item, field);
                }
                return;
            }
            if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    visit(entry.getKey(), field);
                    visit(entry.getValue(), field);
                }
                return;
            }
            if (value.getClass().isArray()) {
                if (!value.getClass().getComponentType().isPrimitive()) {
                    for (int i = 0; i < Array.getLength(value); i++) {
                        visit(Array.get(value, i), field);
                    }
                }
                return;
            }
            if (!isModel(value.getClass()) || seen.put(value, Boolean.TRUE) != null) {
                return;
            }
            for (Field f : fields(value.getClass())) {
                Object child;
                try {
                    child = f.get(value);
                } catch (IllegalAccessException e) {
                    throw new Found("its part '" + f.getName() + "' cannot be checked");
                }
                path.push(new Frame(value, f.getName()));
                try {
                    visit(child, f.getName());
                } finally {
                    path.pop();
                }
            }
        }

        /**
         * Finds every placeholder that refers to a parameter, the way Camel's property parser
         * would see it: {@code {{}, an optional {@code ?} or {@code !}, the key, then {@code }}}
         * or {@code :} (a default or a function argument). Nesting is judged by the {@code {{}
         * left open before it, whatever the key of the enclosing placeholder.
         */
        private void string(String text, String field) throws Found {
            for (int start = text.indexOf("{{"); start >= 0; start = text.indexOf("{{", start + 1)) {
                String parameter = referencedAt(text, start + 2);
                if (parameter == null || parameter.equals(NAME)) {
                    continue; // not a parameter, or the gateway's own name
                }
                if (!text.startsWith("{{" + parameter + "}}", start)) {
                    throw new Found("parameter '" + parameter + "' is used in another form than {{" + parameter
                            + "}} in " + where(field) + "; only the plain form is allowed, in a constant");
                }
                if (openBefore(text, start)) {
                    throw new Found("parameter '" + parameter + "' is nested in another placeholder in " + where(field)
                            + "; its value would choose what is looked up");
                }
                if (!inValueConstant()) {
                    throw new Found("parameter '" + parameter + "' is used in " + where(field)
                            + "; a parameter may only be the text of a constant that sets a header, property,"
                            + " variable or the body (so that its value is never evaluated)");
                }
                int end = start + parameter.length() + 4;
                if ((start > 0 && isBrace(text.charAt(start - 1))) || (end < text.length() && isBrace(text.charAt(end)))) {
                    throw new Found("parameter '" + parameter + "' touches a brace in " + where(field)
                            + " (its value could complete another placeholder)");
                }
                String target = targetName();
                if (target != null && target.toLowerCase(Locale.ROOT).startsWith("camel")) {
                    throw new Found("parameter '" + parameter + "' sets '" + target + "' in " + where(field)
                            + ": Camel's own headers and properties steer its components");
                }
            }
        }

        /** The parameter whose key starts at {@code at} (after {@code {{}), or null. */
        private String referencedAt(String text, int at) {
            int i = at;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i < text.length() && (text.charAt(i) == '?' || text.charAt(i) == '!')) {
                i++;
            }
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            for (String parameter : parameters) {
                if (!text.startsWith(parameter, i)) {
                    continue;
                }
                int after = i + parameter.length();
                while (after < text.length() && Character.isWhitespace(text.charAt(after))) {
                    after++;
                }
                if (text.startsWith("}}", after) || text.startsWith(":", after)) {
                    return parameter;
                }
            }
            return null;
        }

        /** Whether the string being checked is the text of a constant giving a value step its value. */
        private boolean inValueConstant() {
            Iterator<Frame> frames = path.iterator();
            if (!frames.hasNext()) {
                return false;
            }
            Frame top = frames.next();
            if (!(top.owner() instanceof ConstantExpression) || !"expression".equals(top.field())) {
                return false;
            }
            while (frames.hasNext()) {
                Frame frame = frames.next();
                if (frame.owner() instanceof ExpressionDefinition) {
                    continue; // an expression wrapping the constant
                }
                return isValueStep(frame.owner()) && "expression".equals(frame.field());
            }
            return false;
        }

        /** The header, property or variable name the value step around the string sets, if any. */
        private String targetName() {
            for (Frame frame : path) {
                if (frame.owner() instanceof SetHeaderDefinition step) {
                    return step.getName();
                }
                if (frame.owner() instanceof SetPropertyDefinition step) {
                    return step.getName();
                }
                if (frame.owner() instanceof SetVariableDefinition step) {
                    return step.getName();
                }
                if (frame.owner() instanceof ProcessorDefinition<?>) {
                    return null;
                }
            }
            return null;
        }

        /** Where a string sits, for the refusal: the step (with its line) and the part of it. */
        private String where(String field) {
            List<String> parts = new ArrayList<>();
            Integer line = null;
            for (Frame frame : path) {
                Object owner = frame.owner();
                if (owner instanceof ExpressionDefinition expression) {
                    if (parts.isEmpty() && !"expression".equals(frame.field())) {
                        parts.add("its " + frame.field());
                    }
                    parts.add(0, "a " + expression.getLanguage() + " expression");
                    continue;
                }
                String step = owner instanceof ProcessorDefinition<?> processor ? processor.getShortName()
                        : owner instanceof FromDefinition ? "from"
                        : owner instanceof RouteTemplateDefinition ? "the template"
                        : shortName(owner.getClass());
                if (line == null && owner instanceof LineNumberAware aware && aware.getLineNumber() > 0) {
                    line = aware.getLineNumber();
                }
                if (parts.isEmpty()) {
                    parts.add("its " + frame.field());
                }
                parts.add(0, step);
                if (owner instanceof ProcessorDefinition<?> || owner instanceof FromDefinition
                        || owner instanceof RouteTemplateDefinition) {
                    break;
                }
            }
            if (parts.isEmpty()) {
                parts.add(field);
            }
            return String.join(", ", parts) + (line == null ? "" : " (line " + line + ")");
        }
    }

    private static boolean isBrace(char c) {
        return c == '{' || c == '}';
    }

    /** Whether a placeholder opened before {@code at} is still open there. */
    private static boolean openBefore(String text, int at) {
        int depth = 0;
        for (int i = 0; i < at - 1; i++) {
            if (text.startsWith("{{", i)) {
                depth++;
                i++;
            } else if (text.startsWith("}}", i)) {
                depth = Math.max(0, depth - 1);
                i++;
            }
        }
        return depth > 0;
    }

    private static boolean isValueStep(Object owner) {
        for (Class<?> step : VALUE_STEPS) {
            if (step.isInstance(owner)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isModel(Class<?> type) {
        return type.getName().startsWith("org.apache.camel.model.") && !type.isEnum();
    }

    private static String shortName(Class<?> type) {
        String name = type.getSimpleName().replaceFirst("Definition$", "");
        return name.isEmpty() ? type.getName() : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    /**
     * Every instance field of a model class and its model superclasses, but the back-references
     * to the enclosing step ({@code parent}), which would only lead back up.
     */
    private static List<Field> fields(Class<?> type) {
        return FIELDS.computeIfAbsent(type, t -> {
            List<Field> all = new ArrayList<>();
            for (Class<?> c = t; c != null && isModel(c); c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic() || f.getName().equals("parent")) {
                        continue;
                    }
                    f.setAccessible(true);
                    all.add(f);
                }
            }
            return List.copyOf(all);
        });
    }
}
