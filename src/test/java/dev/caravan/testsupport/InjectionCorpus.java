package dev.caravan.testsupport;

import java.util.List;

/**
 * What a hostile publisher (or caller) might give where a value is expected, hoping the gateway
 * evaluates it: Camel's simple expressions (properties, environment, beans, the Camel context, a
 * file read), placeholders, SpEL-like and Camel's RAW() forms. A value of this list must be
 * refused or arrive as its own characters.
 */
public final class InjectionCorpus {
    public static final List<String> VALUES = List.of(
            "${properties:caravan.admin.password}",
            "${env:HOME}",
            "${sysenv.PATH}",
            "${bean:dataSource?method=getConnection}",
            "${camelContext.name}",
            "${camelContext.createConsumerTemplate().receiveBody(\"file:/etc?fileName=passwd&noop=true\", 2000)}",
            "${exchangeProperty.CamelToEndpoint}",
            "$simple{header.Authorization}",
            "{{caravan.admin.password}}",
            "#{1+1}",
            "RAW(x)",
            "${header.Authorization}",
            "${file:name}",
            "${date:now}",
            "${random(9)}",
            "${sys.user.home}");

    /** The start of /etc/passwd, which the file-reading value would bring along. */
    public static final String PASSWD_LINE = "root:x:0:0";

    private InjectionCorpus() {}
}
