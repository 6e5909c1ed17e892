package dev.caravan.mediation;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The {@code json-to-xml} template's step: a JSON body becomes an XML document under
 * {@code rootElement}; object fields become elements, array items repeat their field's element.
 * An empty body is left alone. A body that is not JSON (or nests deeper than
 * {@value MediationXml#MAX_DEPTH}) is a 400 {@code invalid_request} in a request flow and a
 * 502 {@code mediation_failed} in a response flow (the backend's answer cannot be converted).
 */
@Component("jsonToXmlMediator")
public class JsonToXmlMediator implements Processor {
    static final String TEMPLATE = "json-to-xml";
    static final String CONTENT_TYPE = "application/xml";

    @Override
    public void process(Exchange exchange) {
        String root = MediationParameters.take(exchange, TEMPLATE, "rootElement");
        checkRootElement(root);
        byte[] body = MediationBodies.read(exchange);
        if (body.length == 0) {
            return;
        }
        JsonNode tree;
        try {
            tree = MediationXml.JSON.readTree(body);
        } catch (StreamConstraintsException e) {
            throw Conversions.refused(exchange, "the JSON body is nested too deeply");
        } catch (IOException e) {
            throw Conversions.refused(exchange, "the body is not valid JSON");
        }
        if (tree == null || tree.isMissingNode()) {
            return;
        }
        byte[] xml;
        try {
            xml = MediationXml.XML.writer().withRootName(root).writeValueAsBytes(tree);
        } catch (JacksonException e) {
            // e.g. a string with a character XML 1.0 cannot carry
            throw Conversions.refused(exchange, "the JSON body cannot be expressed as XML");
        }
        MediationBodies.write(exchange, xml, CONTENT_TYPE);
    }

    /** The root element must be an XML name without a namespace prefix. */
    static void checkRootElement(String root) {
        if (root == null || root.isEmpty() || !isNameStart(root.charAt(0))) {
            throw new MediationConfigException(TEMPLATE, "rootElement", "is not a valid XML element name");
        }
        for (int i = 1; i < root.length(); i++) {
            char c = root.charAt(i);
            if (!isNameStart(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.') {
                throw new MediationConfigException(TEMPLATE, "rootElement", "is not a valid XML element name");
            }
        }
        if (root.regionMatches(true, 0, "xml", 0, 3)) {
            throw new MediationConfigException(TEMPLATE, "rootElement", "must not start with 'xml'");
        }
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }
}
