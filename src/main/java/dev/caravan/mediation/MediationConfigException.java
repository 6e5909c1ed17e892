package dev.caravan.mediation;

/**
 * A mediator instance whose parameters are unusable: a configuration mistake of the API, not
 * of the caller. The message names the template and the parameter, never the parameter's value
 * (a header value may be a credential).
 */
public class MediationConfigException extends IllegalArgumentException {
    private final String parameter;

    public MediationConfigException(String template, String parameter, String problem) {
        super(template + ": parameter '" + parameter + "' " + problem);
        this.parameter = parameter;
    }

    /** The parameter at fault. */
    public String parameter() {
        return parameter;
    }
}
