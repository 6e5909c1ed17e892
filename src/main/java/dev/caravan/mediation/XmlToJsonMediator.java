package dev.caravan.mediation;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * The {@code xml-to-json} template's step: an XML body becomes JSON. The root element's name is
 * dropped; child elements become fields (repeated ones an array), attributes become fields too,
 * text beside attributes or children goes under the {@code ""} key, and every value is a
 * string (XML has no types). An empty body is left alone. A DOCTYPE (so any entity), markup
 * that is not well-formed or nests deeper than {@value MediationXml#MAX_DEPTH} is a 400
 * {@code invalid_request} in a request flow and a 502 {@code mediation_failed} in a response flow.
 */
@Component("xmlToJsonMediator")
public class XmlToJsonMediator implements Processor {
    static final String TEMPLATE = "xml-to-json";
    static final String CONTENT_TYPE = "application/json";

    @Override
    public void process(Exchange exchange) {
        byte[] body = MediationBodies.read(exchange);
        if (body.length == 0) {
            return;
        }
        JsonNode tree;
        try {
            tree = MediationXml.readXml(body);
        } catch (MediationXml.RefusedXml e) {
            throw Conversions.refused(exchange, e.doctype ? "a DOCTYPE is not allowed in the XML body" : "the body is not well-formed XML");
        } catch (IOException e) {
            throw Conversions.refused(exchange, "the body is not well-formed XML");
        }
        byte[] json;
        try {
            json = MediationXml.JSON.writeValueAsBytes(tree);
        } catch (JacksonException e) {
            throw Conversions.refused(exchange, "the XML body cannot be expressed as JSON");
        }
        MediationBodies.write(exchange, json, CONTENT_TYPE);
    }
}
