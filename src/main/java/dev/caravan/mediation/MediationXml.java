package dev.caravan.mediation;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.api.WstxOutputProperties;
import com.ctc.wstx.stax.WstxInputFactory;
import com.ctc.wstx.stax.WstxOutputFactory;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.dataformat.xml.XmlNameProcessor;
import com.fasterxml.jackson.dataformat.xml.XmlNameProcessors;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The JSON and XML readers and writers of the conversion mediators, set up once.
 *
 * <p>XML input: no DTD at all (a {@code DOCTYPE} is refused before anything else is read, so
 * neither external entities nor entity expansion can happen), no external entity resolution
 * in case a parser tried anyway, elements nested at most {@value #MAX_DEPTH} deep. JSON input:
 * nested at most {@value #MAX_DEPTH} deep, nothing after the value.
 */
final class MediationXml {
    static final int MAX_DEPTH = 64;

    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final XMLInputFactory XML_IN = hardenedInput();

    static final XmlMapper XML = XmlMapper.builder(new XmlFactory(XML_IN, checkedOutput()))
            .xmlNameProcessor(new ValidNames())
            .build();

    private MediationXml() {}

    private static XMLInputFactory hardenedInput() {
        WstxInputFactory factory = new WstxInputFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        factory.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, MAX_DEPTH);
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external entities are not resolved");
        });
        return factory;
    }

    /** The writer checks names and structure: a mistake fails the conversion instead of producing broken XML. */
    private static WstxOutputFactory checkedOutput() {
        WstxOutputFactory factory = new WstxOutputFactory();
        factory.setProperty(WstxOutputProperties.P_OUTPUT_VALIDATE_NAMES, Boolean.TRUE);
        factory.setProperty(WstxOutputProperties.P_OUTPUT_VALIDATE_STRUCTURE, Boolean.TRUE);
        return factory;
    }

    /**
     * JSON keys that are not XML names ("a b", "1st") get their bad characters replaced by '_'
     * (Jackson's replacement processor); so do colons, which it keeps; an empty key becomes "_".
     */
    private static final class ValidNames implements XmlNameProcessor {
        private static final long serialVersionUID = 1L;
        private final XmlNameProcessor replacement = XmlNameProcessors.newReplacementProcessor();

        @Override
        public void encodeName(XmlName name) {
            replacement.encodeName(name);
            if (name.localPart == null || name.localPart.isEmpty()) {
                name.localPart = "_";
            } else if (name.localPart.indexOf(':') >= 0) {
                // a colon would make a namespace prefix of the key
                name.localPart = name.localPart.replace(':', '_');
            }
        }

        @Override
        public void decodeName(XmlName name) {
            replacement.decodeName(name);
        }
    }

    /** Why an XML document was refused: a DOCTYPE, or it is not well-formed (or too deep). */
    static final class RefusedXml extends IOException {
        final boolean doctype;

        RefusedXml(String message, boolean doctype) {
            super(message, null);
            this.doctype = doctype;
        }
    }

    /** Parses an XML document into a tree (the root element's name is dropped, as Jackson does). */
    static JsonNode readXml(byte[] bytes) throws IOException {
        try {
            XMLStreamReader reader = XML_IN.createXMLStreamReader(new ByteArrayInputStream(bytes));
            // walk to the root element ourselves: a DOCTYPE comes before it, and is refused
            while (reader.getEventType() != XMLStreamConstants.START_ELEMENT) {
                int event = reader.next();
                if (event == XMLStreamConstants.DTD) {
                    throw new RefusedXml("a DOCTYPE is not allowed", true);
                }
                if (event == XMLStreamConstants.END_DOCUMENT) {
                    throw new RefusedXml("no root element", false);
                }
            }
            return XML.readValue(reader, JsonNode.class);
        } catch (XMLStreamException e) {
            throw new RefusedXml("not well-formed XML", false);
        }
    }
}
